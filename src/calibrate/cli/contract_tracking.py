"""``calibrate contract activate|progress|review|amend|close``: a learning contract over time,
so that a teacher can script it and a coach audit it.

``activate`` marks the draft agreed, ``progress`` adds an entry to the progress log, ``review``
records a checkpoint (dated the day it was due unless told otherwise), ``amend`` keeps a new
version with its reason, ``close`` records the reassessment. Each is one call into
``calibrate.services.contracts``; every mistake prints one line ``error: …`` naming the option,
and exits with status 2. The commands join the ``contract`` group in
:mod:`calibrate.cli.contracts`.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import click

from calibrate.cli._common import WHOLE, RecordCommand, db_after_command, fail, records
from calibrate.domain.contracts import (
    ContractFieldError,
    ContractStatus,
    ReviewOutcome,
)


def _escaped(text: str) -> str:
    """Line breaks and other invisible characters as escapes: a message stays one line."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def _shown(text: str) -> str:
    """An echoed value, escaped and cut to 40 characters."""
    return _escaped(text if len(text) <= 40 else text[:37] + "...")


def _pairs(option: str, values: tuple[str, ...], *, whole: bool = False) -> dict[str, Any]:
    """``CRITERION=VALUE`` options as a dict (values as whole numbers with ``whole``)."""
    out: dict[str, Any] = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key.strip() or not rest.strip():
            fail(f"{option}: “{_shown(value)}” is not CRITERION=VALUE (e.g. claim=4)")
        if whole and not re.fullmatch(r"[0-9]{1,9}", rest.strip()):
            fail(f"{option}: “{_shown(rest)}” is not a whole number (in “{_shown(value)}”)")
        out[key.strip()] = int(rest) if whole else rest.strip()
    return out


def _field_failed(exc: ContractFieldError, options: dict[str, str]) -> NoReturn:
    """A contract field's mistake, naming the option that gave it."""
    head = re.split(r"[\[.]", exc.field, maxsplit=1)[0]
    last = exc.field.rsplit(".", 1)[-1]
    option = options.get(exc.field) or options.get(last) or options.get(head)
    message = _escaped(exc.message)
    fail(f"{option}: {message}" if option else message)


def _on(text: str | None) -> str:
    """``--date``, else today. A value that cannot be a date is refused here when echoing it
    whole would flood the message."""
    if text is None:
        return date.today().isoformat()
    if len(text) > 40:
        fail(f"--date: “{_shown(text)}” is not a date; write it as YYYY-MM-DD")
    return text


DATE_HELP = "The date, YYYY-MM-DD (default: today)."


@click.command(cls=RecordCommand)
@click.argument("contract_id", metavar="ID", type=WHOLE)
@db_after_command
def activate(contract_id: int, command_db: Path | None) -> None:
    """The student and teacher have agreed draft contract ID: it becomes active, so progress
    can be logged and reviewed."""
    from calibrate.services.contracts.plans import activate as activate_contract

    with records(command_db) as store:
        before = store.get_contract(contract_id)
        if before.status is not ContractStatus.DRAFT:
            fail(f"contract {contract_id} is {before.status}; only a draft can be activated")
        done = activate_contract(store, contract_id)
    click.echo(f"Contract {contract_id} for {done.student_code} is active.")


@click.command(cls=RecordCommand)
@click.argument("contract_id", metavar="ID", type=WHOLE)
@click.option("--evidence", default="", help="What the student did, in words.")
@click.option("--file", "evidence_file", default="", help="A reference to the work (a file).")
@click.option("--worked", default="", help="What worked.")
@click.option("--didnt-work", default="", help="What didn't work.")
@click.option("--next", "next_step", default="", help="What comes next.")
@click.option("--date", "on", help=DATE_HELP)
@db_after_command
def progress(
    contract_id: int,
    evidence: str,
    evidence_file: str,
    worked: str,
    didnt_work: str,
    next_step: str,
    on: str | None,
    command_db: Path | None,
) -> None:
    """Add an entry to the progress log of active contract ID: the evidence (words, a file
    reference or both) and the student's reflection."""
    from calibrate.services.contracts.plans import log_progress
    from calibrate.services.contracts.tracking import check_kept_text

    texts = {
        "evidence": evidence,
        "file": evidence_file,
        "worked": worked,
        "didnt_work": didnt_work,
        "next": next_step,
    }
    options = {"date": "--date", **{name: f"--{name.replace('_', '-')}" for name in texts}}
    with records(command_db) as store:
        try:
            check_kept_text(texts)
            entry = log_progress(
                store,
                contract_id,
                on=_on(on),
                evidence=evidence,
                evidence_file=evidence_file,
                worked=worked,
                didnt_work=didnt_work,
                next_step=next_step,
            )
        except ContractFieldError as exc:
            _field_failed(exc, options)
        n = len(store.progress_entries(contract_id))
    click.echo(f"Logged progress on {entry.date} for contract {contract_id} (entry {n}).")


