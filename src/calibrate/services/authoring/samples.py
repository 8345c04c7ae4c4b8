"""Authoring work samples: add one by pasting its text, import one or many ``.txt``/``.md``
files, edit a sample's fields; each comes back with a privacy warning when its text seems to name
a person or give an address (:mod:`calibrate.services.authoring.privacy`; it never blocks).

An imported file's title is its first Markdown heading (``# Title`` or a line underlined with
``===``/``---``), else its file name ("essay_3-final.md" -> "essay 3 final"). The body is the whole
text, heading included, as in the bundled kits.
"""

from __future__ import annotations

import glob
import re
import shlex
from dataclasses import dataclass, replace
from pathlib import Path

from calibrate.domain.errors import CalibrateError, InvalidOperationError
from calibrate.domain.model import Sample, SampleKind
from calibrate.domain.text_rules import name_problem, text_problem
from calibrate.services.authoring.privacy import PrivacyFlag, privacy_flags, privacy_warning
from calibrate.storage.store import Store

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
MAX_FILE_BYTES = 1_000_000  # a sample is a page or two of work, not a book
_ATX = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")


class SampleFileError(CalibrateError):
    """A file that cannot become a sample; names the file. Nothing was imported."""


@dataclass(frozen=True)
class SampleForm:
    """What the sample form holds (text as typed)."""

    title: str
    body: str
    kind: SampleKind = SampleKind.ESSAY
    grade: str = ""
    task: str = ""
    student_code: str = ""


@dataclass(frozen=True)
class SavedSample:
    sample: Sample
    flags: tuple[PrivacyFlag, ...]  # what may identify a person (empty when nothing was found)

    @property
    def warning(self) -> str:
        return privacy_warning(list(self.flags))


def check_sample_form(form: SampleForm) -> dict[str, str]:
    """Problems by field name (``title``, ``body``); empty when the form can be saved."""
    problems: dict[str, str] = {}
    if not form.title.strip():
        problems["title"] = "A sample needs a title (e.g. “Essay 3: Later start times”)."
    if not form.body.strip():
        problems["body"] = "Paste or type the student's work here."
    for field in ("title", "grade", "task", "student_code"):
        value = getattr(form, field)
        if field not in problems and value and (problem := name_problem(value)):
            problems[field] = f"The {field.replace('_', ' ')} {problem}."
    if "body" not in problems and (problem := text_problem(form.body)):
        problems["body"] = f"The text {problem}."
    return problems


def sample_flags(sample: Sample | SampleForm) -> tuple[PrivacyFlag, ...]:
    """The privacy check over the body, then the title, task and student code (line 0). The
    title and task are not checked for capitalised pairs: they are usually in Title Case."""
    fields = "\n".join([sample.title, sample.task, sample.student_code])
    seen = set()
    out = []
    for flag in [
        *privacy_flags(sample.body),
        *(PrivacyFlag(f.kind, f.text, 0) for f in privacy_flags(fields, pairs=False)),
    ]:
        if (flag.kind, flag.text) not in seen:
            seen.add((flag.kind, flag.text))
            out.append(flag)
    return tuple(out)


def add_sample(store: Store, form: SampleForm) -> SavedSample:
    """Store a new sample from the form. Raises InvalidOperationError (naming the first
    problem) if the form has one; nothing is stored then."""
    _refuse(form)
    sample = store.add_sample(_sample(form))
    return SavedSample(sample, sample_flags(sample))


def update_sample(store: Store, sample_id: int, form: SampleForm) -> SavedSample:
    """Overwrite the fields of the stored sample ``sample_id`` (its key and attachments are
    kept). Raises NotFoundError if there is no such sample, InvalidOperationError if the form
    has a problem."""
    _refuse(form)
    stored = store.get_sample(sample_id)
    sample = store.update_sample(
        replace(_sample(form), key=stored.key, attachments=stored.attachments, id=sample_id)
    )
    return SavedSample(sample, sample_flags(sample))


def same_as_saved(form: SampleForm, shown: SampleForm) -> bool:
    """Whether saving ``form`` would store what ``shown`` holds (spaces around the title and
    fields, and blank lines around the text, are not kept, so they are no change)."""
    return _sample(form) == _sample(shown)


