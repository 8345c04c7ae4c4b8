"""The Rasch section of the reports: the same sentences as the Raters screens.

The team's session report names no rater: it counts ("2 raters score harder than the team on
similar work") and gives the facets' separation, and leaves each rater's reading to the coach's
report on that rater (:func:`rater_section`), which has the rater's sentences, severity in
logits with its standard error, infit and outfit, bias by criterion and drift across sessions.

One :class:`RaschSection` carries what Markdown, HTML and JSON all show, so the three agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from calibrate.services.reliability.rasch import session_ratings
from calibrate.services.reliability.rasch_summary import (
    ABOUT,
    FIT_BANDS,
    RaterRasch,
    fit_or_reason,
    rater_rasch,
    revealed_ratings,
    team_counts,
)
from calibrate.storage.store import Store

SESSION_TITLE = "Raters on one scale (Rasch model)"
RATER_TITLE = "Severity on one scale (Rasch model)"
METHOD = (
    "Many-facet Rasch rating-scale model fitted by JMLE as FACETS does (docs/rasch.md); "
    "blind round-1 scores."
)


def _num(x: float | None, fmt: str = "{:.2f}") -> str:
    return "—" if x is None else fmt.format(x)


def _mean_square(ms: float | None, z: float | None) -> str:
    return f"{_num(ms)} ({_num(z, '{:+.1f}')})"


@dataclass(frozen=True)
class RaschSection:
    """A heading, sentences, an optional table and notes; ``data`` is the JSON part."""

    title: str
    lines: tuple[str, ...]
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    drift: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    data: dict[str, object] = field(default_factory=dict)

    def markdown(self) -> list[str]:
        out = [f"## {self.title}", ""]
        out += [f"- {line}" for line in self.lines] + [""]
        if self.rows:
            out += ["| " + " | ".join(self.header) + " |"]
            out += ["|" + "---|" * len(self.header)]
            out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in self.rows]
            out += [""]
        if self.drift:
            out += ["### Drift on one scale", ""] + [f"- {d}" for d in self.drift] + [""]
        for note in self.notes:
            out += [f"_{note}_", ""]
        return out

    def as_json(self) -> dict[str, object]:
        return {"title": self.title, "sentences": list(self.lines), **self.data}


def session_section(store: Store, session_id: int) -> RaschSection:
    """The team's Rasch picture for one session, in counts: no rater is named."""
    result = fit_or_reason(session_ratings(store, session_id))
    notes = [
        ABOUT,
        FIT_BANDS,
        "Each rater's own reading is in the coach's report on them "
        "(calibrate report --rater NAME).",
    ]
    data: dict[str, object] = {"method": METHOD, "reason": result.reason}
    rows: list[tuple[str, ...]] = []
    if result.fit is not None and result.readings:
        for facet in ("raters", "samples"):
            s = result.fit.separation_of(facet)
            rows.append((facet, str(s.n), _num(s.separation), _num(s.strata), _num(s.reliability)))
        raters_note = result.fit.separation_of("raters").note
        notes.insert(0, METHOD)
        if raters_note:
            notes.append(raters_note)
        data |= {
            "counts": {
                "lean": _tally(r.lean for r in result.readings),
                "fit": _tally(r.band for r in result.readings),
                "raters": len(result.readings),
            },
            "separation": [asdict(result.fit.separation_of(f)) for f in ("raters", "samples")],
        }
    return RaschSection(
        SESSION_TITLE,
        team_counts(result),
        ("Facet", "Elements", "Separation", "Strata", "Reliability"),
        tuple(rows),
        notes=tuple(notes),
        data=data,
    )


def _tally(values: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out


def rater_section(store: Store, rater_id: int) -> RaschSection:
    """One rater's Rasch reading (latest session), figures, bias and drift: for a coach."""
    name = store.get_rater(rater_id).name
    return rater_section_from(rater_rasch(revealed_ratings(store, rater_id=rater_id), name))


def rater_section_from(r: RaterRasch) -> RaschSection:
    """The section for a :class:`RaterRasch` already fitted (plain data only)."""
    data: dict[str, object] = {"method": METHOD, "reason": r.reason}
    rows: list[tuple[str, ...]] = []
    lines = r.sentences()
    if r.latest is not None and r.latest.fit is not None and r.reading is not None:
        me = r.latest.fit.rater(r.rater)
        s = r.latest.ratings
        lines = (f"Latest session: {s.date} {s.title}.", *lines)
        rows = [
            ("Severity (logits; higher = harsher)", _num(me.measure, "{:+.2f}")),
            ("Standard error", _num(me.standard_error)),
            ("Infit mean-square (ZStd)", _mean_square(me.fit.infit, me.fit.infit_z)),
            ("Outfit mean-square (ZStd)", _mean_square(me.fit.outfit, me.fit.outfit_z)),
            ("Fit band", r.reading.band),
        ]
        data |= {
            "session": {"id": s.session_id, "title": s.title, "date": s.date},
            "severity": me.measure,
            "standard_error": me.standard_error,
            "level_difference": r.reading.level_difference,
            "lean": r.reading.lean,
            "fit_band": r.reading.band,
            "fit": asdict(me.fit),
            "bias": [asdict(i) for i in r.bias],
        }
    data["drift"] = [
        {
            "session_id": step.session_id,
            "title": step.title,
            "severity": step.severity,
            "standard_error": step.standard_error,
            "change": None if step.drift is None else step.drift.change,
            "change_se": None if step.drift is None else step.drift.standard_error,
            "reason": step.reason or (step.drift.reason if step.drift else None),
        }
        for step in r.drift
    ]
    return RaschSection(
        RATER_TITLE,
        lines,
        ("Figure", "Value"),
        tuple(rows),
        drift=r.drift_lines(),
        notes=(METHOD, ABOUT, FIT_BANDS),
        data=data,
    )
