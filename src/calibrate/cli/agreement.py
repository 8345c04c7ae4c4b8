"""``calibrate agree``: agreement statistics for a ratings CSV collected anywhere.

Nothing heavy is imported until the command runs (statistics load numpy and scipy).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from calibrate.cli._common import WHOLE, fail
from calibrate.domain.errors import CalibrateError

# The values of calibrate.domain.ratings.Measurement (a test checks), spelled out so that
# every command's start does not load numpy with the ratings table.
LEVELS = ("nominal", "ordinal", "interval", "ratio")


@click.command()
@click.argument("ratings", type=click.Path(path_type=Path))
@click.option(
    "--level",
    type=click.Choice(LEVELS),
    required=True,
    help="Level of measurement of the scores (rubric levels are usually ordinal).",
)
@click.option(
    "--categories",
    help="The rubric's levels, comma-separated (e.g. 1,2,3,4), including levels nobody used.",
)
@click.option(
    "--layout",
    type=click.Choice(["wide", "long"]),
    help="wide: unit,<rater>,…  long: unit,rater,score. Detected from the header if not given.",
)
@click.option(
    "--seed", type=WHOLE, default=0, show_default=True, help="Seed for bootstrap intervals."
)
@click.option("--details", is_flag=True, help="Print every coefficient and why they differ.")
@click.option(
    "--leave-out-partial",
    is_flag=True,
    help="Also leave out raters who scored only some units (raters with no scores always are).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def agree(
    ratings: Path,
    level: str,
    categories: str | None,
    layout: str | None,
    seed: int,
    details: bool,
    leave_out_partial: bool,
    as_json: bool,
) -> None:
    """Agreement statistics for a ratings CSV: a headline first (exact and within-one agreement
    and Krippendorff's alpha, read together); --details for every coefficient."""
    from calibrate.domain.ratings import Measurement
    from calibrate.services.agreement.figures import agree_file
    from calibrate.services.agreement.text import render_report
    from calibrate.storage.ratings_csv import Layout

    try:
        figures = agree_file(
            ratings,
            level=Measurement(level),
            categories=None if categories is None else categories.split(","),
            layout=None if layout is None else Layout(layout),
            seed=seed,
            leave_out_partial=leave_out_partial,
        )
    except CalibrateError as exc:
        fail(exc.message)
        return
    if as_json:
        data = figures.report.as_json()
        data["left_out"] = [{"rater": r.name, "why": r.why} for r in figures.headline.left_out]
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(render_report(figures.report, figures.headline, title=str(ratings), details=details))


AGREEMENT_COMMANDS = (agree,)
