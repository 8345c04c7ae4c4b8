"""What every calibrate screen shares: typed access to the app and its store."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.binding import Binding
from textual.screen import Screen

from calibrate.storage.store import Store

if TYPE_CHECKING:
    from calibrate.tui.app import CalibrateApp


class StoreScreen(Screen[None]):
    """A screen of the calibrate app. ``self.store`` is used on the app's thread only."""

    @property
    def calibrate_app(self) -> CalibrateApp:
        return cast("CalibrateApp", self.app)

    @property
    def store(self) -> Store:
        return self.calibrate_app.store

    def on_screen_resume(self) -> None:
        """Toasts raised on another screen do not follow the user here (subclasses' own
        handlers run as well)."""
        self.calibrate_app.drop_stale_toasts()

    def current_session(self) -> int | None:
        """The session this screen shows, if any (its reports and exports are offered)."""
        session_id = getattr(self, "session_id", None)
        return session_id if isinstance(session_id, int) else None

    def key_display(self, binding: Binding) -> str | None:
        """How the footer and help show ``binding``'s key on this screen (None: as usual)."""
        return None
