"""The reveal's actions that end a round or the session: start a re-score round of the items
discussed (or a chosen set, or every item), and finish the session. The screen shows; the
choices are made in ``services.meeting.rounds``."""

from __future__ import annotations

from collections.abc import Sequence

from calibrate.domain.errors import CalibrateError
from calibrate.services.meeting import rounds
from calibrate.services.meeting import sessions as meeting
from calibrate.services.meeting.reveal import Reveal
from calibrate.tui.base import StoreScreen
from calibrate.tui.screens.modals import ChoiceModal, ConfirmModal, PickModal


class RoundActions(StoreScreen):
    """Mixed into the reveal screen, which sets these attributes and ``load``."""

    session_id: int
    reveal: Reveal | None
    _leaving: bool

    def load(self) -> None:
        raise NotImplementedError

    def action_rescore(self) -> None:
        """Ask which items the team scores again (the ones discussed, by default)."""
        assert self.reveal is not None
        reveal = self.reveal
        app = self.calibrate_app
        choices = rounds.rescore_choices(
            reveal, minutes=app.meeting_minutes, pace=app.minutes_per_item
        )
        pick = len(choices)
        options = [(n, c.label) for n, c in enumerate(choices)]
        options.append((pick, "Choose the items…"))

        def chosen(n: int | None) -> None:
            if n is None:
                return
            if n == pick:
                self.pick_items(reveal)
            else:
                self.start_round(choices[n].items)

        self.app.push_screen(
            ChoiceModal(
                f"Start re-score round {reveal.round + 1}: which items does the team score "
                "again, blind? The earlier rounds stay on record for comparison.",
                options,
            ),
            chosen,
        )

    def pick_items(self, reveal: Reveal) -> None:
        order = rounds.pick_order(reveal)
        app = self.calibrate_app
        ticked = set(
            rounds.discussed_items(reveal, minutes=app.meeting_minutes, pace=app.minutes_per_item)
        )
        titles = rounds.item_titles(reveal, order)

        def picked(numbers: list[int] | None) -> None:
            if numbers is not None:
                self.start_round([order[n] for n in numbers])

        self.app.push_screen(
            PickModal(
                f"Re-score round {reveal.round + 1}: tick the items to score again "
                "(the discussion queue first).",
                [(n, text) for n, (_, text) in enumerate(titles)],
                ticked=[n for n, key in enumerate(order) if key in ticked],
            ),
            picked,
        )

    def start_round(self, items: Sequence[tuple[int, str]] | None) -> None:
        try:
            started = meeting.start_rescore_round(self.store, self.session_id, items)
        except CalibrateError as exc:
            self.notify(exc.message, severity="error")
            return
        self._leaving = True
        what = "every item" if items is None else f"{len(items)} items"
        self.notify(
            f"Round {started} is open: raters score {what} again. Reveal it from the board "
            "when everyone is done.",
            timeout=8,
        )
        self.app.pop_screen()

    def action_finish(self) -> None:
        """Close the session after asking: nothing more is scored or agreed."""
        assert self.reveal is not None

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                meeting.close_session(self.store, self.session_id)
            except CalibrateError as exc:
                self.notify(exc.message, severity="error")
                return
            self.notify("The session is finished. Its record stays: reports and exports.")
            self.load()
            self.refresh_bindings()

        self.app.push_screen(
            ConfirmModal(rounds.finish_question(self.reveal), yes="Finish session", no="Not yet"),
            answered,
        )
