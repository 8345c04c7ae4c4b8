"""The spread of one item: a horizontal bar per rubric level, with its label and count.

The master-key level (once the team may see it) and the agreed (consensus) level are marked in
words. Rater names are not
shown here: who chose what belongs to the consensus screen.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from calibrate.domain.model import Criterion
from calibrate.services.meeting.board import bars, disagreement_text
from calibrate.services.meeting.reveal import ItemSpread

BAR_WIDTH = 24


class SpreadBars(Static):
    """``show(item, criterion, heading=…, cut=…)`` draws the bars of one item."""

    DEFAULT_CLASSES = "panel"
    _drawn: Text | None = None

    def show(
        self,
        item: ItemSpread,
        criterion: Criterion,
        *,
        heading: str,
        cut: int | None,
        key_shown: bool = True,
    ) -> None:
        """``key_shown`` False keeps the master-key mark back (the team has not agreed yet)."""
        out = Text()
        out.append(heading, style="bold")
        out.append(f"\n{disagreement_text(item)}")
        if item.spread:
            out.append(f" · spread {item.spread} level{'s' if item.spread != 1 else ''}")
        if item.straddles_cut:
            out.append(" · split at the cut", style="bold")
        out.append("\n")
        levels = bars(item, criterion, cut)
        label_width = max((len(b.label) for b in levels), default=0)
        total = max(item.n, 1)
        previous_meets: bool | None = None
        for bar in levels:
            if previous_meets and not bar.meets_cut and cut is not None:
                out.append(f"\n  {'─' * 6} cut: level {cut} and above meet the standard", "dim")
            previous_meets = bar.meets_cut
            length = round(bar.count / total * BAR_WIDTH)
            if bar.count and not length:
                length = 1
            out.append(f"\n{bar.score:>2} {bar.label:<{label_width}} ")
            out.append("█" * length, style="bold #5b8fd9")
            out.append(" " * (BAR_WIDTH - length))
            out.append(f" {bar.count:>2}")
            if bar.master_key and key_shown:
                out.append("  ◆ master key", style="bold")
            if bar.agreed:
                out.append("  ✓ agreed", style="bold")
        if item.reference is not None and not key_shown:
            out.append("\n\n◆ master key: kept back until the team agrees (k shows it)", "dim")
        if out == self._drawn:  # the same item again (the cursor's own highlight, say)
            return
        self._drawn = out
        self.update(out)
