"""A privacy check for student work: does this text seem to name a person or give an address?

Student work is private, so a sample should carry a student code, never a name. This check only
*warns* (it never blocks saving) and it works by patterns, so it has limits, stated here plainly:

- it looks for email addresses; phone numbers written in groups (``555-123-4567``,
  ``(555) 123 4567``, ``+44 20 7946 0958``); "My name is …", "I'm called …", "Name: …";
  a title and a surname (``Ms. Lindgren``); and two capitalised words in a row that are not
  common words (``Maria Lopez``);
- it MISSES a first name on its own ("Maria said"), names written in lowercase, names in scripts
  without capital letters, and numbers written any other way;
- it FLAGS things that are not private: places and institutions ("Lake Erie"), historical or
  public figures ("Martin Luther King"), and Title Case phrases. Markdown headings are not checked
  for capitalised pairs, because titles are usually written in Title Case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PHONE = re.compile(
    r"(?<![\w,.])(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\) ?|\d{2,4}[ .-])\d{3,4}[ .-]\d{3,4}(?![\w,])"
)
_WORD = r"[A-Z][a-z]+(?:['’-][A-Za-z]+)?"
_INTRO = re.compile(
    rf"(?i:\bmy name is|\bmy name's|\bi am called|\bi'm called|\bcall me|\bname\s*:)\s+({_WORD}"
    rf"(?: {_WORD})?)"
)
_TITLED = re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.? ({_WORD})")
_PAIR = re.compile(rf"\b({_WORD}) ({_WORD})\b")

# Words often capitalised in school writing that are not names (sentence starters, days, months,
# school words). A pair with one of these in it is not reported.
_COMMON = """
    A About After Again Also Although An And Another Any Are As At Because Before Being Both
    But By Can Could Did Do Does Each Even Every First For From Had Has Have He Her Here His How
    However I If In Instead Is It Its Just Last Like Many May Maybe Me Most Much My Next No Not
    Now Of On Once One Only Or Other Our Overall People Since So Some Still Such That The Their
    Them Then There These They Third This Those Though Three Thus To Too Two Under Until Up Us
    Very Was We Well Were What When Where Whether Which While Who Why Will With Without Would Yes
    Yet You Your Second Finally Firstly Secondly Lastly Therefore Furthermore Moreover Besides
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April June
    July August September October November December Spring Summer Autumn Fall Winter
    Source Sources Grade Chapter Page Part Step Table Figure Question Answer Claim Evidence
    Reasoning Objective Lab Class School Schools Teacher Teachers Student Students Room Board
    Science Math Maths English History Reading Writing Art Music Unit Lesson Task Test Quiz
    Essay Paragraph Introduction Conclusion Estimate Total Check Note Notes Sheet Group Team
    North South East West Street Avenue Road City State States United Kingdom New World
    Dear Sincerely Thanks Thank Please Yours Mom Mum Dad Mother Father Sister Brother Grandma
    Grandpa Ms Mr Mrs Miss Dr Prof Mx
    """
COMMON_WORDS = frozenset(_COMMON.split())


@dataclass(frozen=True)
class PrivacyFlag:
    """Something in a text that may identify a person."""

    kind: str  # "email address", "phone number", "name"
    text: str  # what was found
    line: int  # counted from 1

    @property
    def described(self) -> str:
        where = f"line {self.line}" if self.line else "in the title, task or student code"
        return f"{self.kind} “{self.text}” ({where})"


def privacy_flags(text: str, *, pairs: bool = True) -> list[PrivacyFlag]:
    """What in ``text`` looks like an email address, a phone number or a person's name (see the
    module docstring for what this can and cannot find), in the order found, each once.
    ``pairs=False`` skips the capitalised-pair check (for titles, written in Title Case)."""
    flags: list[PrivacyFlag] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: str, found: str, line: int) -> None:
        if (kind, found) not in seen:
            seen.add((kind, found))
            flags.append(PrivacyFlag(kind, found, line))

    for n, line in enumerate(text.splitlines(), start=1):
        for m in _EMAIL.finditer(line):
            add("email address", m.group(0), n)
        for m in _PHONE.finditer(line):
            if sum(ch.isdigit() for ch in m.group(0)) >= 9:
                add("phone number", m.group(0), n)
        for m in _INTRO.finditer(line):
            add("name", m.group(1), n)
        for m in _TITLED.finditer(line):
            add("name", m.group(0), n)
        if not pairs or line.lstrip().startswith("#"):
            continue
        for first, last in _pairs(line):
            add("name", f"{first} {last}", n)
    return flags


def _pairs(line: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    pos = 0
    while (m := _PAIR.search(line, pos)) is not None:
        first, last = m.group(1), m.group(2)
        if first in COMMON_WORDS or last in COMMON_WORDS:
            pos = m.start(2)  # the second word may start a pair of its own
            continue
        found.append((first, last))
        pos = m.end()
    return found


def privacy_warning(flags: list[PrivacyFlag], *, shown: int = 3) -> str:
    """One paragraph for the form ("" when nothing was found)."""
    if not flags:
        return ""
    listed = "; ".join(f.described for f in flags[:shown])
    more = len(flags) - shown
    if more > 0:
        listed += f"; and {more} more"
    return (
        f"This may identify a person: {listed}. Student work is private: use a student code "
        "instead of a name, and remove addresses. (A pattern check: it can miss a name, or "
        "flag words that are not one. It never stops you saving.)"
    )
