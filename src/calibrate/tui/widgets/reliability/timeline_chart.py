"""A rater's timeline as a chart in the terminal: one line per session, oldest first.

Each line has the session's date and title, how many scores were compared, a bar of the share of
exact matches (``│`` marks the policy's bar), the share within one level, the scores two or more
levels away, and the lean drawn as a bar either side of a centre line (``◀`` below the reference,
``▶`` above it, full width = one level) with its value. ``⚠ drift`` marks a significant change
since the previous compared session; the sentences below the chart say what changed.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from calibrate.services.reliability.history import TimelinePoint

BAR = 20  # cells of the exact-match bar (5% each)
HALF = 5  # cells on each side of the lean's centre line (0.2 levels each)
TITLE = 26
WIDE = 100  # columns a line needs at full size; a narrower chart shortens the bar and titles
NARROW_BAR, NARROW_TITLE = 10, 14  # 10% a cell; a line then fits 78 columns


def exact_bar(share: float | None, bar: float | None, *, cells: int = BAR) -> str:
    """``████····│····`` : the share of exact matches, with the policy's bar marked."""
    if share is None:
        return " " * cells
    filled = round(share * cells)
    drawn = ["█" if i < filled else "·" for i in range(cells)]
    if bar is not None:
        mark = min(cells - 1, round(bar * cells))
        drawn[mark] = "┃" if drawn[mark] == "█" else "│"
    return "".join(drawn)


def lean_bar(mean: float | None) -> str:
    """``···◀◀|·····`` : the lean either side of the centre; one cell is 0.2 levels."""
    if mean is None:
        return " " * (2 * HALF + 1)
    # Half a cell or more shows one arrow (round half up: Python's round() goes to even, which
    # would hide a lean of exactly 0.1 levels).
    n = min(HALF, int(abs(mean) * HALF + 0.5))
    left = ["·"] * HALF
    right = ["·"] * HALF
    if mean < 0:
        for i in range(n):
            left[HALF - 1 - i] = "◀"
    else:
        for i in range(n):
            right[i] = "▶"
    return "".join(left) + "|" + "".join(right)


def _pct(value: float | None) -> str:
    return "  —" if value is None else f"{100 * value:3.0f}%"


def timeline_text(
    points: Sequence[TimelinePoint], *, bar: float | None, narrow: bool = False
) -> Text:
    """The whole chart as styled text (also what the tests read).

    ``narrow`` (under 100 columns) draws a 10-cell bar and shorter titles, so no line wraps.
    """
    cells, width = (NARROW_BAR, NARROW_TITLE) if narrow else (BAR, TITLE)
    out = Text()
    if not points:
        out.append("No revealed sessions for this rater yet.", style="italic")
        return out
    if bar is not None:
        out.append(f"│ on the exact-match bar marks the policy's bar, {100 * bar:.0f}%.\n")
    out.append(
        f"{'date':<10}  {'session':<{width}} {'n':>3}  {'exact matches':<{cells + 5}}"
        f"  {'±1':>4}  {'2+':>2}  {'lean ◀low|high▶' if narrow else 'lean (◀ below | above ▶)'}\n",
        style="bold",
    )
    for point in points:
        r = point.result
        title = point.session.title
        title = title if len(title) <= width else title[: width - 1] + "…"
        share = r.exact.statistic
        out.append(f"{point.session.date:<10}  {title:<{width}} {r.n_compared:>3}  ")
        style = "" if bar is None or share is None else ("green" if share >= bar else "yellow")
        out.append(exact_bar(share, bar, cells=cells), style=style)
        out.append(f" {_pct(share)}  {_pct(r.adjacent.statistic)}  {r.n_far:>2}  ")
        mean = r.severity.statistic
        out.append(lean_bar(mean), style="cyan" if (mean or 0) > 0 else "dark_orange")
        out.append(" —" if mean is None else f" {mean:+.2f}")
        if point.drifted:
            out.append("  ⚠ drift", style="bold red")
        if not r.n_compared:
            out.append("  no reference yet", style="italic")
        out.append("\n")
    return out


def agreement_lines(points: Sequence[TimelinePoint]) -> str:
    """Per session, what the chart has no room for: quadratic weighted kappa against the
    reference, the share of same decisions at the cut score, and scores not compared yet."""
    lines = []
    for point in points:
        r = point.result
        kappa = r.weighted_kappa
        if kappa.statistic is None:
            kappa_text = "weighted kappa —"
        else:
            ci = kappa.confidence_interval()
            span = f" ({ci.low:.2f} to {ci.high:.2f})" if ci else ""
            kappa_text = f"weighted kappa {kappa.statistic:.2f}{span}"
        if point.session.cut_score is None:
            cut = "no cut score"
        else:
            cut = f"same decision at the cut {_pct(r.same_decision.statistic).strip()}"
        parts = [kappa_text, cut]
        if r.n_not_compared:
            parts.append(
                f"{r.n_not_compared} of {len(r.scores)} not compared (no key or consensus)"
            )
        lines.append(f"{point.session.date}  " + " · ".join(parts))
    return "\n".join(lines)


class TimelineChart(Static):
    """The rater's sessions as bars (see the module docstring for how to read it)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._shown: tuple[Sequence[TimelinePoint], float | None] | None = None

    def show(self, points: Sequence[TimelinePoint], *, bar: float | None) -> None:
        self._shown = (points, bar)
        self._draw()

    def on_resize(self) -> None:
        self._draw()  # a terminal made narrower or wider redraws at the size that fits

    def _draw(self) -> None:
        if self._shown is None:
            return
        points, bar = self._shown
        narrow = 0 < self.size.width < WIDE
        self.update(timeline_text(points, bar=bar, narrow=narrow))
