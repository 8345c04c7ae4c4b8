"""The terminal path into a served meeting (``calibrate join``, e.g. over SSH or on a shared
computer): the app's join, scoring and reveal screens in this terminal.

It loads only what joining needs: Textual, the store and the served screens. No statistics
(numpy, scipy) load until a facilitator opens the reveal.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def run_tab(db_path: Path, *, session_id: int | None = None) -> None:
    """Run the served app on ``db_path`` (which must exist) in this terminal."""
    from calibrate.storage.lean_import import load_storage_lean

    load_storage_lean()
    from calibrate.storage.store_serve import ServedStore
    from calibrate.tui.served import ServedApp

    store = ServedStore.open(db_path)
    try:
        ServedApp(store, session_id=session_id).run()
    finally:
        store.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m calibrate.serve.tab")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--session", type=int, default=None)
    args = parser.parse_args(argv)
    if not args.db.exists():
        parser.error(f"there is no calibrate database at {args.db}")
    run_tab(args.db, session_id=args.session)


if __name__ == "__main__":
    main()
