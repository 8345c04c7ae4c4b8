"""Consensus: one sample × criterion after the reveal. The team reads every rater's level and
evidence note (by name: the discussion is open now), agrees a level, writes why, and may keep the
sample as an anchor of that level. Then on to the next item of the discussion queue.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Footer, Header, Input, Static

from calibrate.domain.errors import CalibrateError
from calibrate.services.meeting import consensus
from calibrate.services.meeting import sessions as meeting
from calibrate.services.meeting.consensus import ConsensusItem
from calibrate.services.meeting.key_timing import key_text
from calibrate.tui.base import StoreScreen
from calibrate.tui.screens.modals import ConfirmModal, TextModal
from calibrate.tui.widgets.meeting.rater_notes import RaterNotesTable
from calibrate.tui.widgets.rubric_panel import RubricPanel
from calibrate.tui.widgets.sample_view import SampleView

DIGITS = "1234567890"
# Actions bound to a letter or a digit: while the rationale box has the keys, they type instead.
TYPED_ACTIONS = {"choose", "write", "keep_anchor", "next_item", "toggle_sample", "show_key"}


class ConsensusScreen(StoreScreen):
    TITLE = "Consensus"
    BINDINGS = [
        Binding(
            "1", "choose(1)", "Level", tooltip="Agreed level"
        ),  # shown as the criterion's levels
        *[Binding(d, f"choose({d})", "", show=False) for d in DIGITS[1:]],
        Binding("r", "write", "Why", tooltip="Rationale"),
        Binding("ctrl+s", "save", "Save"),
        Binding("s", "save", "Save", show=False),
        Binding("a", "keep_anchor", "Anchor", tooltip="Keep as anchor"),
        Binding("n", "next_item", "Next", tooltip="Next item"),
        Binding("t", "toggle_sample", "Sample", tooltip="Sample text"),
        # The status line says "k shows it now" while the key is kept back.
        Binding("k", "show_key", "Show master key", show=False),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self, session_id: int, sample_id: int, criterion_key: str) -> None:
        super().__init__()
        self.session_id = session_id
        self.sample_id = sample_id
        self.criterion_key = criterion_key
        self.chosen: int | None = None
        self._item: ConsensusItem | None = None

    @property
    def item(self) -> ConsensusItem:
        assert self._item is not None, "the item is loaded on mount"
        return self._item

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="consensus-top"):
            yield SampleView(id="consensus-sample")
            yield RubricPanel(id="consensus-levels")
        yield RaterNotesTable(id="consensus-raters")
        yield Static("", id="consensus-status")
        with Horizontal(id="consensus-form"):
            yield Input(
                placeholder="Why the team agreed this level (r to write, Enter saves)",
                id="consensus-rationale",
            )
            yield Button(r"Save \[ctrl+s]", id="consensus-save", variant="primary")
            yield Button(r"Keep as anchor \[a]", id="consensus-anchor")
            yield Button(r"Next \[n]", id="consensus-next")
        yield Static("", id="consensus-error", classes="error")
        yield Footer(compact=True)  # every key fits in 120 columns (F1 and Quit too)

    def on_mount(self) -> None:
        if self.load(self.sample_id, self.criterion_key):
            self.query_one(RubricPanel).focus()
        else:
            self.app.pop_screen()

    # ------------------------------------------------------------------ showing an item
    def load(self, sample_id: int, criterion_key: str) -> bool:
        """Show the item; False (after telling the user why) if it cannot be shown."""
        try:
            item = consensus.load_item(self.store, self.session_id, sample_id, criterion_key)
        except CalibrateError as exc:
            self.notify(exc.message, severity="error", timeout=8)
            return False
        self._item = item
        self.sample_id, self.criterion_key = sample_id, criterion_key
        self.chosen = item.consensus.level if item.consensus else None
        self.sub_title = item.context.session.title
        self.query_one(SampleView).show(
            item.sample, item.sample_position, len(item.context.samples)
        )
        self.query_one(RaterNotesTable).show(item.lines)
        rationale = self.query_one("#consensus-rationale", Input)
        rationale.value = item.consensus.rationale if item.consensus else ""
        self.show_error("")
        self.refresh_choice()
        self.refresh_bindings()  # the footer shows this criterion's level keys
        return True

    def refresh_choice(self) -> None:
        item = self.item
        criteria = item.context.rubric.criteria
        position = [c.key for c in criteria].index(item.criterion.key) + 1
        self.query_one(RubricPanel).show(item.criterion, position, len(criteria), self.chosen)
        where = (
            f"Discussion queue: item {item.queue_position} of {len(item.queue)}, "
            f"{len(item.agreed & set(item.queue))} agreed"
            if item.queue_position
            else "Every rater chose the same level here (not in the discussion queue)"
        )
        agreed = (
            f"[b]{item.label(item.consensus.level)}[/b] (saved)" if item.consensus else "not yet"
        )
        unsaved = item.consensus is None or self.chosen != item.consensus.level
        chosen = "—  (press a level's number)" if self.chosen is None else item.label(self.chosen)
        lines = [
            f"{where} · round {item.round}",
            "Master key: "
            + key_text(
                f"[b]{item.label(item.reference)}[/b]",
                item.reference,
                shown=self.calibrate_app.key_shown(
                    self.session_id, agreed=item.consensus is not None
                ),
            )
            + f"   Agreed: {agreed}"
            + (f"   Choosing: [b]{chosen}[/b]" if unsaved else ""),
        ]
        self.query_one("#consensus-status", Static).update("\n".join(lines))

    def show_error(self, message: str) -> None:
        error = self.query_one("#consensus-error", Static)
        error.update(message)
        error.display = bool(message)

    @property
    def unsaved_text(self) -> bool:
        """The rationale box holds words that are not what is saved."""
        text = self.query_one("#consensus-rationale", Input).value.strip()
        saved = self.item.consensus
        return bool(text) and (
            saved is None or text != saved.rationale or self.chosen != saved.level
        )

    @property
    def unsaved_level(self) -> bool:
        """A level is chosen that is not the one saved."""
        saved = self.item.consensus
        return self.chosen is not None and (saved is None or self.chosen != saved.level)

    @property
    def typing(self) -> bool:
        """The rationale box has the keys: letters and digits type into it."""
        return self.query_one("#consensus-rationale", Input).has_focus

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While the rationale is being typed, the letter and digit keys type; the footer then
        shows only the keys that still act (Enter and Ctrl+S save, Escape leaves the box)."""
        return not (action in TYPED_ACTIONS and self.is_mounted and self.typing)

    def key_display(self, binding: Binding) -> str | None:
        """The number keys as the criterion's levels (``1-4``), for the footer and help."""
        if binding.action == "choose(1)" and self._item is not None:
            return meeting.level_keys(self._item.criterion.scores)
        return None

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    # ------------------------------------------------------------------ actions
    def action_choose(self, level: int) -> None:
        if level not in self.item.criterion.scores:
            shown = ", ".join(str(s) for s in self.item.criterion.scores)
            self.notify(
                f"{level} is not a level of {self.item.criterion.name} ({shown}).",
                severity="warning",
            )
            return
        self.chosen = level
        self.refresh_choice()

    @on(RubricPanel.LevelChosen)
    def level_clicked(self, event: RubricPanel.LevelChosen) -> None:
        self.action_choose(event.level)

    def action_write(self) -> None:
        self.query_one("#consensus-rationale", Input).focus()

    @on(Input.Submitted, "#consensus-rationale")
    def rationale_submitted(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#consensus-save")
    def action_save(self) -> None:
        if self.chosen is None:
            message = "Choose the agreed level first: press its number or click it."
            self.show_error(message)
            self.notify(message, severity="warning")
            return
        rationale = self.query_one("#consensus-rationale", Input).value
        try:
            meeting.set_consensus(
                self.store,
                self.session_id,
                sample_id=self.sample_id,
                criterion_key=self.criterion_key,
                level=self.chosen,
                rationale=rationale,
            )
        except CalibrateError as exc:
            self.show_error(exc.message)
            self.notify(exc.message, severity="error", timeout=8)
            self.action_write()
            return
        level = self.chosen
        self.load(self.sample_id, self.criterion_key)
        self.query_one(RubricPanel).focus()
        self.notify(
            f"Agreed: {self.item.label(level)}. Press a to keep it as an anchor, n for the next "
            "item."
        )

    @on(Button.Pressed, "#consensus-anchor")
    def action_keep_anchor(self) -> None:
        item = self.item
        agreed = item.consensus
        if agreed is None:
            self.notify("Agree and save the level first (ctrl+s), then keep it as an anchor.")
            return
        if self.chosen != agreed.level:
            self.notify("Save the new level first (ctrl+s).", severity="warning")
            return
        kept = consensus.kept_anchor(self.store, item)
        if kept is not None:
            self.notify(
                f"Already kept as the anchor of level {kept.level} ({kept.status.value}).",
                severity="warning",
            )
            return

        def annotated(annotation: str | None) -> None:
            if annotation is None:
                return
            try:
                meeting.promote_anchor(
                    self.store,
                    self.session_id,
                    sample_id=self.sample_id,
                    criterion_key=self.criterion_key,
                    level=agreed.level,
                    annotation=annotation,
                )
            except CalibrateError as exc:
                self.notify(exc.message, severity="error", timeout=8)
                return
            self.notify(
                f"Kept as a proposed anchor of {item.criterion.name} {item.label(agreed.level)}: "
                "approve it in the anchor library."
            )

        self.app.push_screen(
            TextModal(
                f"Anchor note: why is “{item.sample.title}” a {agreed.level} on "
                f"{item.criterion.name}?",
                placeholder="the annotation teachers will read beside the sample",
                value=agreed.rationale,
            ),
            annotated,
        )

    @on(Button.Pressed, "#consensus-next")
    def action_next_item(self) -> None:
        try:
            following = consensus.next_in_queue(
                self.store, self.session_id, (self.sample_id, self.criterion_key)
            )
        except CalibrateError as exc:
            self.notify(exc.message, severity="error")
            return
        if following is None:
            self.notify("There is no other item in the discussion queue.")
            return

        def go() -> None:
            if self.load(*following):
                self.query_one(RubricPanel).focus()

        self.unless_unsaved(go, "Go to the next item without saving it?")

    def action_show_key(self) -> None:
        """Show the master key to the team now (or keep it back again)."""
        self.notify(self.calibrate_app.key_toggled(self.session_id))
        self.refresh_choice()

    def action_toggle_sample(self) -> None:
        sample = self.query_one(SampleView)
        sample.display = not sample.display

    def action_leave(self) -> None:
        if self.query_one("#consensus-rationale", Input).has_focus:
            self.query_one(RubricPanel).focus()
            return
        self.unless_unsaved(self.app.pop_screen, "Leave without saving it?")

    def unless_unsaved(self, then: Callable[[], object], question: str) -> None:
        """Run ``then`` now, or after the user agrees to drop an unsaved rationale or level."""
        if self.unsaved_text:
            what = "The rationale you wrote is not saved."
        elif self.unsaved_level:
            what = f"The level you chose ({self.item.label(self.chosen)}) is not saved."
        else:
            then()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                then()

        self.app.push_screen(ConfirmModal(f"{what} {question}", yes="Drop it", no="Stay"), answered)
