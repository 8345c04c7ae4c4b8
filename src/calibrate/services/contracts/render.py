"""Draw a document made of simple blocks as Markdown or as one self-contained HTML page.

The HTML page needs nothing from outside (no fonts, scripts or images from the internet), uses
the system's fonts, and prints cleanly (``@media print``: no page break inside a block, signature
lines kept together). Every text is escaped: the page is the Jinja2 template
``templates/contract.html`` (autoescaped), its style sheet ``templates/contract.css``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from calibrate.services.html_pages import render

Item = str | tuple[str, str]  # a plain item, or (label, text)


@dataclass(frozen=True)
class Para:
    kind: ClassVar[str] = "para"
    text: str


@dataclass(frozen=True)
class Items:
    kind: ClassVar[str] = "items"
    items: tuple[Item, ...]
    ordered: bool = False

    @property
    def entries(self) -> tuple[tuple[str | None, str], ...]:
        """Each item as (label, text); a plain item has no label."""
        return tuple((None, i) if isinstance(i, str) else i for i in self.items)


@dataclass(frozen=True)
class Quote:
    kind: ClassVar[str] = "quote"
    text: str
    caption: str = ""


@dataclass(frozen=True)
class Subhead:
    kind: ClassVar[str] = "subhead"
    text: str


@dataclass(frozen=True)
class Signature:
    kind: ClassVar[str] = "signature"
    who: str


Block = Para | Items | Quote | Subhead | Signature


@dataclass(frozen=True)
class Section:
    title: str
    blocks: list[Block]


# --- Markdown ----------------------------------------------------------------------------------


def render_markdown(title: tuple[str, list[tuple[str, str]]], sections: list[Section]) -> str:
    heading, facts = title
    out = [f"# {heading}", ""]
    out += [f"**{label}:** {text}  " for label, text in facts]
    for section in sections:
        out += [*([""] if out[-1] else []), f"## {section.title}", ""]
        for block in section.blocks:
            out += _md_block(block)
    return "\n".join(out).rstrip() + "\n"


def _md_block(block: Block) -> list[str]:
    if isinstance(block, Para):
        return [block.text, ""]
    if isinstance(block, Subhead):
        return [f"### {block.text}", ""]
    if isinstance(block, Quote):
        lines = [f"> {line}" if line else ">" for line in block.text.splitlines()]
        if block.caption:
            lines += [">", f"> — {block.caption}"]
        return [*lines, ""]
    if isinstance(block, Signature):
        return [f"{block.who}: ______________________________  Date: ______________", ""]
    lines = []
    for n, item in enumerate(block.items, 1):
        marker = f"{n}." if block.ordered else "-"
        text = item if isinstance(item, str) else f"**{item[0]}:** {item[1]}"
        lines.append(f"{marker} {_one_line(text)}")
    return [*lines, ""]


def _one_line(text: str) -> str:
    """A list item stays one item: inner line breaks become Markdown line breaks."""
    return "  \n   ".join(text.splitlines()) if "\n" in text else text


# --- HTML ----------------------------------------------------------------------------------

TEMPLATES = "calibrate.services.contracts"


def render_html(title: tuple[str, list[tuple[str, str]]], sections: list[Section]) -> str:
    """One self-contained page from ``templates/contract.html`` (autoescaped)."""
    heading, facts = title
    return render(TEMPLATES, "contract.html", heading=heading, facts=facts, sections=sections)
