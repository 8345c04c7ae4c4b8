"""Draw a document made of simple blocks as Markdown or as one self-contained HTML page.

The HTML page needs nothing from outside (no fonts, scripts or images from the internet), uses
the system's fonts, and prints cleanly (``@media print``: no page break inside a block, signature
lines kept together). Every text is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

Item = str | tuple[str, str]  # a plain item, or (label, text)


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Items:
    items: tuple[Item, ...]
    ordered: bool = False


@dataclass(frozen=True)
class Quote:
    text: str
    caption: str = ""


@dataclass(frozen=True)
class Subhead:
    text: str


@dataclass(frozen=True)
class Signature:
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


# --- HTML --------------------------------------------------------------------------------------

STYLE = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.5;
  max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }
h1 { font-size: 1.6rem; margin-bottom: .5rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid #ccc; padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin-bottom: .3rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
blockquote { margin: .5rem 0; padding: .5rem 1rem; border-left: 4px solid #888;
  background: #f4f4f4; }
blockquote footer { font-size: .9rem; color: #444; margin-top: .3rem; }
.signature { display: flex; gap: 2rem; margin: 2.5rem 0 1rem; }
.signature span { flex: 1; border-top: 1px solid #000; padding-top: .2rem; }
.signature span.date { flex: 0 0 10rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  blockquote, li, .signature { break-inside: avoid; page-break-inside: avoid; }
  section.signatures { break-inside: avoid; page-break-inside: avoid; }
}
""".strip()


def render_html(title: tuple[str, list[tuple[str, str]]], sections: list[Section]) -> str:
    heading, facts = title
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(heading)}</title>",
        f"<style>\n{STYLE}\n</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(heading)}</h1>",
        '<dl class="facts">',
        *(f"<dt>{escape(label)}</dt><dd>{escape(text)}</dd>" for label, text in facts),
        "</dl>",
    ]
    for section in sections:
        css = section.title.lower().replace(" ", "-")
        out.append(f'<section class="{escape(css)}">')
        out.append(f"<h2>{escape(section.title)}</h2>")
        for block in section.blocks:
            out.append(_html_block(block))
        out.append("</section>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def _text(text: str) -> str:
    return "<br>".join(escape(line) for line in text.splitlines()) if text else ""


def _html_block(block: Block) -> str:
    if isinstance(block, Para):
        return f"<p>{_text(block.text)}</p>"
    if isinstance(block, Subhead):
        return f"<h3>{_text(block.text)}</h3>"
    if isinstance(block, Quote):
        caption = f"<footer>— {_text(block.caption)}</footer>" if block.caption else ""
        return f"<blockquote><p>{_text(block.text)}</p>{caption}</blockquote>"
    if isinstance(block, Signature):
        return (
            f'<div class="signature"><span>{escape(block.who)}</span>'
            '<span class="date">Date</span></div>'
        )
    tag = "ol" if block.ordered else "ul"
    items = []
    for item in block.items:
        if isinstance(item, str):
            items.append(f"<li>{_text(item)}</li>")
        else:
            items.append(f"<li><strong>{_text(item[0])}:</strong> {_text(item[1])}</li>")
    return f"<{tag}>{''.join(items)}</{tag}>"
