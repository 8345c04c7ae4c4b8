"""Scenario files: TOML text <-> :class:`~calibrate.domain.model.Scenario`.

``read_scenario(path)`` / ``parse_scenario(text, source=…)`` check a file against
``docs/scenario-format.md`` and raise one :class:`ScenarioError` whose message names the file, the
line and the field of every problem found, e.g.
``scenarios/x.toml, line 42, samples[3].kind: must be one of essay, solution, lesson vignette,
other (got "eassy")`` (array positions counted from 1, as a reader counts tables).

``dump_scenario(scenario)`` writes the same format back; ``parse_scenario(dump_scenario(s)) == s``.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import tomli_w

from calibrate.domain.errors import ScenarioError
from calibrate.domain.model import (
    AnchorStatus,
    Criterion,
    Level,
    Phase,
    Rater,
    Rubric,
    RubricKind,
    Sample,
    SampleKind,
    Scenario,
    ScenarioAnchor,
    ScenarioConsensus,
    ScenarioRoundItem,
    ScenarioScore,
    ScenarioSession,
)
from calibrate.storage.private_files import write_private_text
from calibrate.storage.scenario_checks import cross_check
from calibrate.storage.scenario_json import load_json, located
from calibrate.storage.scenario_schema import (
    FORMAT_VERSION,
    Problem,
    ScenarioFile,
    validate_structure,
)
from calibrate.storage.toml_locator import TomlLocator, show_path

MAX_PROBLEMS_SHOWN = 10
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


def read_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read and check the scenario file at ``path``."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ScenarioError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    return parse_scenario_bytes(raw, source=name)


def parse_scenario_bytes(raw: bytes, *, source: str) -> Scenario:
    """Decode ``raw`` as UTF-8 (a leading byte-order mark is allowed) and parse it: as JSON
    when ``source`` ends in ``.json`` (the shape ``export session --format json`` writes),
    else as TOML."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(
            f"{source}, line {line}: is not UTF-8 text (byte {raw[exc.start]:#04x} cannot be "
            "read); save the file as UTF-8"
        ) from None
    text = text.removeprefix("\ufeff")
    if source.lower().endswith(".json"):
        return parse_scenario_json(text, source=source)
    return parse_scenario(text, source=source)


def parse_scenario_json(text: str, *, source: str = "<scenario>") -> Scenario:
    """Parse and check a kit written as JSON: the same structure and rules as the TOML."""
    data = load_json(text, source)
    checked = validate_structure(data)
    if isinstance(checked, list):
        raise located(checked, text, source, MAX_PROBLEMS_SHOWN)
    problems = cross_check(checked)
    if problems:
        raise located(problems, text, source, MAX_PROBLEMS_SHOWN)
    return _to_domain(checked)


def parse_scenario(text: str, *, source: str = "<scenario>") -> Scenario:
    """Parse and check scenario TOML ``text``; ``source`` names the file in error messages."""
    data = _load_toml(text, source)
    checked = validate_structure(data)
    if isinstance(checked, list):
        raise _located(checked, text, source)
    problems = cross_check(checked)
    if problems:
        raise _located(problems, text, source)
    return _to_domain(checked)


