"""The demo's database, made ahead: ``calibrate demo`` on a new database starts from a copy.

A new database would otherwise be migrated (sqlite-utils) and the grade-8 kit read and checked
(pydantic) before the first screen, about a third of a second on this kind of machine. The copy
is what those steps make, so the first screen comes as fast as the app's on any database.

The template sits beside the kit, named after the kit's content
(``grade8-argument.<sha256 prefix>.demo.db``): a changed kit finds no template and is loaded the
usual way, and a test fails until the template is made again::

    python -m calibrate.services.records.demo_template

A copy is made a new record of its own: the demo session gets a new identity and today's date,
and every creation time is the copy's.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from datetime import date
from pathlib import Path

from calibrate.services.records.catalog import bundled_scenario_dir
from calibrate.services.records.database import DEMO_KIT, prepare_demo
from calibrate.storage.database import utc_now
from calibrate.storage.store import Store

BUILT_ON = date(2026, 1, 5)  # the template's own date; a copy takes today's


def template_path(kit: Path) -> Path:
    """Where the template of ``kit`` is (it may not exist)."""
    digest = hashlib.sha256(kit.read_bytes()).hexdigest()[:12]
    return kit.with_name(f"{kit.stem}.{digest}.demo.db")


def build_template(kit: Path, out: Path) -> None:
    """Make the template of ``kit`` at ``out``: a new database with the demo prepared."""
    out.unlink(missing_ok=True)
    with Store.open(out) as store:
        prepare_demo(store, today=BUILT_ON)
        store.compact()


def start_from_template(db: Path, *, today: date | None = None) -> bool:
    """Make the new database ``db`` a copy of the demo's template, if ``db`` does not exist
    yet and the bundled kit has a current template. Returns whether it did."""
    kit = bundled_scenario_dir() / DEMO_KIT
    if db.exists() or not kit.exists():
        return False
    template = template_path(kit)
    if not template.exists():
        return False
    db.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=db.parent, prefix=".calibrate-new-") as folder:
        staged = Path(folder) / db.name
        with template.open("rb") as source, staged.open("xb") as target:
            staged.chmod(0o600)
            shutil.copyfileobj(source, target)
        with Store.open(staged) as store:
            now = utc_now()
            store.renew_copy(
                dated=BUILT_ON.isoformat(), today=(today or date.today()).isoformat(), now=now
            )
        staged.replace(db)  # whole or not at all: no half-copied database is ever found
    return True


if __name__ == "__main__":
    kit = bundled_scenario_dir() / DEMO_KIT
    for old in kit.parent.glob(f"{kit.stem}.*.demo.db"):
        old.unlink()
    built = template_path(kit)
    build_template(kit, built)
    print(f"Wrote {built}")
