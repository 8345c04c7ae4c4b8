"""Loading test blueprints and importing results files: every problem placed in its file, and
nothing stored from a file with a problem."""

from __future__ import annotations

from pathlib import Path

from calibrate.domain.assessment import Blueprint, TargetLinkError
from calibrate.domain.errors import AssessmentFileError, NotFoundError
from calibrate.storage.assessment_files import dump_blueprint, read_blueprint
from calibrate.storage.blueprint_csv import read_blueprint_csv
from calibrate.storage.results_csv import read_results_csv, results_csv
from calibrate.storage.store import Store


def load_blueprint_file(
    store: Store, path: Path, *, title: str = "", update: bool = False
) -> Blueprint:
    """Read, check and store the blueprint at ``path`` (TOML, or a CSV of one row per item
    named ``title``, else after the file); returns it as stored. With ``update``, a test
    stored with the file's key is updated from it instead (targets and items matched by key,
    every result kept: see ``Store.update_assessment``).

    Raises AssessmentFileError naming the file, line and field of every problem, including a
    learning target's rubric criterion that is not in the database; InvalidOperationError if a
    test with the same key is stored already (without ``update``), or if the update would
    leave out an item that has results.
    """
    path = path.expanduser()
    if path.suffix.casefold() == ".csv":
        read = read_blueprint_csv(path, title=title)
    else:
        read = read_blueprint(path)
    stored = store.assessment_by_key(read.blueprint.key) if update else None
    try:
        if stored is not None and stored.id is not None:
            return store.update_assessment(stored.id, read.blueprint)
        return store.add_assessment(read.blueprint)
    except TargetLinkError as exc:
        raise AssessmentFileError(f"{read.where(exc.target_key)}: {exc.message}") from None


def find_assessment(store: Store, ref: str) -> Blueprint:
    """A stored test by id or key. Raises NotFoundError naming what is stored."""
    found = store.assessment_by_key(ref)
    if found is None and ref.isdigit():
        try:
            found = store.get_assessment(int(ref))
        except NotFoundError:
            found = None
    if found is None:
        known = ", ".join(f"{b.key} (id {b.id})" for b in store.list_assessments()) or "none yet"
        raise NotFoundError(f"There is no test “{ref}”; the stored tests are: {known}.")
    return found


def import_results_file(store: Store, assessment_id: int, path: Path) -> int:
    """Import a results file (one row per student, one column per item) for a stored test;
    all or nothing. Returns how many results were written.

    Raises AssessmentFileError naming the file, line and column of the first bad cell (then
    nothing is written); NotFoundError if there is no such test.
    """
    blueprint = store.get_assessment(assessment_id)
    results = read_results_csv(path.expanduser(), blueprint)
    return store.record_results(assessment_id, results)


def export_test(store: Store, assessment_id: int, *, results: bool = False) -> str:
    """A stored test as the files it can be loaded from: its blueprint as TOML, or (with
    ``results``) its results as CSV (student codes only, one column per item). Raises
    NotFoundError if there is no such test."""
    blueprint = store.get_assessment(assessment_id)
    if results:
        return results_csv(blueprint, store.assessment_results(assessment_id))
    return dump_blueprint(blueprint)