def _load_toml(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        position = _TOML_POSITION.search(message)
        if position is not None:
            where = f"line {position.group(1)}, column {position.group(2)}"
            message = message[: position.start()]
        else:
            where = f"line {max(1, len(text.splitlines()))}"
            message = re.sub(r"\s*\(at end of document\)\s*$", "", message)
        if message.startswith("Cannot overwrite a value") or message.startswith("Cannot declare"):
            message += ": a key or table is given twice"
        raise ScenarioError(f"{source}, {where}: this is not valid TOML ({message})") from None
    except RecursionError:
        message = "this is not valid TOML (nested too deeply)"
        raise ScenarioError(f"{source}, line 1: {message}") from None


def _located(problems: list[Problem], text: str, source: str) -> ScenarioError:
    locator = TomlLocator(text)
    placed = sorted(
        ((locator.line_of(p.path), show_path(p.path), p.message) for p in problems),
        key=lambda item: item[0],
    )
    lines = [f"{source}, line {line}, {path}: {message}" for line, path, message in placed]
    if len(lines) > MAX_PROBLEMS_SHOWN:
        rest = len(lines) - MAX_PROBLEMS_SHOWN
        lines = [*lines[:MAX_PROBLEMS_SHOWN], f"{source}: … and {rest} more problems"]
    return ScenarioError("\n".join(lines))


def _to_domain(kit: ScenarioFile) -> Scenario:
    rubric = Rubric(
        name=kit.rubric.name,
        subject=kit.rubric.subject,
        grade_band=kit.rubric.grade_band,
        kind=RubricKind(kit.rubric.kind),
        version=kit.rubric.version,
        criteria=tuple(
            Criterion(
                key=c.key,
                name=c.name,
                description=c.description,
                student_wording=c.student_wording,
                levels=tuple(
                    Level(lv.score, lv.label, lv.descriptor, lv.student_wording) for lv in c.levels
                ),
            )
            for c in kit.rubric.criteria
        ),
    )
    samples = tuple(
        Sample(
            title=s.title,
            body=s.body,
            kind=SampleKind(s.kind),
            student_code=s.student_code,
            grade=s.grade,
            task=s.task,
            attachments=tuple(s.attachments),
            key=s.key,
        )
        for s in kit.samples
    )
    raters = tuple(Rater(r.name, r.initials, r.role, r.team) for r in kit.raters)
    session = None
    if kit.session is not None:
        session = ScenarioSession(
            title=kit.session.title,
            date=kit.session.date,
            facilitator=kit.session.facilitator,
            blind=kit.session.blind,
            cut_score=kit.session.cut_score,
            phase=Phase(kit.session.phase),
            scores=tuple(
                ScenarioScore(
                    sample=e.sample,
                    criterion=criterion,
                    level=level,
                    rater=e.rater,
                    note=e.notes.get(criterion, ""),
                    round=e.round,
                )
                for e in kit.session.scores
                for criterion, level in e.levels.items()
            ),
            consensus=tuple(
                ScenarioConsensus(c.sample, c.criterion, c.level, c.rationale)
                for c in kit.session.consensus
            ),
            round=kit.session.round,
            round_items=tuple(
                ScenarioRoundItem(r.round, r.sample, r.criterion) for r in kit.session.round_items
            ),
        )
    master_key = tuple(
        ScenarioScore(sample=e.sample, criterion=criterion, level=level, set_by=e.set_by)
        for e in kit.master_key
        for criterion, level in e.levels.items()
    )
    anchors = tuple(
        ScenarioAnchor(a.sample, a.criterion, a.level, a.annotation, AnchorStatus(a.status))
        for a in kit.anchors
    )
    return Scenario(
        name=kit.scenario.name,
        description=kit.scenario.description,
        rubric=rubric,
        samples=samples,
        raters=raters,
        session=session,
        master_key=master_key,
        anchors=anchors,
    )


# ---------------------------------------------------------------------------------------------
# Writing


def write_scenario(scenario: Scenario, path: str | os.PathLike[str]) -> None:
    """Write ``scenario`` to ``path`` as UTF-8 TOML, readable by its owner only (a kit holds
    student work)."""
    write_private_text(Path(path), dump_scenario(scenario))


def dump_scenario(scenario: Scenario) -> str:
    """The scenario as TOML text in the documented layout (long text as multi-line strings).

    Consecutive score rows of one rater, sample and round become one ``[[session.scores]]``
    table; consecutive master-key rows of one sample and author become one ``[[master_key]]``.
    """
    out: list[str] = []
    if not scenario.samples:
        out.append("samples = []")
    if not scenario.raters:
        out.append("raters = []")
    if out:
        out.append("")
    _table(
        out,
        "[scenario]",
        {"name": scenario.name, "description": scenario.description, "format": FORMAT_VERSION},
    )
    _rubric(out, scenario.rubric)
    for s in scenario.samples:
        fields: dict[str, Any] = {
            "key": s.key,
            "title": s.title,
            "kind": str(s.kind),
            "student_code": s.student_code,
            "grade": s.grade,
            "task": s.task,
        }
        if s.attachments:
            fields["attachments"] = list(s.attachments)
        fields["body"] = s.body
        _table(out, "[[samples]]", fields)
    for r in scenario.raters:
        fields = {"name": r.name}
        fields.update({k: v for k, v in (("initials", r.initials), ("role", r.role)) if v})
        if r.team:
            fields["team"] = r.team
        _table(out, "[[raters]]", fields)
    for (sample, set_by), rows in _runs(scenario.master_key, lambda r: (r.sample, r.set_by)):
        levels = _inline({r.criterion: r.level for r in rows})
        _table(out, "[[master_key]]", {"sample": sample, "set_by": set_by}, levels=levels)
    if scenario.session is not None:
        _session(out, scenario.session)
    for a in scenario.anchors:
        _table(
            out,
            "[[anchors]]",
            {
                "sample": a.sample,
                "criterion": a.criterion,
                "level": a.level,
                "annotation": a.annotation,
                "status": str(a.status),
            },
        )
    return "\n".join(out).rstrip("\n") + "\n"


def _rubric(out: list[str], rubric: Rubric) -> None:
    _table(
        out,
        "[rubric]",
        {
            "name": rubric.name,
            "subject": rubric.subject,
            "grade_band": rubric.grade_band,
            "kind": str(rubric.kind),
            "version": rubric.version,
        },
    )
    for c in rubric.criteria:
        fields: dict[str, Any] = {"key": c.key, "name": c.name, "description": c.description}
        if c.student_wording:
            fields["student_wording"] = c.student_wording
        _table(out, "[[rubric.criteria]]", fields)
        for lv in c.levels:
            level: dict[str, Any] = {"score": lv.score, "label": lv.label}
            level["descriptor"] = lv.descriptor
            if lv.student_wording:
                level["student_wording"] = lv.student_wording
            _table(out, "[[rubric.criteria.levels]]", level)


def _session(out: list[str], session: ScenarioSession) -> None:
    fields: dict[str, Any] = {
        "title": session.title,
        "date": session.date,
        "facilitator": session.facilitator,
        "blind": session.blind,
    }
    if session.cut_score is not None:
        fields["cut_score"] = session.cut_score
    fields["phase"] = str(session.phase)
    if session.round is not None:
        fields["round"] = session.round
    _table(out, "[session]", fields)
    for (rater, sample, round_), rows in _runs(
        session.scores, lambda r: (r.rater, r.sample, r.round)
    ):
        entry: dict[str, Any] = {"rater": rater, "sample": sample}
        if round_ != 1:
            entry["round"] = round_
        notes = {r.criterion: r.note for r in rows if r.note}
        _table(
            out,
            "[[session.scores]]",
            entry,
            levels=_inline({r.criterion: r.level for r in rows}),
            notes=_inline(notes) if notes else None,
        )
    for c in session.consensus:
        _table(
            out,
            "[[session.consensus]]",
            {
                "sample": c.sample,
                "criterion": c.criterion,
                "level": c.level,
                "rationale": c.rationale,
            },
        )
    for item in session.round_items:
        fields = {"round": item.round, "sample": item.sample, "criterion": item.criterion}
        _table(out, "[[session.round_items]]", fields)


def _runs(
    rows: Iterable[ScenarioScore], key: Callable[[ScenarioScore], tuple[Any, ...]]
) -> Iterator[tuple[tuple[Any, ...], list[ScenarioScore]]]:
    """Group consecutive rows with the same key, starting a new group when a criterion repeats."""
    group: list[ScenarioScore] = []
    current: tuple[Any, ...] = ()
    for row in rows:
        k = key(row)
        if group and (k != current or any(g.criterion == row.criterion for g in group)):
            yield current, group
            group = []
        current = k
        group.append(row)
    if group:
        yield current, group


def _value(value: Any, *, multiline: bool = True) -> str:
    # TOML reads a line break inside a multi-line string as "\n" whatever it was written as, so
    # text holding a carriage return is written on one line with escapes instead.
    multiline = multiline and isinstance(value, str) and "\r" not in value
    return tomli_w.dumps({"v": value}, multiline_strings=multiline)[4:].removesuffix("\n")


def _key(key: str) -> str:
    return tomli_w.dumps({key: 0}).rsplit(" = ", 1)[0]


def _inline(table: dict[str, Any]) -> str:
    items = ", ".join(f"{_key(k)} = {_value(v, multiline=False)}" for k, v in table.items())
    return "{ " + items + " }" if items else "{}"


def _table(out: list[str], header: str, fields: dict[str, Any], **inline: str | None) -> None:
    out.append(header)
    out.extend(f"{_key(k)} = {_value(v)}" for k, v in fields.items())
    out.extend(f"{k} = {v}" for k, v in inline.items() if v is not None)
    out.append("")