@click.command("review", cls=RecordCommand)
@click.argument("contract_id", metavar="ID", type=WHOLE)
@click.option(
    "--outcome",
    type=click.Choice([o.value.replace(" ", "-") for o in ReviewOutcome]),
    required=True,
    help="on-track, adjust (say what in --note) or met.",
)
@click.option("--note", default="", help="What was seen; what to adjust.")
@click.option("--date", "on", help="The date, YYYY-MM-DD (default: the checkpoint due).")
@db_after_command
def review_checkpoint(
    contract_id: int, outcome: str, note: str, on: str | None, command_db: Path | None
) -> None:
    """Record the checkpoint review of active contract ID, dated the day the checkpoint was
    due unless --date says otherwise."""
    from calibrate.services.contracts.plans import review
    from calibrate.services.contracts.tracking import check_kept_text, review_due

    with records(command_db) as store:
        day = _on(on) if on is not None else review_due(store, contract_id) or _on(None)
        try:
            check_kept_text({"note": note})
            done = review(
                store,
                contract_id,
                on=day,
                outcome=ReviewOutcome(outcome.replace("-", " ")),
                note=note,
            )
        except ContractFieldError as exc:
            _field_failed(exc, {"date": "--date", "note": "--note"})
        due = review_due(store, contract_id)
    following = f" Next checkpoint: {due}." if due else ""
    click.echo(f"Reviewed contract {contract_id} on {done.date}: {done.outcome}.{following}")


@click.command(cls=RecordCommand)
@click.argument("contract_id", metavar="ID", type=WHOLE)
@click.option("--reason", required=True, help="Why the contract changes (kept on record).")
@click.option("--level", "levels", multiple=True, help="A target's new level: CRITERION=LEVEL.")
@click.option("--due", "dues", multiple=True, help="A target's new due date: CRITERION=DATE.")
@click.option("--indicator", "indicators", multiple=True, help="How we will know: CRITERION=TEXT.")
@click.option("--review-every", type=WHOLE, help="Review progress every this many days.")
@click.option("--add-support", "supports", multiple=True, help="One more support.")
@click.option("--add-resource", "resources", multiple=True, help="One more resource.")
@db_after_command
def amend(
    contract_id: int,
    reason: str,
    levels: tuple[str, ...],
    dues: tuple[str, ...],
    indicators: tuple[str, ...],
    review_every: int | None,
    supports: tuple[str, ...],
    resources: tuple[str, ...],
    command_db: Path | None,
) -> None:
    """Amend draft or active contract ID: its next version, with the reason; earlier versions
    stay on record. A target whose level changes gets the approved anchors of the new level."""
    from calibrate.services.contracts.plans import amend_contract
    from calibrate.services.contracts.tracking import Amendment, amended_version, check_kept_text

    change = Amendment(
        reason=reason,
        target_levels=_pairs("--level", levels, whole=True),
        due_dates=_pairs("--due", dues),
        indicators=_pairs("--indicator", indicators),
        review_every_days=review_every,
        add_supports=supports,
        add_resources=resources,
    )
    options = {
        "note": "--reason",
        "target_level": "--level",
        "due_date": "--due",
        "indicator": "--indicator",
        "commitments": "--review-every",
        "supports": "--add-support",
        "resources": "--add-resource",
    }
    with records(command_db) as store:
        try:
            check_kept_text(
                {
                    "note": reason,
                    "indicator": "".join(change.indicators.values()),
                    "supports": "".join(supports),
                    "resources": "".join(resources),
                }
            )
            done = amend_contract(store, contract_id, amended_version(store, contract_id, change))
        except ContractFieldError as exc:
            _field_failed(exc, options)
    click.echo(f"Amended contract {contract_id}: version {done.version} ({done.current.note}).")


@click.command("close", cls=RecordCommand)
@click.argument("contract_id", metavar="ID", type=WHOLE)
@click.option(
    "--reached",
    multiple=True,
    help="The level reached on a target: CRITERION=LEVEL, once per target.",
)
@click.option("--reflection", default="", help="The student's culminating reflection.")
@click.option("--teacher-note", default="", help="The teacher's closing note.")
@click.option("--date", "on", help=DATE_HELP)
@db_after_command
def close_reassessed(
    contract_id: int,
    reached: tuple[str, ...],
    reflection: str,
    teacher_note: str,
    on: str | None,
    command_db: Path | None,
) -> None:
    """Close active contract ID with the reassessment: the level reached on each target and
    the student's reflection. It is met if every target level was reached, else closed."""
    from calibrate.services.contracts.closing import closing_summary
    from calibrate.services.contracts.plans import close_contract
    from calibrate.services.contracts.tracking import check_kept_text

    achieved = _pairs("--reached", reached, whole=True)
    with records(command_db) as store:
        try:
            check_kept_text({"reflection": reflection, "teacher_note": teacher_note})
            done = close_contract(
                store,
                contract_id,
                on=_on(on),
                achieved=achieved,
                reflection=reflection,
                teacher_note=teacher_note,
            )
        except ContractFieldError as exc:
            _field_failed(
                exc,
                {
                    "date": "--date",
                    "results": "--reached",
                    "reflection": "--reflection",
                    "teacher_note": "--teacher-note",
                },
            )
        reassessment = store.reassessment(contract_id)
        assert reassessment is not None
        summary = closing_summary(store.get_rubric(done.rubric_id), done.status, reassessment)
    click.echo(f"Contract {contract_id}: {summary}")


TRACKING_COMMANDS = (activate, progress, review_checkpoint, amend, close_reassessed)
