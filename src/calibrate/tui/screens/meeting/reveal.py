"""The reveal: where the team disagrees, how much, what the agreement figures say, and what to
discuss first.

Left: the samples × criteria heat map and, for the item under the cursor, the spread of levels
as bars. Right: the agreement panel (the headline of every criterion pooled or of one criterion,
computed in a worker thread: the reports have bootstrap intervals) and the discussion queue;
d opens every other figure and why they differ (reveal_figures.py computes and shows them).
Everything else is cheap and runs on the app thread.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Static

from calibrate.domain.errors import CalibrateError
from calibrate.domain.model import Phase
from calibrate.services.meeting.board import load_reveal
from calibrate.services.meeting.reveal import Reveal
from calibrate.tui.screens.meeting.agreement_details import AgreementDetailsModal
from calibrate.tui.screens.meeting.reveal_figures import ALL, RevealFigures
from calibrate.tui.screens.meeting.round_actions import RoundActions
from calibrate.tui.widgets.meeting.agreement_panel import AgreementPanel
from calibrate.tui.widgets.meeting.discussion_queue import DiscussionQueue
from calibrate.tui.widgets.meeting.heat_map import HeatMap
from calibrate.tui.widgets.meeting.spread_bars import SpreadBars

NARROW_BELOW = 112  # columns: the grid pane is 76 wide, the figures need at least 36

LEGEND = (
    "cell = raters at each level · ! split at the cut · ✓ agreed\n"
    "green all agree · amber most agree · red no clear majority"
)


class RevealScreen(RoundActions, RevealFigures):
    """After the reveal (and in the consensus and closed phases)."""

    TITLE = "Reveal"
    # Below 112 columns the two panes do not fit side by side: one shows at a time, and f
    # switches between the grid (heat map, spread) and the figures (agreement, queue).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW_BELOW, "-wide")]
    # Left out of a narrow footer (F1 and the palette keep them; Home finishes a session too).
    NARROW_FOOTER_HIDES = frozenset({"scope", "anchors", "finish"})
    FOOTER_HIDES_BELOW = NARROW_BELOW
    BINDINGS = [
        Binding("f", "switch_pane", "Figures", tooltip="Figures or grid"),
        Binding("c", "consensus", "Consensus"),
        Binding("n", "next_item", "Next"),
        Binding("d", "details", "Details", tooltip="Every figure"),
        Binding("p", "partial", "Leave out partial raters", show=False),
        Binding("t", "scope", "Criterion/all"),
        Binding("R", "rescore", "Re-score", key_display="R"),
        Binding("a", "anchors", "Anchors"),
        # The spread says "k shows it" where the key is kept back; F1 and the palette list it.
        Binding("k", "show_key", "Show master key", show=False),
        Binding("x", "finish", "Finish"),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self, session_id: int) -> None:
        super().__init__()
        self.session_id = session_id
        self.reveal: Reveal | None = None
        self.first: Reveal | None = None  # round 1, when this is a later round
        self.scope = ALL  # ALL or a criterion key
        self.leave_out_partial = False
        self._signature: object = None
        self._suspended = False
        self._leaving = False  # a re-score round started: the scores are blind again

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="reveal"):
            with Vertical(id="reveal-left"):
                yield Static("", id="reveal-title")
                yield HeatMap(id="heat-map")
                yield Static(LEGEND, id="heat-legend", classes="hint")
                yield SpreadBars(id="spread")
            with Vertical(id="reveal-right"):
                yield AgreementPanel(id="agreement")
                yield Static("Discussion queue (Enter: go to the item)", id="queue-title")
                yield DiscussionQueue(
                    id="queue",
                    minutes=self.calibrate_app.meeting_minutes,
                    pace=self.calibrate_app.minutes_per_item,
                )
        yield Footer(compact=True)  # every key fits in 120 columns

    def on_mount(self) -> None:
        try:
            self.load()
        except CalibrateError as exc:
            self.notify(exc.message, severity="error")
            self.app.pop_screen()
            return
        queue = self.query_one(DiscussionQueue)
        if queue.items:
            first = queue.items[0]
            self.query_one(HeatMap).move_to(first.sample_id, first.criterion_key)
        self.query_one(HeatMap).focus()
        self.show_item()

    def on_screen_suspend(self) -> None:
        self._suspended = True

    def on_screen_resume(self) -> None:
        """Back from the consensus screen: show the new consensus markers."""
        if not self._suspended or self._leaving:
            return
        self._suspended = False
        try:
            self.load()
        except CalibrateError as exc:
            self.notify(exc.message, severity="error")
            return
        self.show_item()

    # ------------------------------------------------------------------ loading
    def load(self) -> None:
        """Read the round's scores, consensus and master key; redraw what changed.

        New scores start the agreement worker after the next paint, so the heat map shows
        first and the statistics (scipy, bootstrap) never hold up the screen.
        """
        reveal = load_reveal(self.store, self.session_id)
        first = None
        if reveal.round > 1:  # compared on the items this round re-scored
            first = load_reveal(self.store, self.session_id, round=1).only(reveal.asked)
        self.reveal, self.first = reveal, first
        session = reveal.context.session
        self.sub_title = session.title
        rounds = reveal.context.round_label().lower() + (" vs round 1" if first else "")
        cut = f" · cut: level {session.cut_score}" if session.cut_score is not None else ""
        self.query_one("#reveal-title", Static).update(
            f"{len(reveal.context.samples)} samples × {len(reveal.context.rubric.criteria)} "
            f"criteria · {len(reveal.context.raters)} raters · {rounds} · "
            f"phase: {session.phase.value}{cut}"
        )
        self.query_one(HeatMap).show(reveal)
        self.query_one(DiscussionQueue).show(reveal.discussion_queue(), reveal.context)
        signature = (_signature(reveal), _signature(first) if first else None)
        if signature != self._signature:
            self._signature = signature
            self.forget_figures()
            self.query_one(AgreementPanel).show_computing(self.scope_title())
            self.call_after_refresh(self.update_agreement)

    def show_item(self) -> None:
        """Draw the spread bars of the item under the heat-map cursor."""
        reveal = self.reveal
        here = self.query_one(HeatMap).current()
        if reveal is None or here is None:
            return
        sample_id, key = here
        item = reveal.item(sample_id, key)
        criterion = reveal.context.rubric.criterion(key)
        assert criterion is not None
        sample = reveal.context.sample(sample_id)
        number = reveal.context.samples.index(sample) + 1
        self.query_one(SpreadBars).show(
            item,
            criterion,
            heading=f"{number} {sample.title} · {criterion.name}",
            cut=reveal.context.session.cut_score,
            key_shown=self.calibrate_app.key_shown(
                self.session_id, agreed=item.consensus is not None
            ),
        )

    @on(HeatMap.ItemHighlighted)
    def item_highlighted(self, event: HeatMap.ItemHighlighted) -> None:
        self.show_item()
        queue = self.query_one(DiscussionQueue)
        if not queue.has_focus:
            queue.move_to(event.sample_id, event.criterion_key)
        if self.scope != ALL and event.criterion_key != self.scope:
            self.scope = event.criterion_key
            self.update_agreement()

    @on(HeatMap.ItemChosen)
    def item_chosen(self) -> None:
        self.action_consensus()

    @on(DiscussionQueue.ItemChosen)
    @on(DiscussionQueue.ItemHighlighted)
    def queue_moved(
        self, event: DiscussionQueue.ItemChosen | DiscussionQueue.ItemHighlighted
    ) -> None:
        """Walking the queue moves the heat-map cursor, so c opens the item in view."""
        self.query_one(HeatMap).move_to(event.sample_id, event.criterion_key)
        if isinstance(event, DiscussionQueue.ItemChosen) and self.has_class("-figures"):
            self.action_switch_pane()  # one pane at a time: show the item chosen

    # ------------------------------------------------------------------ narrow terminals
    def on_resize(self) -> None:
        self.refresh_bindings()  # the pane switch is offered only when the panes are stacked

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "switch_pane":
            return self.size.width < NARROW_BELOW
        if action in ("rescore", "finish") and self.reveal is not None:
            return self.reveal.context.session.phase is not Phase.CLOSED
        return True

    def action_switch_pane(self) -> None:
        """Narrow terminal: show the figures pane instead of the grid, or back."""
        figures = not self.has_class("-figures")
        self.set_class(figures, "-figures")
        self.query_one("#agreement" if figures else "#heat-map").focus()

    # ------------------------------------------------------------------ actions
    def action_partial(self) -> None:
        """Leave raters who scored only some items out of the figures too, or bring them back
        (raters with no scores are always left out)."""
        self.leave_out_partial = not self.leave_out_partial
        self.forget_figures()
        self.update_agreement()
        self.notify(
            "Raters who scored only some items are left out of the figures."
            if self.leave_out_partial
            else "Raters who scored only some items are counted again."
        )

    def action_details(self) -> None:
        """Every figure of the scope in view, and why they differ."""
        figures = self.figures
        if figures is None:
            self.notify("The figures are still being computed; try again in a moment.")
            return
        self.app.push_screen(AgreementDetailsModal(figures, scope=self.scope_title()))

    def action_scope(self) -> None:
        here = self.query_one(HeatMap).current()
        if self.scope != ALL or here is None:
            self.scope = ALL
        else:
            self.scope = here[1]
        self.update_agreement()

    def action_next_item(self) -> None:
        """Go to the next item of the discussion queue after the one under the cursor."""
        queue = self.query_one(DiscussionQueue)
        if not queue.items:
            self.notify("Nothing to discuss: every item was scored the same by everyone.")
            return
        here = self.query_one(HeatMap).current()
        keys = [(i.sample_id, i.criterion_key) for i in queue.items]
        n = (keys.index(here) + 1) % len(keys) if here in keys else 0
        queue.highlighted = n
        self.query_one(HeatMap).move_to(*keys[n])

    def action_consensus(self) -> None:
        here = self.query_one(HeatMap).current()
        if here is None:
            return
        try:
            from calibrate.tui.screens.meeting.consensus import ConsensusScreen
        except ModuleNotFoundError:
            self.notify("The consensus screen is not installed.", severity="error")
            return
        self.app.push_screen(ConsensusScreen(self.session_id, *here))

    def action_anchors(self) -> None:
        try:
            from calibrate.tui.screens.meeting.anchors import AnchorLibraryScreen
        except ModuleNotFoundError:
            self.notify("The anchor library is not installed.", severity="error")
            return
        self.app.push_screen(AnchorLibraryScreen())

    def action_show_key(self) -> None:
        """Show the master key to the team now (or keep it back again)."""
        self.notify(self.calibrate_app.key_toggled(self.session_id))
        self.show_item()

    def action_leave(self) -> None:
        self.app.pop_screen()


def _signature(reveal: Reveal) -> tuple[tuple[int, str, tuple[tuple[int, int], ...]], ...]:
    """The scores behind the figures (consensus does not change them)."""
    return tuple(
        (i.sample_id, i.criterion_key, tuple(sorted(i.levels.items()))) for i in reveal.items
    )
