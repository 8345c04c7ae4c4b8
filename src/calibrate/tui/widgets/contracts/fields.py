"""Problems shown at the field they are about, in the contract forms.

Each form field is given ``name=`` the path that :class:`~calibrate.domain.contracts.
ContractFieldError` uses for it (``"targets[2].due_date"``), and a :class:`FieldError` with the
same path sits under it. :func:`show_problem` puts a message under the field the path names, or
under the nearest enclosing one (``"targets[2].anchor_ids"`` → ``"targets[2]"`` → ``"targets"``),
and puts the cursor there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from textual.widget import Widget
from textual.widgets import Static

_LAST_PART = re.compile(r"(\.[^.\[\]]+|\[\d+\])$")


class FieldError(Static):
    """Where a problem with one field is shown; hidden while there is none."""

    def __init__(self, field: str) -> None:
        super().__init__("", classes="field-error")
        self.field = field
        self.display = False

    def set_message(self, message: str) -> None:
        self.update(message)
        self.display = bool(message)


def enclosing(field: str) -> Iterator[str]:
    """The path, then each enclosing path: ``a[2].b`` → ``a[2].b``, ``a[2]``, ``a``."""
    while field:
        yield field
        shorter = _LAST_PART.sub("", field)
        if shorter == field:
            return
        field = shorter


def clear_problems(root: Widget) -> None:
    for slot in root.query(FieldError):
        slot.set_message("")


def show_problem(root: Widget, field: str, message: str) -> bool:
    """Show ``message`` at the field ``field`` names (or the nearest enclosing one) inside
    ``root``, clearing the others, and focus that field. False if no slot fits."""
    clear_problems(root)
    slots = {slot.field: slot for slot in root.query(FieldError)}
    for path in enclosing(field):
        slot = slots.get(path)
        if slot is None:
            continue
        slot.set_message(message)
        for widget in root.query("*"):
            if widget.name == path and widget.focusable:
                widget.focus()
                break
        slot.scroll_visible(animate=False)
        return True
    return False
