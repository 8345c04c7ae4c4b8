"""One anchor in full: criterion and level, status, where it was agreed, the annotation and the
sample's text. For a level without an anchor it says so and shows the level's descriptor."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown, Static

from calibrate.tui.widgets.meeting.anchor_tree import Place


class AnchorCard(VerticalScroll):
    """Shows the place under the tree's cursor; ``show(place)`` swaps it."""

    DEFAULT_CLASSES = "panel"

    def compose(self) -> ComposeResult:
        yield Static("", id="anchor-heading", classes="heading")
        yield Static("", id="anchor-annotation")
        yield Markdown("", id="anchor-sample")

    def show(self, place: Place | None) -> None:
        heading, annotation, body = _describe(place)
        self.query_one("#anchor-heading", Static).update(heading)
        self.query_one("#anchor-annotation", Static).update(annotation)
        self.query_one("#anchor-sample", Markdown).update(body)
        self.scroll_home(animate=False)


def _describe(place: Place | None) -> tuple[str, str, str]:
    if place is None:
        return ("Nothing chosen.", "", "")
    rubric = place.rubric
    if place.criterion is None:
        n = rubric.n_anchors
        missing = sum(c.n_missing for c in rubric.criteria)
        return (
            f"[b]{_esc(rubric.label)}[/b]\n{n} anchor{'s' if n != 1 else ''} shown; "
            f"{missing} levels still have no anchor.",
            "Open a criterion and a level to read its anchors.",
            "",
        )
    criterion = place.criterion.criterion
    if place.level is None:
        return (
            f"[b]{_esc(criterion.name)}[/b] — {_esc(rubric.label)}",
            _esc(criterion.description),
            "",
        )
    level = place.level.level
    where = f"[b]{_esc(criterion.name)} · {level.score} {_esc(level.label)}[/b]"
    if place.entry is None:
        note = (
            "[i]No anchor yet.[/i] Keep one from the consensus screen (a) after the team agrees "
            "a sample at this level."
            if place.level.missing
            else f"{len(place.level.anchors)} anchor(s) here: open the level to read them."
        )
        return (f"{where}\n{note}", f"[i]Level descriptor:[/i] {_esc(level.descriptor)}", "")
    entry = place.entry
    anchor = entry.anchor
    facts = f"Status: [b]{anchor.status.value}[/b] · {_esc(entry.origin)} · {entry.date}"
    return (
        f"{where}\n[b]{_esc(entry.sample.title)}[/b]\n{facts}",
        f"[i]Why this is a {level.score}:[/i] {_esc(anchor.annotation)}",
        entry.sample.body,
    )


def _esc(text: str) -> str:
    return text.replace("[", r"\[")
