"""What every calibrate screen shares: typed access to the app and its store."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar, cast

from textual import events, on
from textual.binding import ActiveBinding, Binding
from textual.screen import Screen
from textual.widgets import Footer

from calibrate.storage.store import Store

if TYPE_CHECKING:
    from calibrate.tui.app import CalibrateApp


NARROW_BELOW = 100  # columns: under this (the 80 × 24 default terminal) the footer is compact
# Out of every narrow footer: ctrl+q quits from any screen, and F1 lists it.
NARROW_EVERYWHERE = frozenset({"quit"})


class StoreScreen(Screen[None]):
    """A screen of the calibrate app. ``self.store`` is used on the app's thread only."""

    # Actions still bound, and in F1 and the palette, but left out of the footer under
    # NARROW_BELOW columns, so that the keys a user needs most fit in one line.
    NARROW_FOOTER_HIDES: ClassVar[frozenset[str]] = frozenset()
    FOOTER_HIDES_BELOW: ClassVar[int] = NARROW_BELOW  # a screen with many keys may say more
    _compact_footer = False  # as Textual's Footer starts

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """As Textual's, but in a narrow terminal NARROW_FOOTER_HIDES leave the footer (only
        the footer reads ``show``; the keys, F1 and the palette keep them)."""
        bindings = super().active_bindings
        if self.app.size.width >= self.FOOTER_HIDES_BELOW:
            return bindings
        hides = self.NARROW_FOOTER_HIDES | NARROW_EVERYWHERE
        return {
            key: active._replace(binding=replace(active.binding, show=False))
            if active.binding.action in hides
            else active
            for key, active in bindings.items()
        }

    @on(events.Mount)
    def _take_size_classes(self) -> None:
        """Take the size classes (-narrow/-wide, -short/-tall) on mount. Textual adds them on the
        screen's first Resize, after it is first drawn, and the change of classes restyles and
        redraws the whole screen: 60 ms of the reveal's first paint, and a cursor drawn
        a row away from the item it shows in a short terminal."""
        self.update_classes(self._size_classes(), animate=False)

    def _size_classes(self) -> dict[str, bool]:
        """Each breakpoint class of this screen, and whether the terminal's size gives it, as
        Textual's Screen decides on a Resize (the highest breakpoint not above the size)."""
        app = self.app
        width, height = app.size
        classes: dict[str, bool] = {}
        for size, own, default in (
            (width, self.HORIZONTAL_BREAKPOINTS, app.HORIZONTAL_BREAKPOINTS),
            (height, self.VERTICAL_BREAKPOINTS, app.VERTICAL_BREAKPOINTS),
        ):
            breakpoints = default if own is None else own
            chosen = max((b for b in breakpoints or [] if size >= b[0]), default=None)
            for _, name in breakpoints or []:
                classes[name] = chosen is not None and name == chosen[1]
        return classes

    def on_resize(self) -> None:
        """A narrow terminal gets the compact footer (one space less around every key); a
        screen with many keys (FOOTER_HIDES_BELOW) gets it sooner. Only a crossing of that
        width touches the footer (redrawing it under a dialog would empty it)."""
        compact = self.app.size.width < self.FOOTER_HIDES_BELOW
        if compact == self._compact_footer:
            return
        self._compact_footer = compact
        for footer in self.query(Footer):
            footer.compact = compact
        self.refresh_bindings()

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


def long_name(binding: Binding) -> str:
    """A binding's name in the palette and F1: its tooltip, when the footer shows a short
    description (``n New`` in the footer is "New session" there)."""
    return binding.tooltip or binding.description
