"""What each browser tab of a served meeting runs: ``python -m calibrate.serve.tab --db PATH``.

It skips the command-line layer (click and the commands' imports) and loads only what a tab
needs: Textual, the store and the served screens. No statistics (numpy, scipy) load until a
facilitator opens the reveal, which keeps a rater's process small (~55 MB, see bench/).
"""

from __future__ import annotations

import argparse
from pathlib import Path


def run_tab(db_path: Path, *, session_id: int | None = None, spare: bool = False) -> None:
    """Run the served app on ``db_path`` (which must exist). With ``spare``, first import
    everything and wait for the server to hand this process a tab (see :mod:`.spares`)."""
    from calibrate.storage.lean_import import load_storage_lean

    load_storage_lean()
    from calibrate.storage.store_serve import ServedStore
    from calibrate.tui.served import ServedApp

    store = ServedStore.open(db_path)
    try:
        app = ServedApp(store, session_id=session_id)
        if spare:
            import calibrate.tui.screens.room.join
            import calibrate.tui.screens.room.served_meeting  # noqa: F401
            from calibrate.serve.spares import wait_for_tab

            wait_for_tab()
        app.run()
    finally:
        store.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m calibrate.serve.tab")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--session", type=int, default=None)
    parser.add_argument("--spare", action="store_true")
    args = parser.parse_args(argv)
    if not args.db.exists():
        parser.error(f"there is no calibrate database at {args.db}")
    run_tab(args.db, session_id=args.session, spare=args.spare)


if __name__ == "__main__":
    main()
