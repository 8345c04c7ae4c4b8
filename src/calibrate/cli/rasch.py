"""``calibrate rasch``: the many-facet Rasch model on one session, for coaches.

One call into :mod:`calibrate.services.reliability.rasch`: each rater's severity on one scale
(how sample difficulty and criterion difficulty are taken out), whether their scores fit the
pattern, and their agreement against what the model expects, in plain words; ``--json`` gives
every figure (logits, standard errors, infit/outfit, separation). docs/rasch.md explains them.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from calibrate.cli._common import WHOLE, RecordCommand, db_after_command, fail, records


@click.command(cls=RecordCommand)
@click.option("--session", "session_id", type=WHOLE, required=True, help="The session's id.")
@click.option("--json", "as_json", is_flag=True, help="Print every figure as JSON.")
@db_after_command
def rasch(session_id: int, as_json: bool, command_db: Path | None) -> None:
    """Rater severity on one scale (many-facet Rasch model, JMLE as FACETS does): who scores
    harder or softer than the team on similar work, and whose scores fit the pattern.

    For coaches: it names raters. The figures are private to them and the raters.
    """
    from calibrate.services.reliability.rasch import fit_session, session_ratings

    with records(command_db) as store:
        ratings = session_ratings(store, session_id)
    result = fit_session(ratings)
    if result.fit is None:
        fail(f"session {session_id}: {result.reason or ratings.reason}")
    assert result.fit is not None
    if as_json:
        payload = {
            "session": {"id": session_id, "title": ratings.title, "date": ratings.date},
            "readings": {r.rater: list(r.sentences) for r in result.readings},
            "fit": result.fit.as_json(),
        }
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    click.echo(f"{ratings.title} ({ratings.date}): raters on one scale (Rasch model)")
    click.echo("")
    for reading in result.readings:
        click.echo(f"{reading.rater}")
        for sentence in reading.sentences:
            click.echo(f"  {sentence}")
    for warning in result.fit.warnings:
        click.echo(f"\nNote: {warning}")
    note = result.fit.separation_of("raters").note
    if note:
        click.echo(f"\n{note}")


RASCH_COMMANDS = (rasch,)
