"""Small inline SVG charts for the HTML reports: drawn here, nothing loaded from anywhere.

Each function returns one ``<svg>`` element as text, with a ``<title>`` that says in words what
it shows (screen readers, and printouts without colour).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

Row = tuple[str, float | None, float | None, float | None]  # label, value, CI low, CI high

_LABEL_W = 190
_PLOT_W = 360
_ROW_H = 24


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (
        f'<svg class="chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{klass}>{escape(text)}</text>'


def _clip(label: str, n: int = 30) -> str:
    return label if len(label) <= n else label[: n - 1] + "…"


def percent_bars(rows: Sequence[Row], *, title: str, bar: float | None = None) -> str:
    """Horizontal bars on 0–100% with the confidence interval as a whisker; ``bar`` draws a
    dashed line at a target share."""
    height = _ROW_H * len(rows) + 30
    width = _LABEL_W + _PLOT_W + 60

    def x(v: float) -> float:
        return _LABEL_W + _PLOT_W * max(0.0, min(1.0, v))

    body = []
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        body.append(
            f'<line x1="{x(tick):.1f}" y1="4" x2="{x(tick):.1f}" y2="{height - 22}" class="grid"/>'
        )
        body.append(_text(x(tick), height - 8, f"{100 * tick:.0f}%", anchor="middle", cls="axis"))
    for i, (label, value, low, high) in enumerate(rows):
        y = 6 + i * _ROW_H
        body.append(_text(_LABEL_W - 8, y + 14, _clip(label), anchor="end"))
        if value is None:
            body.append(_text(x(0) + 4, y + 14, "not available", cls="muted"))
            continue
        body.append(
            f'<rect x="{x(0):.1f}" y="{y + 3}" width="{x(value) - x(0):.1f}" height="14" '
            'class="bar"/>'
        )
        if low is not None and high is not None:
            body.append(
                f'<line x1="{x(low):.1f}" y1="{y + 10}" x2="{x(high):.1f}" y2="{y + 10}" '
                'class="whisker"/>'
            )
        body.append(_text(x(1) + 6, y + 14, f"{100 * value:.0f}%"))
    if bar is not None:
        body.append(
            f'<line x1="{x(bar):.1f}" y1="2" x2="{x(bar):.1f}" y2="{height - 22}" class="target"/>'
        )
    return _svg(width, height, title, body)


def lean_bars(rows: Sequence[Row], *, title: str, span: float = 1.5) -> str:
    """Bars left (severe) or right (lenient) of zero, in levels, with CI whiskers."""
    height = _ROW_H * len(rows) + 30
    width = _LABEL_W + _PLOT_W + 60
    half = _PLOT_W / 2

    def x(v: float) -> float:
        return _LABEL_W + half + half * max(-1.0, min(1.0, v / span))

    body = [
        f'<line x1="{x(0):.1f}" y1="2" x2="{x(0):.1f}" y2="{height - 22}" class="axisline"/>',
        _text(x(-span), height - 8, f"{-span:+.1f} severe", anchor="start", cls="axis"),
        _text(x(span), height - 8, f"lenient {span:+.1f}", anchor="end", cls="axis"),
    ]
    for i, (label, value, low, high) in enumerate(rows):
        y = 6 + i * _ROW_H
        body.append(_text(_LABEL_W - 8, y + 14, _clip(label), anchor="end"))
        if value is None:
            body.append(_text(x(0) + 4, y + 14, "not available", cls="muted"))
            continue
        left, right = sorted((x(0), x(value)))
        cls = "bar lenient" if value > 0 else "bar severe"
        body.append(
            f'<rect x="{left:.1f}" y="{y + 3}" width="{max(right - left, 1):.1f}" height="14" '
            f'class="{cls}"/>'
        )
        if low is not None and high is not None:
            body.append(
                f'<line x1="{x(low):.1f}" y1="{y + 10}" x2="{x(high):.1f}" y2="{y + 10}" '
                'class="whisker"/>'
            )
        body.append(_text(_LABEL_W + _PLOT_W + 6, y + 14, f"{value:+.2f}"))
    return _svg(width, height, title, body)


def timeline(
    labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], *, title: str
) -> str:
    """Lines on 0–100% over sessions (oldest left); a gap where a value is missing."""
    width, height, left, top, plot_h = 620, 230, 50, 12, 160
    n = len(labels)
    step = (width - left - 30) / max(n - 1, 1)

    def pos(i: int, v: float) -> tuple[float, float]:
        return left + (i * step if n > 1 else (width - left - 30) / 2), top + plot_h * (1 - v)

    body = []
    for tick in (0.0, 0.5, 1.0):
        _, y = pos(0, tick)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 20}" y2="{y:.1f}" class="grid"/>')
        body.append(_text(left - 6, y + 4, f"{100 * tick:.0f}%", anchor="end", cls="axis"))
    for i, label in enumerate(labels):
        xx, _ = pos(i, 0)
        body.append(_text(xx, top + plot_h + 18, label, anchor="middle", cls="axis"))
    for k, (name, values) in enumerate(series):
        points = [pos(i, v) for i, v in enumerate(values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            body.append(f'<polyline points="{path}" class="series s{k}"/>')
        body += [
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" class="dot s{k}"/>' for px, py in points
        ]
        body.append(_text(left + 150 * k, height - 8, f"● {name}", cls=f"legend s{k}"))
    return _svg(width, height, title, body)


def level_counts(counts: dict[int, int], *, title: str) -> str:
    """A tiny column chart: how many raters chose each level."""
    most = max(counts.values(), default=0) or 1
    width, height, col = 18 * len(counts) + 4, 34, 14
    body = []
    for i, (level, count) in enumerate(counts.items()):
        h = 20 * count / most
        x = 2 + 18 * i
        if count:
            body.append(
                f'<rect x="{x}" y="{22 - h:.1f}" width="{col}" height="{h:.1f}" class="bar"/>'
            )
        body.append(_text(x + col / 2, 32, str(level), anchor="middle", cls="axis"))
    return _svg(width, height, title, body)
