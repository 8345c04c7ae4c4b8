"""Anchors scored again: each approved anchor the rater met in a later session, the anchor's
level, the level the rater gave, and ✓ / ✗ (a text mark, not only a colour)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from calibrate.services.reliability.history import AnchorCheck


def validity_text(checks: Sequence[AnchorCheck]) -> Text:
    out = Text()
    if not checks:
        out.append(
            "No approved anchor has come back in a later session for this rater yet. When one "
            "does, the rater's blind score on it is a check that they still see the level the "
            "team agreed.",
            style="italic",
        )
        return out
    matched = sum(c.matched for c in checks)
    out.append(f"{matched} of {len(checks)} anchors scored again got the anchor's level.\n")
    for check in checks:
        ok = check.matched
        out.append("  ✓ " if ok else "  ✗ ", style="green" if ok else "red")
        gave = "—" if check.level is None else str(check.level)
        out.append(
            f"{check.session.date} {check.sample.title} · {check.criterion_name}: anchor level "
            f"{check.anchor.level}, gave {gave}\n"
        )
    return out


class ValidityChecks(Static):
    def show(self, checks: Sequence[AnchorCheck]) -> None:
        self.update(validity_text(checks))
