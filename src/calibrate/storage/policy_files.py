"""Certification policy files (TOML): text -> :class:`CertificationPolicy`.

``read_policy(path)`` / ``parse_policy(text, source=…)`` check a file against the format in
``docs/certification.md`` and raise one :class:`PolicyError` whose message names the file, the
line and the field of every problem, e.g.
``district.toml, line 9, rules[1].exact: must be a share between 0 and 1, like 0.70 (got 70)``.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails

from calibrate.domain.errors import CalibrateError
from calibrate.storage.scenario_schema import show_value
from calibrate.storage.toml_locator import TomlLocator, TomlPath, show_path


class PolicyError(CalibrateError):
    """A certification policy file that cannot be used: names the file, line and field."""


@dataclass(frozen=True)
class PolicyRule:
    """What a rater must show on scales of ``min_levels``..``max_levels`` levels."""

    min_levels: int
    max_levels: int
    exact: float | None = None  # share of scores equal to the reference
    adjacent: float | None = None  # share within one level of the reference
    max_two_away: int | None = None  # how many scores two or more levels away are allowed

    def applies_to(self, n_levels: int) -> bool:
        return self.min_levels <= n_levels <= self.max_levels

    @property
    def scale(self) -> str:
        if self.min_levels == self.max_levels:
            return f"{self.min_levels}-level scales"
        return f"{self.min_levels}–{self.max_levels}-level scales"


@dataclass(frozen=True)
class CertificationPolicy:
    name: str
    description: str
    last_sessions: int  # the rule applies to the rater's most recent N compared sessions
    confidence: float  # of the two-sided Wilson interval whose lower end must clear each bar
    rules: tuple[PolicyRule, ...]
    source: str = ""  # the file it came from

    def rule_for(self, n_levels: int) -> PolicyRule | None:
        return next((r for r in self.rules if r.applies_to(n_levels)), None)


# ----------------------------------------------------------------- the file format
Share = Annotated[float, Field(gt=0, lt=1)]


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _Header(_Table):
    name: Annotated[str, Field(min_length=1)]
    description: str = ""
    last_sessions: Annotated[int, Field(ge=1, le=1000)] = 3
    confidence: Annotated[float, Field(ge=0.5, lt=1)] = 0.95


class _Rule(_Table):
    min_levels: Annotated[int, Field(ge=2, le=100)]
    max_levels: Annotated[int, Field(ge=2, le=100)]
    exact: Share | None = None
    adjacent: Share | None = None
    max_two_away: Annotated[int, Field(ge=0)] | None = None


class _PolicyFile(_Table):
    policy: _Header
    rules: Annotated[list[_Rule], Field(min_length=1)]


_SHARE = "must be a share between 0 and 1, like 0.70 (a bar of 100% can never be shown)"
_MESSAGES = {
    "missing": "this key is required but missing",
    "extra_forbidden": "unknown key (check the spelling)",
    "string_type": "must be text in quotes",
    "int_type": "must be a whole number",
    "bool_type": "must be true or false",
    "float_type": "must be a number",
    "list_type": "must be a list of [[rules]] tables",
    "model_type": "must be a table",
    "too_short": "must have at least one [[rules]] table",
    "string_too_short": "must not be empty",
}


def read_policy(path: str | os.PathLike[str]) -> CertificationPolicy:
    """Read and check the policy file at ``path``."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise PolicyError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise PolicyError(f"{name}: is not UTF-8 text; save the file as UTF-8") from None
    return parse_policy(text, source=name)


def parse_policy(text: str, *, source: str = "<policy>") -> CertificationPolicy:
    """Parse and check policy TOML ``text``; ``source`` names the file in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{source}: this is not valid TOML ({exc})") from None
    try:
        model = _PolicyFile.model_validate(data)
    except ValidationError as exc:
        problems = [(tuple(e["loc"]), _describe(e)) for e in exc.errors()]
        raise _located(problems, text, source) from None
    problems = _cross_check(model)
    if problems:
        raise _located(problems, text, source)
    return CertificationPolicy(
        name=model.policy.name,
        description=model.policy.description.strip(),
        last_sessions=model.policy.last_sessions,
        confidence=model.policy.confidence,
        rules=tuple(
            PolicyRule(r.min_levels, r.max_levels, r.exact, r.adjacent, r.max_two_away)
            for r in model.rules
        ),
        source=source,
    )


def _describe(error: ErrorDetails) -> str:
    kind, got, loc = error["type"], error.get("input"), tuple(error["loc"])
    if loc and loc[-1] in ("exact", "adjacent") and kind != "missing":
        return f"{_SHARE} (got {show_value(got)})"
    if kind == "greater_than_equal":
        return f"must be {error.get('ctx', {}).get('ge')} or more (got {show_value(got)})"
    if kind == "less_than_equal":
        return f"must be {error.get('ctx', {}).get('le')} or less (got {show_value(got)})"
    if kind == "less_than":
        return f"must be less than {error.get('ctx', {}).get('lt')} (got {show_value(got)})"
    message = _MESSAGES.get(kind, str(error["msg"]))
    return message if kind in ("missing", "too_short") else f"{message} (got {show_value(got)})"


def _cross_check(model: _PolicyFile) -> list[tuple[TomlPath, str]]:
    problems: list[tuple[TomlPath, str]] = []
    for i, rule in enumerate(model.rules):
        if rule.max_levels < rule.min_levels:
            problems.append(
                (("rules", i, "max_levels"), f"must be at least min_levels ({rule.min_levels})")
            )
        if rule.exact is None and rule.adjacent is None and rule.max_two_away is None:
            problems.append(
                (("rules", i), "gives no requirement: set exact, adjacent or max_two_away")
            )
        for j, other in enumerate(model.rules[:i]):
            if rule.min_levels <= other.max_levels and other.min_levels <= rule.max_levels:
                problems.append(
                    (
                        ("rules", i, "min_levels"),
                        f"overlaps rules[{j + 1}] ({other.min_levels}–{other.max_levels} "
                        "levels): each scale length needs exactly one rule",
                    )
                )
    return problems


def _located(problems: list[tuple[TomlPath, str]], text: str, source: str) -> PolicyError:
    locator = TomlLocator(text)
    placed = sorted(
        ((locator.line_of(path), show_path(path), message) for path, message in problems),
        key=lambda item: item[0],
    )
    return PolicyError("\n".join(f"{source}, line {ln}, {p}: {m}" for ln, p, m in placed))
