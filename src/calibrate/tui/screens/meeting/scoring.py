"""Scoring: one rater at a time, the sample on one side and the rubric on the other.

Number keys choose a level, and the score is committed the moment it is chosen. While the session
is blind the rater sees only their own scores.

Below 70 columns (a phone's browser in a served meeting, a small terminal window) the two sides
take turns: v switches between the sample and the rubric, a new sample shows itself first, and
the status line says which level is chosen for the criterion.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Input, ProgressBar, Static

from calibrate.domain.errors import CalibrateError
from calibrate.domain.model import Criterion, Phase, Sample, Score
from calibrate.services.meeting import sessions as meeting
from calibrate.tui.base import NARROW_BELOW, StoreScreen
from calibrate.tui.screens.modals import ChoiceModal
from calibrate.tui.widgets.rubric_panel import RubricPanel
from calibrate.tui.widgets.sample_view import SampleView

DIGITS = "1234567890"
SLIM_BELOW = 70  # columns: under this, the sample and the rubric take turns
# Still bound, and in F1 and the palette, but left out of a narrow footer so that e, w, Escape
# and F1 stay in it.
FOOTER_SPARE = frozenset({"previous_criterion", "next_sample", "previous_sample"})


class ScoringScreen(StoreScreen):
    TITLE = "Scoring"
    HORIZONTAL_BREAKPOINTS = [(0, "-slim"), (SLIM_BELOW, "-narrow"), (100, "-wide")]
    NARROW_FOOTER_HIDES = FOOTER_SPARE
    BINDINGS = [
        Binding("v", "switch_pane", "Sample/rubric"),
        # One entry in the footer and help for every number key; it shows the rubric's own
        # levels (see key_display), not 0-9.
        Binding("1", "choose(1)", "Level"),
        *[Binding(d, f"choose({d})", "", show=False) for d in DIGITS[1:]],
        Binding("enter,n", "next_criterion", "Next"),
        Binding("p", "previous_criterion", "Previous"),
        Binding("right_square_bracket", "next_sample", "Next sample", key_display="]"),
        Binding("left_square_bracket", "previous_sample", "Prev sample", key_display="["),
        Binding("e", "note", "Because…"),
        Binding("w", "switch_rater", "Who's scoring"),
        Binding("escape", "leave", "Back"),
        # Tab goes between the sample and the rubric, never into the note (e writes one), so
        # the next number key still chooses a level.
        Binding("tab,shift+tab", "cycle_focus", "Sample/rubric focus", show=False),
    ]

    def __init__(self, session_id: int, rater_id: int | None = None) -> None:
        super().__init__()
        self.session_id = session_id
        self.rater_id = rater_id
        self.sample_index = 0
        self.criterion_index = 0
        self.mine: dict[tuple[int, str], Score] = {}
        # Notes typed before a level is chosen, kept per item until one is (never dropped).
        self.draft_notes: dict[tuple[int, str], str] = {}

    def compose(self) -> ComposeResult:
        # Loaded before the first paint, so the footer shows the rubric's level keys at once.
        self.context = meeting.load_context(self.store, self.session_id)
        yield Header()
        with Horizontal(id="scoring"):
            yield SampleView(id="sample")
            with Vertical(id="rubric-side"):
                yield RubricPanel(id="rubric")
                yield Input(placeholder="because… (press e to write, Enter to save)", id="note")
        with Horizontal(id="scoring-status"):
            yield Static("", id="progress-text")
            # A total from the start: an indeterminate bar pulses, which says "busy", not "0 done".
            yield ProgressBar(total=1, id="progress", show_eta=False)
        yield Footer(compact=True)  # every key fits in 120 columns (F1 and Quit too)

    def on_mount(self) -> None:
        self.sub_title = self.context.session.title
        if self.context.session.phase is not Phase.SCORING:
            self.notify(f"This session is in {self.context.session.phase.value}, not scoring.")
            self.app.pop_screen()
            return
        if self.rater_id is None:
            self.action_switch_rater()
        else:
            self.start_rater(self.rater_id)

    def key_display(self, binding: Binding) -> str | None:
        """The number keys as the rubric's levels (``1-4``), for the footer and help."""
        if binding.action == "choose(1)" and hasattr(self, "context"):
            return self.context.level_keys
        return None

    # ------------------------------------------------------------------ who is scoring
    def action_switch_rater(self) -> None:
        self.keep_note()
        # Blind: the next teacher must not see the previous one's levels behind the picker.
        self.add_class("-picking")
        progress = {p.rater.id: p for p in meeting.progress(self.store, self.session_id)}
        options = []
        for rater in self.context.raters:
            assert rater.id is not None
            p = progress[rater.id]
            options.append((rater.id, f"{rater.name}   {p.scored}/{p.total} scored"))

        def chosen(rater_id: int | None) -> None:
            self.remove_class("-picking")
            if rater_id is None:
                if self.rater_id is None:
                    self.app.pop_screen()
                return
            self.start_rater(rater_id)

        self.app.push_screen(ChoiceModal("Who is scoring?", options), chosen)

    def start_rater(self, rater_id: int) -> None:
        self.rater_id = rater_id
        self.mine = meeting.own_scores(self.store, self.session_id, rater_id)
        self.sub_title = (
            f"{self.context.session.title} — {self.context.rater(rater_id).name} · "
            f"round {self.context.session.round}"
        )
        self.sample_index, self.criterion_index = self.first_unscored()
        self.show_item()
        self.focus_pane()

    def first_unscored(self) -> tuple[int, int]:
        """The first item of the round this rater has not scored (the first item if none)."""
        samples, criteria = self.context.samples, self.context.rubric.criteria
        for i, j in self.steps:
            if (samples[i].id, criteria[j].key) not in self.mine:
                return i, j
        return self.steps[0] if self.steps else (0, 0)

    @property
    def steps(self) -> tuple[tuple[int, int], ...]:
        """The round's items as (sample index, criterion index): a re-score round of some
        items walks only those."""
        if not hasattr(self, "_steps"):
            self._steps = self.context.round_steps()
        return self._steps

    def go(self, step: tuple[int, int]) -> None:
        sample_changed = step[0] != self.sample_index
        self.sample_index, self.criterion_index = step
        self.show_item(sample_changed=sample_changed)

    @property
    def step_index(self) -> int:
        here = (self.sample_index, self.criterion_index)
        return self.steps.index(here) if here in self.steps else 0

    # ------------------------------------------------------------------ current item
    @property
    def sample(self) -> Sample:
        return self.context.samples[self.sample_index]

    @property
    def criterion(self) -> Criterion:
        return self.context.rubric.criteria[self.criterion_index]

    def current_score(self) -> Score | None:
        assert self.sample.id is not None
        return self.mine.get((self.sample.id, self.criterion.key))

    def show_item(self, *, sample_changed: bool = True) -> None:
        if sample_changed:
            self.query_one(SampleView).show(
                self.sample, self.sample_index + 1, len(self.context.samples)
            )
            if self.has_class("-rubric"):
                self.show_pane(rubric=False)  # taking turns: a new sample is read first
        score = self.current_score()
        self.query_one(RubricPanel).show(
            self.criterion,
            self.criterion_index + 1,
            len(self.context.rubric.criteria),
            score.level if score else None,
        )
        assert self.sample.id is not None
        draft = self.draft_notes.get((self.sample.id, self.criterion.key), "")
        self.query_one("#note", Input).value = score.note if score else draft
        self.update_progress()

    def update_progress(self) -> None:
        done, total = len(self.mine), self.context.n_items
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=total, progress=done)
        text = f"{done} of {total} scored"
        if self.context.session.round > 1:  # a new round's count starts again at 0
            text = f"{self.context.round_label()} · {text}"
        if self.app.size.width < NARROW_BELOW:  # hidden, or scrolled off: say what is chosen
            score = self.current_score()
            text += f" · {self.criterion.name}: {score.level if score else '—'}"
        if done >= total:
            text += " — all done, thank you! Press Escape to leave."
        self.query_one("#progress-text", Static).update(text)

    # ------------------------------------------------------------------ actions
    def action_choose(self, level: int) -> None:
        if self.rater_id is None:
            return
        if level not in self.criterion.scores:
            shown = ", ".join(str(s) for s in self.criterion.scores)
            self.notify(
                f"{level} is not a level of {self.criterion.name} ({shown}).", severity="warning"
            )
            return
        self.commit(level, self.query_one("#note", Input).value)

    def commit(self, level: int, note: str) -> None:
        assert self.rater_id is not None and self.sample.id is not None
        try:
            score = meeting.record_score(
                self.store,
                self.session_id,
                rater_id=self.rater_id,
                sample_id=self.sample.id,
                criterion_key=self.criterion.key,
                level=level,
                note=note,
            )
        except CalibrateError as exc:
            self.notify(exc.message, severity="error", timeout=8)
            return
        self.mine[(self.sample.id, self.criterion.key)] = score
        self.draft_notes.pop((self.sample.id, self.criterion.key), None)
        self.show_item(sample_changed=False)

    def keep_note(self) -> None:
        """Before the item changes: a note typed but not yet saved with Enter is saved with the
        item's score, or, with no level chosen yet, kept for when the rater comes back."""
        if self.rater_id is None:
            return
        value = self.query_one("#note", Input).value
        score = self.current_score()
        assert self.sample.id is not None
        if score is not None:
            if value.strip() != score.note:
                self.commit(score.level, value)
        elif value.strip():
            self.draft_notes[(self.sample.id, self.criterion.key)] = value
        else:
            self.draft_notes.pop((self.sample.id, self.criterion.key), None)

    def action_cycle_focus(self) -> None:
        """Tab: from the rubric to the sample and back (slim: the other side); from the note,
        back to the rubric."""
        if self.slim:
            self.action_switch_pane()
        elif isinstance(self.app.focused, RubricPanel):
            self.query_one(SampleView).focus()
        else:
            self.query_one(RubricPanel).focus()

    def action_note(self) -> None:
        self.show_pane(rubric=True)
        self.query_one("#note", Input).focus()

    # ------------------------------------------------------------------ slim: one side at a time
    @property
    def slim(self) -> bool:
        """Too narrow for the sample and the rubric side by side (the terminal's width: the
        breakpoint class arrives with the first resize, after mounting)."""
        return self.app.size.width < SLIM_BELOW

    def on_resize(self) -> None:
        self.refresh_bindings()
        if self.rater_id is not None:
            self.update_progress()
            focused = self.app.focused
            if focused is None or not all(n.display for n in focused.ancestors_with_self):
                self.focus_pane()  # never leave the keys in a field that is not shown

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "switch_pane":
            return self.slim
        return True

    def action_switch_pane(self) -> None:
        self.show_pane(rubric=not self.has_class("-rubric"))

    def show_pane(self, *, rubric: bool) -> None:
        """Slim layout: show the rubric (and the note) or the sample; a wide one shows both."""
        self.set_class(rubric, "-rubric")
        self.focus_pane()

    def focus_pane(self) -> None:
        """The rubric has the keys, unless the slim layout is showing the sample."""
        reading = self.slim and not self.has_class("-rubric")
        self.query_one(SampleView if reading else RubricPanel).focus()

    @on(Input.Submitted, "#note")
    def note_saved(self, event: Input.Submitted) -> None:
        score = self.current_score()
        if score is None:
            self.notify("Choose a level first (the number keys); the note is kept.")
            self.query_one(RubricPanel).focus()
            return
        if event.value.strip() != score.note:
            self.commit(score.level, event.value)
        self.query_one(RubricPanel).focus()
        self.action_next_criterion()

    def action_next_criterion(self) -> None:
        self.keep_note()
        n = self.step_index
        if n + 1 < len(self.steps):
            self.go(self.steps[n + 1])
        else:
            last = "item of this round" if self.context.partial_round else "criterion"
            self.notify(f"That was the last {last} of the last sample.")

    def action_previous_criterion(self) -> None:
        self.keep_note()
        n = self.step_index
        if n > 0:
            self.go(self.steps[n - 1])

    def action_next_sample(self) -> None:
        self.keep_note()
        later = [s for s in self.steps if s[0] > self.sample_index]
        if later:
            self.go(later[0])

    def action_previous_sample(self) -> None:
        self.keep_note()
        earlier = [s for s in self.steps if s[0] < self.sample_index]
        if earlier:
            first = min(s for s in self.steps if s[0] == earlier[-1][0])
            self.go(first)

    def action_leave(self) -> None:
        if self.query_one("#note", Input).has_focus:
            self.query_one(RubricPanel).focus()
            return
        self.keep_note()
        self.app.pop_screen()
