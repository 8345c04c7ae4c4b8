"""The master key: the reference level of a sample on each criterion, who set it and when.

Enter levels one by one, import them from a CSV file (columns ``sample,criterion,level,set_by``),
or promote a session's agreed consensus to be the master key for its samples. Every import and
promotion is all or nothing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from calibrate.domain.errors import InvalidOperationError, ScoreImportError
from calibrate.domain.model import ReferenceScore, Rubric, Sample
from calibrate.services.meeting.setup import sample_choices
from calibrate.storage.store import Store

CSV_COLUMNS = ("sample", "criterion", "level", "set_by")


@dataclass(frozen=True)
class MasterKeyGrid:
    """The samples of one rubric version against its criteria, with the master key so far."""

    rubric: Rubric
    samples: tuple[Sample, ...]
    cells: dict[tuple[int, str], ReferenceScore]  # (sample id, criterion key) -> reference

    def cell(self, sample_id: int, criterion_key: str) -> ReferenceScore | None:
        return self.cells.get((sample_id, criterion_key))

    @property
    def n_set(self) -> int:
        return len(self.cells)


def master_key_grid(store: Store, rubric_id: int) -> MasterKeyGrid:
    """The grid for rubric version ``rubric_id``: the samples that go with it (used with it, or
    with no rubric yet: see :func:`~calibrate.services.meeting.setup.sample_choices`) and its
    reference scores on its criteria (whichever version they were set against). Raises
    NotFoundError if there is no such rubric."""
    rubric = store.get_rubric(rubric_id)
    cells = {(r.sample_id, r.criterion_key): r for r in store.reference_scores(rubric_id=rubric_id)}
    # The rubric's own samples and new work, not every sample of every subject (issue 14).
    own = {c.sample_id for c in sample_choices(store, rubric_id)}
    keyed = {sample_id for sample_id, _ in cells}
    samples = tuple(s for s in store.list_samples() if s.id in own or s.id in keyed)
    return MasterKeyGrid(rubric, samples, cells)


def set_reference(
    store: Store, *, sample_id: int, rubric_id: int, criterion_key: str, level: int, set_by: str
) -> ReferenceScore:
    """Set the master-key level of a sample on a criterion of the rubric version (replacing an
    earlier one), stamped with who set it and now. Raises InvalidOperationError if nobody is
    named or the level is not on the rubric; NotFoundError if the sample or rubric is missing."""
    if not set_by.strip():
        raise InvalidOperationError("Say who sets the master key (e.g. “District ELA team”).")
    return store.set_reference_score(
        ReferenceScore(sample_id, criterion_key, level, set_by=set_by.strip(), rubric_id=rubric_id)
    )


def clear_reference(store: Store, sample_id: int, criterion_key: str, *, rubric_id: int) -> bool:
    """Remove the master-key level that applies to the rubric version; whether there was one."""
    return store.clear_reference_score(sample_id, criterion_key, rubric_id=rubric_id)


# --- CSV import -----------------------------------------------------------------------------


def import_master_key_csv(store: Store, path: Path, *, rubric_id: int) -> int:
    """Set the master key from a CSV file with the header ``sample,criterion,level,set_by``
    (one row per sample and criterion); returns how many levels were set.

    A row's ``sample`` is a sample's key (with or without its kit prefix), its title, or its
    id. Everything is checked before anything is written, and written in one transaction.
    Raises ScoreImportError naming the file, line and column of the first problem; nothing is
    written then.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ScoreImportError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    except UnicodeDecodeError:
        raise ScoreImportError(f"{path}: is not UTF-8 text.") from None
    rows = parse_master_key_csv(store, text, rubric_id=rubric_id, source=str(path))
    with store.transaction():
        for ref in rows:
            store.set_reference_score(ref)
    return len(rows)