def form_of(sample: Sample) -> SampleForm:
    return SampleForm(
        sample.title, sample.body, sample.kind, sample.grade, sample.task, sample.student_code
    )


# --- files ----------------------------------------------------------------------------------


def title_from_text(text: str) -> str | None:
    """The first Markdown heading's text, if the text starts with one (blank lines aside)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    if m := _ATX.match(lines[0]):
        return m.group(1).strip() or None
    raw = text.lstrip("\n").splitlines()
    if len(raw) >= 2 and raw[0].strip() and _SETEXT.match(raw[1]):
        return raw[0].strip()
    return None


def title_from_name(path: Path) -> str:
    """A title made from a file name: ``essay_3-final.md`` -> ``essay 3 final``."""
    return re.sub(r"[_\-\s]+", " ", path.stem).strip() or path.name


def read_sample_file(path: Path) -> SampleForm:
    """A sample form filled from one text or Markdown file. Raises SampleFileError naming the
    file if it is not a .txt/.md file, cannot be read, is not UTF-8 text, is empty or too big."""
    if path.suffix.lower() not in TEXT_SUFFIXES:
        raise SampleFileError(
            f"{path}: only text (.txt) and Markdown (.md) files can be imported as samples."
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SampleFileError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    if len(raw) > MAX_FILE_BYTES:
        raise SampleFileError(
            f"{path}: is {len(raw) // 1000} kB; a sample can be at most "
            f"{MAX_FILE_BYTES // 1000} kB of text."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SampleFileError(
            f"{path}: is not UTF-8 text; save it as UTF-8 (plain text) and try again."
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise SampleFileError(f"{path}: is empty.")
    return SampleForm(title=title_from_text(text) or title_from_name(path), body=text.strip("\n"))


def expand_paths(text: str, *, base: Path | None = None) -> list[Path]:
    """The files named in ``text``: paths separated by spaces (quote a path that has spaces),
    ``~`` and wildcards expanded, a folder standing for its .txt/.md files; relative paths are
    taken from ``base`` (the current folder if None). Raises SampleFileError if nothing matches
    or a path does not exist."""
    try:
        words = shlex.split(text)
    except ValueError:
        raise SampleFileError("A quote is not closed in the list of files.") from None
    if not words:
        raise SampleFileError("Give the path of a file or a folder to import.")
    out: list[Path] = []
    for word in words:
        path = Path(word).expanduser()
        if base is not None and not path.is_absolute():
            path = base / path
        matches = (
            sorted(Path(p) for p in glob.glob(str(path))) if glob.has_magic(str(path)) else [path]
        )
        if not matches:
            raise SampleFileError(f"No file matches {word}.")
        for match in matches:
            if match.is_dir():
                out.extend(sorted(p for p in match.iterdir() if p.suffix.lower() in TEXT_SUFFIXES))
            elif match.exists():
                out.append(match)
            else:
                raise SampleFileError(f"{match}: there is no such file.")
    if not out:
        raise SampleFileError("There are no .txt or .md files there.")
    return list(dict.fromkeys(out))


def import_sample_files(
    store: Store,
    paths: list[Path],
    *,
    kind: SampleKind = SampleKind.ESSAY,
    grade: str = "",
    task: str = "",
) -> list[SavedSample]:
    """Store one sample per file, in order, all or nothing: every file is read and checked
    before anything is stored, and the samples are stored in one transaction. Raises
    SampleFileError naming the first file that cannot be used; nothing is stored then."""
    if not paths:
        raise SampleFileError("Choose at least one file to import.")
    forms = [replace(read_sample_file(p), kind=kind, grade=grade, task=task) for p in paths]
    with store.transaction():
        return [add_sample(store, form) for form in forms]


# --- internals ------------------------------------------------------------------------------


def _refuse(form: SampleForm) -> None:
    problems = check_sample_form(form)
    if problems:
        raise InvalidOperationError(next(iter(problems.values())))


def _sample(form: SampleForm) -> Sample:
    return Sample(
        title=form.title.strip(),
        body=form.body.strip("\n"),
        kind=form.kind,
        grade=form.grade.strip(),
        task=form.task.strip(),
        student_code=form.student_code.strip(),
    )
