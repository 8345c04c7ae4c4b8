"""How a rater used the scale in one session, beside the other raters on the same work: the
central-tendency reading, then one line per level with two bars (the rater's share and the
others'), and ``used more`` / ``used less`` when the shares differ by 20 points or more."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from calibrate.services.reliability.comparison import RaterSession

WIDTH = 20  # cells for a share of 100%


def share_bar(share: float | None) -> str:
    if share is None:
        return " " * WIDTH
    filled = round(share * WIDTH)
    return "█" * filled + "·" * (WIDTH - filled)


def _pct(value: float | None) -> str:
    return "  —" if value is None else f"{100 * value:3.0f}%"


def _level(category: float | str) -> str:
    if isinstance(category, float) and category.is_integer():
        return str(int(category))
    return str(category)


def scale_use_text(result: RaterSession | None) -> Text:
    out = Text()
    if result is None:
        out.append("No session yet.", style="italic")
        return out
    tendency = result.central_tendency
    out.append(f"{result.session.date} {result.session.title}\n", style="bold")
    if tendency.flagged:
        out.append("⚑ Central tendency: ", style="bold yellow")
    out.append(tendency.reading + "\n")
    if not result.level_use:
        return out
    out.append(f"{'level':>5}  {'this rater':<{WIDTH + 5}}  {'the others':<{WIDTH + 5}}\n")
    for use in result.level_use:
        flag = {"over": "  ▲ used more", "under": "  ▼ used less"}.get(use.flag, "")
        out.append(f"{_level(use.category):>5}  ")
        out.append(share_bar(use.share), style="cyan")
        out.append(f" {_pct(use.share)}  ")
        out.append(share_bar(use.others_share), style="grey50")
        out.append(f" {_pct(use.others_share)}")
        out.append(flag + "\n", style="bold" if flag else "")
    return out


class ScaleUse(Static):
    """Central tendency and level use of one rater in one session."""

    def show(self, result: RaterSession | None) -> None:
        self.update(scale_use_text(result))
