"""The checks of a scenario file that need more than one field: references between entries,
unique keys, level scales, one score entry per rater, sample and round."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from calibrate.domain.names import name_key
from calibrate.storage.scenario_schema import (
    Problem,
    RubricEntry,
    ScenarioFile,
    TomlPath,
    printable,
    show_value,
)


def cross_check(kit: ScenarioFile) -> list[Problem]:
    """Every problem that needs more than one field, in file order."""
    rubric = list(_rubric_problems(kit.rubric))
    problems = [
        *rubric,
        *_unique(((("samples", i, "key"), s.key) for i, s in enumerate(kit.samples)), "sample"),
        *_unique(
            ((("raters", i, "name"), r.name) for i, r in enumerate(kit.raters)), "rater", fold=True
        ),
    ]
    if rubric:  # levels cannot be checked against a broken scale: fix the rubric first
        return problems
    return [
        *problems,
        *_master_key_problems(kit),
        *_session_problems(kit),
        *_anchor_problems(kit),
    ]


def _unique(
    items: Iterator[tuple[TomlPath, str]], what: str, *, fold: bool = False
) -> Iterator[Problem]:
    """Each value once; with ``fold``, "Ann" and "ann " are the same (people's names: the
    served picker and the CLI match names that way)."""
    seen: dict[str, TomlPath] = {}
    for path, value in items:
        key = name_key(value) if fold else value
        if key in seen:
            yield Problem(path, f"another {what} already uses {show_value(value)}; each is unique")
        seen.setdefault(key, path)


def _rubric_problems(rubric: RubricEntry) -> Iterator[Problem]:
    if rubric.kind == "holistic" and len(rubric.criteria) != 1:
        yield Problem(
            ("rubric", "kind"),
            f"a holistic rubric has exactly one criterion (this one has {len(rubric.criteria)})",
        )
    keys = ((("rubric", "criteria", i, "key"), c.key) for i, c in enumerate(rubric.criteria))
    yield from _unique(keys, "criterion")
    for i, criterion in enumerate(rubric.criteria):
        for j in range(1, len(criterion.levels)):
            before, score = criterion.levels[j - 1].score, criterion.levels[j].score
            if score <= before:
                yield Problem(
                    ("rubric", "criteria", i, "levels", j, "score"),
                    f"levels must be listed in ascending score order with no repeats "
                    f"({score} comes after {before})",
                )


def _scales(kit: ScenarioFile) -> dict[str, tuple[int, ...]]:
    return {c.key: tuple(lv.score for lv in c.levels) for c in kit.rubric.criteria}


def _level_problems(
    path: TomlPath, levels: Mapping[str, int], scales: Mapping[str, tuple[int, ...]]
) -> Iterator[Problem]:
    for criterion, level in levels.items():
        if criterion not in scales:
            yield Problem(
                (*path, criterion),
                f"the rubric has no criterion {show_value(criterion)} (it has {', '.join(scales)})",
            )
        elif level not in scales[criterion]:
            allowed = ", ".join(str(s) for s in scales[criterion])
            yield Problem(
                (*path, criterion),
                f"{level} is not a level of criterion {show_value(criterion)} "
                f"(its levels are {allowed})",
            )


def _reference(path: TomlPath, value: str, known: Mapping[str, object], what: str) -> list[Problem]:
    if value in known:
        return []
    return [Problem(path, f"no {what} {show_value(value)} in this file")]


def _master_key_problems(kit: ScenarioFile) -> Iterator[Problem]:
    samples, scales = {s.key: s for s in kit.samples}, _scales(kit)
    seen: set[tuple[str, str]] = set()
    for i, entry in enumerate(kit.master_key):
        yield from _reference(("master_key", i, "sample"), entry.sample, samples, "sample")
        yield from _level_problems(("master_key", i, "levels"), entry.levels, scales)
        for criterion in entry.levels:
            if (entry.sample, criterion) in seen:
                yield Problem(
                    ("master_key", i, "levels", criterion),
                    f"sample {show_value(entry.sample)} already has a master-key level "
                    f"for {show_value(criterion)}",
                )
            seen.add((entry.sample, criterion))


def _session_problems(kit: ScenarioFile) -> Iterator[Problem]:
    session = kit.session
    if session is None:
        return
    scales = _scales(kit)
    used = sorted({s for scale in scales.values() for s in scale})
    if session.cut_score is not None and session.cut_score not in used:
        yield Problem(
            ("session", "cut_score"),
            f"{session.cut_score} is not a level of the rubric "
            f"(its levels are {', '.join(str(s) for s in used)})",
        )
    samples, raters = {s.key: s for s in kit.samples}, {r.name: r for r in kit.raters}
    seen: dict[tuple[str, str, int], int] = {}
    for i, entry in enumerate(session.scores):
        path: TomlPath = ("session", "scores", i)
        yield from _reference((*path, "rater"), entry.rater, raters, "rater")
        yield from _reference((*path, "sample"), entry.sample, samples, "sample")
        yield from _level_problems((*path, "levels"), entry.levels, scales)
        for criterion in entry.notes:
            if criterion not in entry.levels:
                yield Problem(
                    (*path, "notes", criterion),
                    f"a note for {show_value(criterion)}, which has no level in this entry",
                )
        triple = (entry.rater, entry.sample, entry.round)
        if triple in seen:
            yield Problem(
                path,
                f"{printable(entry.rater)} already has scores for {show_value(entry.sample)} "
                f"in round {entry.round} "
                f"(session.scores[{seen[triple] + 1}]); use one entry per rater, sample and round",
            )
        seen.setdefault(triple, i)
    rounds = max((entry.round for entry in session.scores), default=1)
    if session.round is not None and session.round < rounds:
        yield Problem(
            ("session", "round"),
            f"the session is in round {session.round}, but it has scores of round {rounds}",
        )
    yield from _consensus_problems(kit, samples, scales)
    yield from _round_item_problems(kit, samples, scales)


def _round_item_problems(
    kit: ScenarioFile, samples: Mapping[str, object], scales: Mapping[str, tuple[int, ...]]
) -> Iterator[Problem]:
    assert kit.session is not None
    session = kit.session
    current = max([session.round or 1, *(e.round for e in session.scores)])
    listed: set[tuple[int, str, str]] = set()
    for i, entry in enumerate(session.round_items):
        path: TomlPath = ("session", "round_items", i)
        yield from _reference((*path, "sample"), entry.sample, samples, "sample")
        if entry.criterion not in scales:
            yield Problem(
                (*path, "criterion"),
                f"the rubric has no criterion {show_value(entry.criterion)} "
                f"(it has {', '.join(scales)})",
            )
        if entry.round > current:
            yield Problem(
                (*path, "round"),
                f"the session is in round {current}; round {entry.round} has not started",
            )
        item = (entry.round, entry.sample, entry.criterion)
        if item in listed:
            yield Problem(path, "this item is listed twice for the same round")
        listed.add(item)


def _consensus_problems(
    kit: ScenarioFile, samples: Mapping[str, object], scales: Mapping[str, tuple[int, ...]]
) -> Iterator[Problem]:
    assert kit.session is not None
    agreed: set[tuple[str, str]] = set()
    for i, entry in enumerate(kit.session.consensus):
        path: TomlPath = ("session", "consensus", i)
        yield from _reference((*path, "sample"), entry.sample, samples, "sample")
        yield from _criterion_level(path, entry.criterion, entry.level, scales)
        if (entry.sample, entry.criterion) in agreed:
            yield Problem(
                path,
                f"sample {show_value(entry.sample)} already has a consensus level for "
                f"{show_value(entry.criterion)}; give one per sample and criterion",
            )
        agreed.add((entry.sample, entry.criterion))


def _criterion_level(
    path: TomlPath, criterion: str, level: int, scales: Mapping[str, tuple[int, ...]]
) -> Iterator[Problem]:
    if criterion not in scales:
        yield Problem(
            (*path, "criterion"),
            f"the rubric has no criterion {show_value(criterion)} (it has {', '.join(scales)})",
        )
    elif level not in scales[criterion]:
        allowed = ", ".join(str(s) for s in scales[criterion])
        yield Problem(
            (*path, "level"),
            f"{level} is not a level of criterion {show_value(criterion)} "
            f"(its levels are {allowed})",
        )


def _anchor_problems(kit: ScenarioFile) -> Iterator[Problem]:
    samples, scales = {s.key: s for s in kit.samples}, _scales(kit)
    # One sample may anchor a level twice (a retired annotation and its rewrite), but an
    # anchor listed twice word for word is a mistake.
    seen: set[tuple[str, str, int, str, str]] = set()
    for i, anchor in enumerate(kit.anchors):
        path: TomlPath = ("anchors", i)
        yield from _reference((*path, "sample"), anchor.sample, samples, "sample")
        yield from _criterion_level(path, anchor.criterion, anchor.level, scales)
        same = (anchor.sample, anchor.criterion, anchor.level, anchor.annotation, anchor.status)
        if same in seen:
            yield Problem(
                path,
                "the same anchor (sample, criterion, level, annotation and status) is listed twice",
            )
        seen.add(same)
