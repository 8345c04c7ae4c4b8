"""The calibrate terminal app: wiring only. Screens live in ``screens/``, pieces in ``widgets/``.

The store is injected through the constructor (the CLI and the tests build it the same way) and
is only ever used on the app's own thread; workers receive plain data.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from calibrate.domain.errors import CalibrateError
from calibrate.services.meeting.key_timing import KeyTiming
from calibrate.services.records.session_files import SessionFile
from calibrate.storage.store import Store

STALE_TOAST_SECONDS = 0.5  # a toast older than this when the screen changes is dropped


class Launcher(Screen[None]):
    """The bottom of the screen stack, never seen: whenever it would show, Home goes on top.

    So a first screen opened straight away (``calibrate demo``'s scoring, ``assessment
    enter``'s grid) leaves to Home as always, but Home is composed only then, not before the
    first screen is drawn."""

    def on_screen_resume(self) -> None:
        app = self.app
        if isinstance(app, CalibrateApp) and not app.opening and app.screen is self:
            from calibrate.tui.screens.home import HomeScreen

            app.push_screen(HomeScreen())


class CalibrateApp(App[None]):
    """calibrate: score blind, reveal, discuss, agree, keep anchors."""

    CSS_PATH = "app.tcss"
    TITLE = "calibrate"
    # Every screen carries -narrow below 100 columns (the 80 × 24 default terminal), so app.tcss
    # can stack or trim what does not fit side by side. The reveal sets its own, wider, cut.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    # Likewise -short below 32 rows: tables give up height to the text being discussed.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(
        self,
        store: Store,
        *,
        open_session: int | None = None,
        open_assessment: int | None = None,
        scenario_dir: Path | None = None,
        facilitator: bool = True,
        meeting_minutes: int = 45,
        minutes_per_item: int = 3,
        master_key: KeyTiming | None = None,
        files_folder: Path | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__()
        self.store = store
        self.today = today  # the date new sessions default to (fixed in tests)
        self.open_session = open_session
        self.open_assessment = open_assessment  # a test whose results grid opens first
        self.opening = True  # until the first screen is on: Home waits for it
        self.scenario_dir = scenario_dir
        self.facilitator = facilitator
        # The time the meeting has for discussion and the pace: the reveal marks what fits.
        self.meeting_minutes, self.minutes_per_item = meeting_minutes, minutes_per_item
        # When the team sees the master key, if the facilitator chose (--master-key): each
        # session keeps its own, "after" by default (services/meeting/key_timing.py).
        self.master_key = None if master_key is None else KeyTiming(master_key)
        # Where reports and exports from the command palette go (the current folder).
        self.files_folder = files_folder
        self.written: Path | None = None  # the last report or export written
        self.sub_title = str(store.path)

    def get_default_screen(self) -> Screen[None]:
        return Launcher(id="_default")

    def on_mount(self) -> None:
        """Open the first screen: the session or test asked for, or else Home (put on top by
        the :class:`Launcher` when nothing else is)."""
        from calibrate.tui.screens.home import HomeScreen

        if self.open_session is not None:
            from calibrate.tui.screens.meeting.scoring import ScoringScreen

            self.push_screen(ScoringScreen(self.open_session))
        elif self.open_assessment is not None:
            from calibrate.tui.screens.assessment.results import ResultsEntryScreen

            self.push_screen(ResultsEntryScreen(self.open_assessment))
        else:
            self.push_screen(HomeScreen())
        self.opening = False
        # Once the first screen is drawn, everything made so far (Textual, the modules, that
        # screen) lives as long as the app: the garbage collector need not walk it again, and
        # each of its passes during a later screen's first paint (the reveal's) is far shorter.
        self.call_after_refresh(gc.freeze)

    # Screens that lead to each other (an editor and its viewer) go through the app, so that no
    # screen module imports one that imports it back.

    def edit_rubric(self, rubric_id: int | None) -> None:
        """Open the rubric editor on a rubric version (``None``: a new rubric)."""
        from calibrate.tui.screens.authoring.rubric_editor import RubricEditorScreen

        self.push_screen(RubricEditorScreen(rubric_id))

    def show_contract(self, contract_id: int, *, replace: bool = False) -> None:
        """Open a learning contract's page; ``replace`` swaps it for the current screen."""
        from calibrate.tui.screens.contracts.detail import ContractDetailScreen

        screen = ContractDetailScreen(contract_id)
        if replace:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def action_tests(self) -> None:
        """Open a stored test's results grid, or write a new test (asking which)."""
        from calibrate.tui.screens.assessment.editor import BlueprintEditorScreen
        from calibrate.tui.screens.assessment.results import ResultsEntryScreen
        from calibrate.tui.screens.modals import ChoiceModal

        tests = [(b.id, b.title) for b in self.store.list_assessments() if b.id is not None]

        def stored(test_id: int) -> None:  # a new test opens on its results grid
            self.switch_screen(ResultsEntryScreen(test_id))

        if not tests:
            self.push_screen(BlueprintEditorScreen(then=stored))
            return

        def chosen(test_id: int | None) -> None:
            if test_id == 0:
                self.push_screen(BlueprintEditorScreen(then=stored))
            elif test_id is not None:
                self.push_screen(ResultsEntryScreen(test_id))

        self.push_screen(ChoiceModal("Which test?", [*tests, (0, "A new test…")]), chosen)

    def key_shown(self, session_id: int, *, agreed: bool) -> bool:
        """Whether the team may see the master key on an item of this session now."""
        from calibrate.services.meeting.key_timing import session_key

        return session_key(self.store, session_id, self.master_key).shown(agreed=agreed)

    def key_toggled(self, session_id: int) -> str:
        """Show the master key in this session now, or keep it back again; says which."""
        from calibrate.services.meeting.key_timing import toggle_key

        return toggle_key(self.store, session_id, self.master_key)

    def drop_stale_toasts(self, *, older_than: float = STALE_TOAST_SECONDS) -> None:
        """Dismiss toasts raised more than ``older_than`` seconds ago: they belonged to the
        screen the user has left. Those raised just now (what the last step did, said right
        before the screen changed) stay. Textual is pinned exactly, so its notification list
        can be read here."""
        now = time.time()
        stale = [n for n in self._notifications if now - n.raised_at > older_than]
        for notification in stale:
            self._unnotify(notification, refresh=False)
        if stale:
            self._refresh_notifications()

    def action_help(self) -> None:
        from calibrate.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def get_key_display(self, binding: Binding) -> str:
        """A screen may show a key its own way (scoring shows the rubric's levels, ``1-4``)."""
        from calibrate.tui.base import StoreScreen

        # The topmost calibrate screen: a dialog over it leaves its footer showing beneath.
        screen = next((s for s in reversed(self.screen_stack) if isinstance(s, StoreScreen)), None)
        if screen is not None and (shown := screen.key_display(binding)):
            return shown
        return super().get_key_display(binding)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every key binding of the current screen is also a command in the palette, and so
        are the reports and exports of the session in view."""
        from calibrate.tui.base import long_name

        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Tests and learning targets",
            "Enter a test's results by student and item; the class view and regrouping",
            self.action_tests,
        )
        yield from session_file_commands(self, screen)
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.action in seen or not active.enabled:
                continue
            seen.add(binding.action)
            node = active.node
            action = binding.action
            name = long_name(binding)
            yield SystemCommand(
                name,
                f"{name} (key: {binding.key_display or binding.key})",
                lambda node=node, action=action: self.call_later(self.run_action, action, node),
            )

    def write_session_file(self, session_id: int, what: SessionFile) -> None:
        """Ask where a session's report or export goes (the current folder's
        ``session-3-report.html`` offered), then write it in a worker; the path is shown when
        done. An existing file is replaced only when the user says so."""
        from calibrate.services.records.session_files import (
            KINDS,
            check_can_write,
            chosen_path,
            default_path,
        )
        from calibrate.tui.screens.modals import ConfirmModal, TextModal

        try:
            check_can_write(self.store, session_id, what)
        except CalibrateError as exc:
            self.notify(exc.message, severity="warning", timeout=8)
            return
        folder = self.files_folder or Path.cwd()
        default = default_path(session_id, what, folder=folder)
        what_text = KINDS[what].title.split(": ", 1)[1]

        def write(path: Path) -> None:
            self.notify(f"Writing {what_text} to {path} …")
            self.session_file_worker(self.store.path, session_id, what, path)

        def typed(text: str | None) -> None:
            if text is None:
                return
            try:
                path = chosen_path(text, folder=folder, default_name=default.name)
            except CalibrateError as exc:
                self.notify(exc.message, severity="error", timeout=8)
                return
            if path.exists():
                question = f"{path} is already there. Replace it?"
                self.push_screen(
                    ConfirmModal(question, yes="Replace"),
                    lambda replace: write(path) if replace else None,
                )
            else:
                write(path)

        self.push_screen(TextModal(f"Write {what_text} to:", value=str(default)), typed)

    @work(thread=True, group="session-file")
    def session_file_worker(
        self, db_path: Path, session_id: int, what: SessionFile, path: Path
    ) -> None:
        """Runs in a thread, on a connection of its own (never the app's store)."""
        from calibrate.services.records.session_files import write_session_file

        try:
            written = write_session_file(db_path, session_id, what, path)
        except CalibrateError as exc:
            self.call_from_thread(self.notify, exc.message, severity="error", timeout=10)
            return
        except Exception as exc:  # a fault in a report must not end the meeting
            self.log.error("session file failed", exc)
            message = f"{path} could not be written (internal error: {exc!r})."
            self.call_from_thread(self.notify, message, severity="error", timeout=10)
            return
        self.call_from_thread(self.session_file_written, written)

    def session_file_written(self, path: Path) -> None:
        self.written = path
        self.notify(f"Wrote {path}", timeout=10)


def session_file_commands(app: CalibrateApp, screen: Screen[object]) -> Iterable[SystemCommand]:
    """ "Report: …" and "Export: …" commands for the session the screen shows (Home: the one
    highlighted)."""
    from calibrate.services.records.session_files import KINDS
    from calibrate.tui.base import StoreScreen

    session_id = screen.current_session() if isinstance(screen, StoreScreen) else None
    if session_id is None:
        return
    for what, kind in KINDS.items():
        yield SystemCommand(
            kind.title,
            f"{kind.help} (session {session_id}; written to the current folder)",
            lambda what=what: app.write_session_file(session_id, what),
        )
