"""Scoring: one rater at a time, the sample on one side and the rubric on the other.

Number keys choose a level, and the score is committed the moment it is chosen. While the session
is blind the rater sees only their own scores.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Input, ProgressBar, Static

from calibrate.domain.errors import CalibrateError
from calibrate.domain.model import Criterion, Phase, Sample, Score
from calibrate.services import meeting
from calibrate.tui.base import StoreScreen
from calibrate.tui.screens.modals import ChoiceModal
from calibrate.tui.widgets.rubric_panel import RubricPanel
from calibrate.tui.widgets.sample_view import SampleView

DIGITS = "1234567890"


class ScoringScreen(StoreScreen):
    TITLE = "Scoring"
    BINDINGS = [
        Binding("1", "choose(1)", "Choose level", key_display="0-9"),
        *[Binding(d, f"choose({d})", f"Level {d}", show=False) for d in DIGITS[1:]],
        Binding("enter,n", "next_criterion", "Next"),
        Binding("p", "previous_criterion", "Previous"),
        Binding("right_square_bracket", "next_sample", "Next sample", key_display="]"),
        Binding("left_square_bracket", "previous_sample", "Prev sample", key_display="["),
        Binding("e", "note", "Because…"),
        Binding("w", "switch_rater", "Who's scoring"),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self, session_id: int, rater_id: int | None = None) -> None:
        super().__init__()
        self.session_id = session_id
        self.rater_id = rater_id
        self.sample_index = 0
        self.criterion_index = 0
        self.mine: dict[tuple[int, str], Score] = {}

    def compose(self) -> ComposeResult:
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
        yield Footer()

    def on_mount(self) -> None:
        self.context = meeting.load_context(self.store, self.session_id)
        self.sub_title = self.context.session.title
        if self.context.session.phase is not Phase.SCORING:
            self.notify(f"This session is in {self.context.session.phase.value}, not scoring.")
            self.app.pop_screen()
            return
        if self.rater_id is None:
            self.action_switch_rater()
        else:
            self.start_rater(self.rater_id)

    # ------------------------------------------------------------------ who is scoring
    def action_switch_rater(self) -> None:
        progress = {p.rater.id: p for p in meeting.progress(self.store, self.session_id)}
        options = []
        for rater in self.context.raters:
            assert rater.id is not None
            p = progress[rater.id]
            options.append((rater.id, f"{rater.name}   {p.scored}/{p.total} scored"))

        def chosen(rater_id: int | None) -> None:
            if rater_id is None:
                if self.rater_id is None:
                    self.app.pop_screen()
                return
            self.start_rater(rater_id)

        self.app.push_screen(ChoiceModal("Who is scoring?", options), chosen)

    def start_rater(self, rater_id: int) -> None:
        self.rater_id = rater_id
        self.mine = meeting.own_scores(self.store, self.session_id, rater_id)
        self.sub_title = f"{self.context.session.title} — {self.context.rater(rater_id).name}"
        self.sample_index, self.criterion_index = self.first_unscored()
        self.show_item()
        self.query_one("#rubric", RubricPanel).focus()

    def first_unscored(self) -> tuple[int, int]:
        for i, sample in enumerate(self.context.samples):
            for j, criterion in enumerate(self.context.rubric.criteria):
                if (sample.id, criterion.key) not in self.mine:
                    return i, j
        return 0, 0

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
        score = self.current_score()
        self.query_one(RubricPanel).show(
            self.criterion,
            self.criterion_index + 1,
            len(self.context.rubric.criteria),
            score.level if score else None,
        )
        self.query_one("#note", Input).value = score.note if score else ""
        self.update_progress()

    def update_progress(self) -> None:
        done, total = len(self.mine), self.context.n_items
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=total, progress=done)
        text = f"{done} of {total} scored"
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
        self.show_item(sample_changed=False)

    def action_note(self) -> None:
        self.query_one("#note", Input).focus()

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
        if self.criterion_index + 1 < len(self.context.rubric.criteria):
            self.criterion_index += 1
            self.show_item(sample_changed=False)
        elif self.sample_index + 1 < len(self.context.samples):
            self.sample_index += 1
            self.criterion_index = 0
            self.show_item()
        else:
            self.notify("That was the last criterion of the last sample.")

    def action_previous_criterion(self) -> None:
        if self.criterion_index > 0:
            self.criterion_index -= 1
            self.show_item(sample_changed=False)
        elif self.sample_index > 0:
            self.sample_index -= 1
            self.criterion_index = len(self.context.rubric.criteria) - 1
            self.show_item()

    def action_next_sample(self) -> None:
        if self.sample_index + 1 < len(self.context.samples):
            self.sample_index += 1
            self.criterion_index = 0
            self.show_item()

    def action_previous_sample(self) -> None:
        if self.sample_index > 0:
            self.sample_index -= 1
            self.criterion_index = 0
            self.show_item()

    def action_leave(self) -> None:
        if self.query_one("#note", Input).has_focus:
            self.query_one(RubricPanel).focus()
            return
        self.app.pop_screen()