def parse_master_key_csv(
    store: Store, text: str, *, rubric_id: int, source: str = "<csv>"
) -> list[ReferenceScore]:
    """The reference scores the CSV text sets, checked against the stored samples and the rubric
    version (see :func:`import_master_key_csv`). Raises ScoreImportError."""
    rubric = store.get_rubric(rubric_id)
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise ScoreImportError(f"{source}: is empty.")
    names = [h.strip().lower() for h in header]
    if tuple(names) != CSV_COLUMNS:
        raise ScoreImportError(
            f"{source}, line 1: the columns must be {','.join(CSV_COLUMNS)} "
            f"(found {','.join(names) or 'nothing'})."
        )
    samples = store.list_samples()
    out: dict[tuple[int, str], ReferenceScore] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(CSV_COLUMNS):
            raise ScoreImportError(
                f"{source}, line {line}: expected {len(CSV_COLUMNS)} values, found {len(row)}."
            )
        sample_text, key, level_text, set_by = (cell.strip() for cell in row)

        def fail(column: str, message: str, line: int = line) -> ScoreImportError:
            return ScoreImportError(f"{source}, line {line}, column {column}: {message}")

        sample = _find_sample(samples, sample_text)
        if sample is None or sample.id is None:
            raise fail("sample", f"no stored sample has the key, title or id “{sample_text}”.")
        criterion = rubric.criterion(key)
        if criterion is None:
            known = ", ".join(c.key for c in rubric.criteria)
            raise fail("criterion", f"“{key}” is not a criterion of {rubric.name} ({known}).")
        if not re.fullmatch(r"[+-]?[0-9]+", level_text.strip()):  # int() reads "٣" as 3
            raise fail("level", f"“{level_text}” is not a whole number.")
        level = int(level_text)
        if level not in criterion.scores:
            shown = ", ".join(str(s) for s in criterion.scores)
            raise fail("level", f"{level} is not a level of {criterion.name} ({shown}).")
        if not set_by:
            raise fail("set_by", "say who set this level.")
        if (sample.id, key) in out:
            raise fail("sample", f"“{sample.title}” on {key} is set twice in this file.")
        out[(sample.id, key)] = ReferenceScore(
            sample.id, key, level, set_by=set_by, rubric_id=rubric_id
        )
    if not out:
        raise ScoreImportError(f"{source}: has a header but no rows.")
    return list(out.values())


def _find_sample(samples: list[Sample], text: str) -> Sample | None:
    if not text:
        return None
    ways: list[Callable[[Sample], bool]] = [
        lambda s: s.key == text,
        lambda s: s.key.partition("/")[2] == text,
        lambda s: s.title == text,
        lambda s: text.isascii() and text.isdigit() and s.id == int(text),  # not "٣"
    ]
    for match in ways:
        found = [s for s in samples if match(s)]
        if len(found) == 1:
            return found[0]
    return None


# --- promotion from a session -----------------------------------------------------------------


def consensus_sessions(store: Store) -> list[tuple[int, str]]:
    """Sessions with agreed consensus, as ``(id, "title (date): n agreed")``, newest first."""
    out = []
    for session in store.list_sessions():
        assert session.id is not None
        n = len(store.consensus_for(session.id))
        if n:
            out.append((session.id, f"{session.title} ({session.date}): {n} agreed"))
    return out


def promote_consensus(store: Store, session_id: int, *, set_by: str = "") -> int:
    """Make the session's agreed levels the master key for those samples and criteria (replacing
    earlier reference levels), set by ``set_by`` (default: "Consensus of <session title>") and
    tied to the session's rubric version; returns how many levels were set. All or nothing.
    Raises InvalidOperationError if the session has no consensus yet; NotFoundError if there is
    no such session."""
    session = store.get_session(session_id)
    agreed = store.consensus_for(session_id)
    if not agreed:
        raise InvalidOperationError(
            f"The session “{session.title}” has no agreed levels yet: agree consensus first."
        )
    who = set_by.strip() or f"Consensus of “{session.title}” ({session.date})"
    with store.transaction():
        for c in agreed:
            store.set_reference_score(
                ReferenceScore(
                    c.sample_id, c.criterion_key, c.level, set_by=who, rubric_id=session.rubric_id
                )
            )
    return len(agreed)
