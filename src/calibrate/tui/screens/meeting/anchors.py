"""The anchor library: browse rubric → criterion → level, read each anchor with its sample,
approve proposed anchors and retire old ones."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Header, Static, Tree

from calibrate.domain.errors import CalibrateError
from calibrate.domain.model import AnchorStatus
from calibrate.services.meeting import anchors
from calibrate.services.meeting.anchors import AnchorEntry
from calibrate.tui.base import StoreScreen
from calibrate.tui.screens.modals import ConfirmModal
from calibrate.tui.widgets.meeting.anchor_card import AnchorCard
from calibrate.tui.widgets.meeting.anchor_tree import AnchorTree, Place


class AnchorLibraryScreen(StoreScreen):
    """Every level of every criterion, with the samples the team agreed show it."""

    TITLE = "Anchor library"
    BINDINGS = [
        Binding("p", "approve", "Approve"),
        Binding("x", "retire", "Retire"),
        Binding("f", "toggle_retired", "Show/hide retired"),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self, rubric_id: int | None = None) -> None:
        super().__init__()
        self.rubric_id = rubric_id
        self.show_retired = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="anchor-library"):
            yield AnchorTree(id="anchor-tree")
            yield AnchorCard(id="anchor-card")
        yield Static("", id="anchor-status")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.query_one(AnchorTree).focus()

    def reload(self, *, keep: str | None = None) -> None:
        try:
            shelves = anchors.anchor_library(
                self.store, rubric_id=self.rubric_id, include_retired=self.show_retired
            )
        except CalibrateError as exc:
            self.notify(exc.message, severity="error")
            return
        tree = self.query_one(AnchorTree)
        tree.show(shelves, keep=keep)
        n = sum(s.n_anchors for s in shelves)
        missing = sum(c.n_missing for s in shelves for c in s.criteria)
        shown = "retired anchors shown" if self.show_retired else "retired anchors hidden"
        self.query_one("#anchor-status", Static).update(
            f"{n} anchor{'s' if n != 1 else ''} · {missing} levels with no anchor yet · {shown} "
            "(f toggles)"
            if shelves
            else "No rubric yet: load the example kits from Home (i) first."
        )
        self.query_one(AnchorCard).show(tree.place)

    @on(Tree.NodeHighlighted, "#anchor-tree")
    def highlighted(self, event: Tree.NodeHighlighted[Place]) -> None:
        self.query_one(AnchorCard).show(event.node.data)

    # ------------------------------------------------------------------ actions
    def chosen_entry(self) -> AnchorEntry | None:
        place = self.query_one(AnchorTree).place
        if place is None or place.entry is None:
            self.notify("Move to an anchor first (open a criterion, then a level).")
            return None
        return place.entry

    def action_approve(self) -> None:
        entry = self.chosen_entry()
        if entry is None:
            return
        if entry.anchor.status is AnchorStatus.APPROVED:
            self.notify("This anchor is already approved.")
            return
        try:
            anchors.approve_anchor(self.store, entry.id)
        except CalibrateError as exc:
            self.notify(exc.message, severity="error")
            return
        self.notify(f"Approved: {entry.sample.title} is now an anchor the team uses.")
        self.reload(keep=f"a{entry.id}")

    def action_retire(self) -> None:
        entry = self.chosen_entry()
        if entry is None:
            return
        if entry.anchor.status is AnchorStatus.RETIRED:
            self.notify("This anchor is already retired.")
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                anchors.retire_anchor(self.store, entry.id)
            except CalibrateError as exc:
                self.notify(exc.message, severity="error")
                return
            hint = "" if self.show_retired else " Press f to show retired anchors."
            self.notify(f"Retired: {entry.sample.title} is no longer an anchor.{hint}")
            self.reload(keep=f"a{entry.id}")

        self.app.push_screen(
            ConfirmModal(
                f"Retire “{entry.sample.title}” as an anchor? It stays on record, hidden.",
                yes="Retire",
            ),
            answered,
        )

    def action_toggle_retired(self) -> None:
        self.show_retired = not self.show_retired
        self.reload()

    def action_leave(self) -> None:
        self.app.pop_screen()
