"""The scenario file format (``docs/scenario-format.md``) as pydantic models.

The checks that need more than one field (references, unique keys, level scales) are in
``scenario_checks``.

Validation here only finds problems: each is a :class:`Problem` with the TOML path it concerns
(e.g. ``("samples", 3, "kind")``, indexes counted from 0) and a message in plain words.
``scenario_files`` turns paths into line numbers and raises one ``ScenarioError``.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from calibrate.domain.text_rules import NAME_LIMIT, name_problem, text_problem

TomlPath = tuple[str | int, ...]

KEY_PATTERN = r"^[a-z0-9_-]+$"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Problem:
    path: TomlPath
    message: str


def _iso_date(value: Any) -> Any:
    """Accept ``"2026-10-14"`` or a bare TOML date; anything else is refused in plain words."""
    if isinstance(value, dt.datetime | dt.time):
        raise PydanticCustomError("iso_date", "must be a date like 2026-10-14, without a time")
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        return value  # the strict str check reports the wrong type
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise PydanticCustomError("iso_date", "must be a date written YYYY-MM-DD, like 2026-10-14")
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("iso_date", "is not a real calendar date") from None
    return value


def _format_version(value: int) -> int:
    if value != FORMAT_VERSION:
        raise PydanticCustomError(
            "format_version",
            "this version of calibrate reads format {expected} (got {got})",
            {"expected": FORMAT_VERSION, "got": value},
        )
    return value


LIMIT = 1_000_000  # far beyond any rubric; keeps numbers storable as SQLite integers


def _text(value: str) -> str:
    if (problem := text_problem(value)) is not None:
        raise PydanticCustomError("text", problem)
    return value


def _name(value: str) -> str:
    if (problem := name_problem(value)) is not None:
        raise PydanticCustomError("name", problem)
    return value


def _key(value: str) -> str:
    if len(value) > NAME_LIMIT:
        raise PydanticCustomError("too_long", f"is too long (at most {NAME_LIMIT} characters)")
    return value


Text = Annotated[str, AfterValidator(_text)]
Name = Annotated[str, AfterValidator(_name)]
LevelScore = Annotated[int, Field(ge=0, le=LIMIT)]  # a rubric level is 0 or more
Number = Annotated[int, Field(ge=-LIMIT, le=LIMIT)]
Key = Annotated[str, Field(pattern=KEY_PATTERN), AfterValidator(_key)]
IsoDate = Annotated[str, BeforeValidator(_iso_date)]
Positive = Annotated[int, Field(ge=1, le=LIMIT)]


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ScenarioHeader(_Table):
    name: Annotated[str, Field(min_length=1, pattern=r"^[^/]+$")]
    description: Text
    format: Annotated[int, AfterValidator(_format_version)]


class LevelEntry(_Table):
    score: LevelScore
    label: Text
    descriptor: Text
    student_wording: Text = ""


class CriterionEntry(_Table):
    key: Key
    name: Name
    description: Text
    student_wording: Text = ""
    levels: Annotated[list[LevelEntry], Field(min_length=1)]


class RubricEntry(_Table):
    name: Name
    subject: Text
    grade_band: Text
    kind: Literal["analytic", "holistic"]
    version: Positive = 1
    criteria: Annotated[list[CriterionEntry], Field(min_length=1)]


class SampleEntry(_Table):
    key: Name
    title: Name
    kind: Literal["essay", "solution", "lesson vignette", "other"]
    student_code: Text
    grade: Text
    task: Text
    attachments: list[Text] = []
    body: Text


class RaterEntry(_Table):
    name: Name
    initials: Text = ""
    role: Text = ""
    team: Text = ""


class MasterKeyEntry(_Table):
    sample: Text
    set_by: Text
    levels: Annotated[dict[str, Number], Field(min_length=1)]


class ScoreEntry(_Table):
    rater: Text
    sample: Text
    round: Positive = 1
    levels: dict[str, Number]
    notes: dict[str, Text] = {}


class ConsensusEntry(_Table):
    sample: Text
    criterion: Text
    level: Number
    rationale: Text = ""


class RoundItemEntry(_Table):
    round: Annotated[int, Field(ge=2)]
    sample: Text
    criterion: Text


class SessionEntry(_Table):
    title: Name
    date: IsoDate
    facilitator: Text
    blind: bool
    cut_score: Number | None = None
    phase: Literal["setup", "scoring", "reveal", "consensus", "closed"]
    round: Positive | None = None
    scores: list[ScoreEntry] = []
    consensus: list[ConsensusEntry] = []
    round_items: list[RoundItemEntry] = []  # the items a re-score round asked for, if not all


class AnchorEntry(_Table):
    sample: Text
    criterion: Text
    level: Number
    annotation: Text
    status: Literal["proposed", "approved", "retired"] = "approved"


class ScenarioFile(_Table):
    """A whole scenario file."""

    scenario: ScenarioHeader
    rubric: RubricEntry
    samples: list[SampleEntry]
    raters: list[RaterEntry]
    master_key: list[MasterKeyEntry] = []
    session: SessionEntry | None = None
    anchors: list[AnchorEntry] = []


# ---------------------------------------------------------------------------------------------
# Structural validation with plain-words messages


def validate_structure(data: Mapping[str, Any]) -> ScenarioFile | list[Problem]:
    """The file as a model, or every structural problem found (wrong types, unknown keys ...)."""
    try:
        return ScenarioFile.model_validate(data)
    except ValidationError as exc:
        return [Problem(tuple(e["loc"]), _describe(e)) for e in exc.errors()]


def _describe(error: ErrorDetails) -> str:
    kind, loc, got = error["type"], tuple(error["loc"]), error.get("input")
    expected = _expected_type(loc)
    if kind == "missing":
        return "this key is required but missing"
    if kind == "extra_forbidden":
        parent = _expected_type(loc[:-1])
        allowed = ", ".join(parent.model_fields) if _is_model(parent) else ""
        hint = f"; the keys allowed here are {allowed}" if allowed else ""
        return f"unknown key (check the spelling{hint})"
    if kind == "literal_error":
        choices = [str(a) for a in typing.get_args(expected)]
        return f"must be one of {', '.join(choices)} (got {show_value(got)})"
    if kind == "string_pattern_mismatch":
        if loc[-1] == "name":
            return f"must not contain a slash (got {show_value(got)})"
        return f"must use only lowercase letters, digits, - and _ (got {show_value(got)})"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_short":
        return "must have at least one entry"
    if kind == "greater_than_equal":
        return f"must be {error.get('ctx', {}).get('ge')} or more (got {show_value(got)})"
    if kind == "less_than_equal":
        return f"must be {error.get('ctx', {}).get('le')} or less (got {show_value(got)})"
    if kind == "string_type":
        return f"must be text in quotes (got {show_value(got)})"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"must be a whole number (got {show_value(got)})"
    if kind == "bool_type":
        return f"must be true or false (got {show_value(got)})"
    if kind in ("list_type", "tuple_type"):
        return f"must be a list (got {show_value(got)})"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"must be a table (got {show_value(got)})"
    return str(error["msg"])


def show_value(value: Any) -> str:
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return '"' + printable(shown) + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return str(value)


def printable(text: str) -> str:
    """``text`` with line breaks and other invisible characters written as escapes, so that an
    echoed value cannot break a message across lines."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def _is_model(tp: Any) -> typing.TypeGuard[type[BaseModel]]:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _unwrap(tp: Any) -> Any:
    """Strip Annotated and ``X | None`` so the remaining type can be walked."""
    while True:
        origin = typing.get_origin(tp)
        if origin is Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = args[0]
        else:
            return tp


def _expected_type(loc: TomlPath) -> Any:
    """The declared type at ``loc`` inside :class:`ScenarioFile` (``None`` when unknown)."""
    tp: Any = ScenarioFile
    for part in loc:
        tp = _unwrap(tp)
        if _is_model(tp) and isinstance(part, str) and part in tp.model_fields:
            tp = tp.model_fields[part].annotation
        elif typing.get_origin(tp) is list and isinstance(part, int):
            tp = typing.get_args(tp)[0]
        elif typing.get_origin(tp) is dict and isinstance(part, str):
            tp = typing.get_args(tp)[1]
        else:
            return None
    return _unwrap(tp)
