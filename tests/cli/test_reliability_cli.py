"""The rater-reliability commands: raters, rater NAME, report. Exit codes and output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from calibrate.cli.main import cli
from calibrate.services.meeting import sessions as meeting
from calibrate.services.records.database import load_scenario_file
from calibrate.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]
KITS = sorted((ROOT / "scenarios").glob("*.toml"))
NO_ENV: dict[str, str | None] = {"CALIBRATE_DB": None, "CALIBRATE_HOME": None}


def run(*args: str | Path, db: Path | None = None) -> tuple[int, str, str]:
    env = dict(NO_ENV)
    if db is not None:
        env["CALIBRATE_DB"] = str(db)
    result = CliRunner().invoke(cli, [str(a) for a in args], env=env)
    return result.exit_code, result.stdout, result.stderr


def one_line_error(code: int, out: str, err: str, *words: str) -> None:
    assert code == 2
    assert out == ""
    assert err.startswith("error: ") and err.count("\n") == 1
    for word in words:
        assert word in err


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "kits.db"
    with Store.open(path) as store:
        for kit in KITS:
            load_scenario_file(store, kit)
    return path


def grade8_session(db: Path) -> int:
    with Store.open(db) as store:
        found = next(s for s in store.list_sessions() if s.title.startswith("October"))
    assert found.id is not None
    return found.id


def test_raters_lists_everyone_with_a_verdict(db: Path) -> None:
    code, out, err = run("raters", db=db)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["rater", "sessions", "window"]
    erik = next(line for line in lines if line.startswith("Erik Lindqvist"))
    assert "52%" in erik and "+0.42" in erik and "does not meet the standard" in erik
    amara = next(line for line in lines if line.startswith("Amara Okafor"))
    assert amara.endswith("certified") and "90%" in amara
    assert "calibrate default" in out


def test_raters_json(db: Path) -> None:
    code, out, _ = run("raters", "--json", db=db)
    assert code == 0
    data = json.loads(out)
    assert len(data) == 18
    erik = next(d for d in data if d["rater"] == "Erik Lindqvist")
    assert erik["latest"]["exact"]["value"] == pytest.approx(21 / 40)
    assert erik["latest"]["severity"]["ci_low"] > 0
    assert erik["certification"]["verdict"] == "does not meet the standard"
    assert erik["certification"]["checks"][0]["n"] == 40


def test_raters_figures_cover_the_verdicts_window(tmp_path: Path) -> None:
    """Issue 14: the figures were the latest session's next to a verdict over more sessions,
    and a rater who scored nothing in the latest session showed "compared 0 … does not meet the
    standard"."""
    from calibrate.domain.model import Rater, Sample

    db = tmp_path / "window.db"
    with Store.open(db) as store:
        load_scenario_file(store, ROOT / "scenarios" / "grade8-argument.toml")
        first = store.list_sessions()[0]
        erik, amara = store.rater_by_name("Erik Lindqvist"), store.rater_by_name("Amara Okafor")
        newbie = store.add_rater(Rater("Nia Newcomer"))
        unkeyed = store.add_sample(Sample(title="A new essay", body="No master key yet."))
        assert erik is not None and amara is not None
        assert erik.id is not None and amara.id is not None and newbie.id is not None
        assert unkeyed.id is not None
        later = meeting.create_session(
            store,
            title="Later, with no key",
            date="2026-12-01",
            rubric_id=first.rubric_id,
            sample_ids=(unkeyed.id,),
            rater_ids=(amara.id, erik.id, newbie.id),
        )
        assert later.id is not None
        for key in ("claim", "evidence"):  # Amara scores work with no key; the others nothing
            meeting.record_score(
                store, later.id, rater_id=amara.id, sample_id=unkeyed.id, criterion_key=key,
                level=3,
            )  # fmt: skip
        meeting.reveal(store, later.id)
    code, out, err = run("raters", db=db)
    assert code == 0, err
    rows = {line.split("  ")[0]: line.split() for line in out.splitlines()[1:8]}
    # Erik sat in both sessions; his figures and verdict are October's, where 40 were compared.
    assert rows["Erik Lindqvist"][2:8] == ["2", "2026-10-14", "40", "52%", "100%", "0"]
    assert rows["Erik Lindqvist"][-5:] == ["does", "not", "meet", "the", "standard"]
    assert rows["Nia Newcomer"][2:5] == ["1", "—", "0"]
    assert " ".join(rows["Nia Newcomer"]).endswith("no scores in this window")
    text = " ".join(out.split())
    assert "window: the sessions each verdict rests on (the rater's last 3 with compared" in text
    assert "Not compared yet (no master key and no consensus): Amara Okafor 2 of 42 scores." in text
    code, out, _ = run("raters", "--json", db=db)
    assert code == 0
    data = {d["rater"]: d for d in json.loads(out)}
    assert [s["date"] for s in data["Erik Lindqvist"]["window"]["sessions"]] == ["2026-10-14"]
    assert data["Erik Lindqvist"]["window"]["compared"] == 40
    assert data["Erik Lindqvist"]["latest"]["session"]["date"] == "2026-12-01"
    assert data["Nia Newcomer"]["verdict_shown"] == "no scores in this window"
    assert (data["Amara Okafor"]["not_compared"], data["Amara Okafor"]["scores"]) == (2, 42)
    code, out, _ = run("rater", "Amara Okafor", db=db)
    assert code == 0
    text = " ".join(out.split())
    assert "Window: 1 session, 2026-10-14 (the policy's last 3 with compared scores)." in text
    assert "2 of their 42 scores have no master key and no consensus yet" in text


def test_rater_shows_verdict_timeline_and_central_tendency(db: Path) -> None:
    code, out, err = run("rater", "Marcus Baptiste", db=db)
    assert code == 0, err
    assert "private" in out.splitlines()[0]
    assert "Certification: does not meet the standard" in out
    assert "22 of 39 scores" in out and "lower bound 41%" in out
    assert "2026-10-14  October calibration" in out
    assert "Keeps to the middle of the scale" in out


def test_rater_json_has_the_timeline(db: Path) -> None:
    code, out, _ = run("rater", "Erik Lindqvist", "--json", db=db)
    assert code == 0
    data = json.loads(out)
    assert data["rater"] == "Erik Lindqvist"
    assert [p["session"]["date"] for p in data["timeline"]] == ["2026-10-14"]
    assert data["certification"]["n"] == 40


def test_an_unknown_rater_is_one_line(db: Path) -> None:
    one_line_error(*run("rater", "Nobody Here", db=db), "no rater called “Nobody Here”")


def test_a_policy_file_changes_the_verdict(db: Path, tmp_path: Path) -> None:
    policy = tmp_path / "easy.toml"
    policy.write_text(
        '[policy]\nname = "easy"\n[[rules]]\nmin_levels = 4\nmax_levels = 4\nexact = 0.3\n',
        encoding="utf-8",
    )
    code, out, _ = run("rater", "Erik Lindqvist", "--policy", policy, db=db)
    assert code == 0
    assert "Certification: certified under “easy”" in out


def test_a_bad_policy_file_names_its_line(db: Path, tmp_path: Path) -> None:
    policy = tmp_path / "bad.toml"
    policy.write_text(
        '[policy]\nname = "x"\n[[rules]]\nmin_levels = 4\nmax_levels = 4\nexact = 70\n'
    )
    code, out, err = run("raters", "--policy", policy, db=db)
    one_line_error(code, out, err, f"{policy}, line 6, rules[1].exact")


def test_report_session_markdown_to_stdout(db: Path) -> None:
    code, out, _ = run("report", "--session", grade8_session(db), "--format", "md", db=db)
    assert code == 0
    assert out.startswith("# Session report: October calibration")
    assert "## Discussion items" in out
    assert "Erik Lindqvist" not in out


def test_report_leads_with_the_headline_and_can_leave_partial_raters_out(db: Path) -> None:
    """The October session has one score missing (239 of 240): one rater scored only some."""
    sid = grade8_session(db)
    code, out, _ = run("report", "--session", sid, "--format", "md", db=db)
    assert code == 0
    agreement = out[out.index("## Agreement") : out.index("## The team against")]
    assert "**All criteria pooled.** You agree within one level almost always (98%)" in agreement
    assert "Left out" not in agreement
    code, out, _ = run("report", "--session", sid, "--format", "md", "--leave-out-partial", db=db)
    assert code == 0
    assert "Left out of the figures: 1 rater who scored 39 of 40 items." in out
    assert "Erik Lindqvist" not in out  # counted, never named, in the team's report
    code, out, _ = run("report", "--session", sid, "--format", "json", "--leave-out-partial", db=db)
    data = json.loads(out)
    assert data["agreement"]["n_raters"] == 5
    assert data["headline"]["all_criteria"]["left_out"].startswith("Left out of the figures: 1")


def test_report_session_html_with_private_pages(db: Path, tmp_path: Path) -> None:
    out_file, folder = tmp_path / "team.html", tmp_path / "private"
    session_id = grade8_session(db)
    code, out, err = run(
        "report", "--session", session_id, "--format", "html",
        "--output", out_file, "--private-dir", folder, db=db,
    )  # fmt: skip
    assert code == 0, err
    assert f"Wrote the report to {out_file}." in out
    assert "Wrote 6 private pages" in out
    assert out_file.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    names = sorted(p.name for p in folder.iterdir())
    assert f"session-{session_id}-erik-lindqvist.html" in names and len(names) == 6


def test_report_rater_json(db: Path) -> None:
    code, out, _ = run("report", "--rater", "Linh Tran", "--format", "json", db=db)
    assert code == 0
    assert json.loads(out)["certification"]["verdict"] == "not yet certified"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("report", "--format", "md"), "either --session ID or --rater NAME"),
        (("report", "--session", "1", "--rater", "x"), "either --session ID or --rater NAME"),
        (("report", "--rater", "Linh Tran", "--private-dir", "x"), "--private-dir goes with"),
        (("report", "--session", "999"), "no session with id 999"),
        (("report", "--session", "1", "--format", "pdf"), "'pdf' is not one of"),
    ],
)
def test_report_mistakes_are_one_line(db: Path, args: tuple[str, ...], words: str) -> None:
    one_line_error(*run(*args, db=db), words)


def test_a_blind_session_being_scored_has_no_report(tmp_path: Path) -> None:
    path = tmp_path / "blind.db"
    with Store.open(path) as store:
        load_scenario_file(store, KITS[0])
        first = store.list_sessions()[0]
        session = meeting.create_session(
            store,
            title="Scoring now",
            date="2026-12-01",
            rubric_id=first.rubric_id,
            sample_ids=first.sample_ids,
            rater_ids=first.rater_ids,
        )
    one_line_error(*run("report", "--session", session.id or 0, db=path), "hidden")


def test_no_database_yet_is_one_line(tmp_path: Path) -> None:
    one_line_error(*run("raters", db=tmp_path / "none.db"), "no calibrate database")


def test_rasch_puts_every_rater_on_one_scale(db: Path) -> None:
    """The grade-8 kit's Erik leans lenient by +0.42 levels against the key (calibrate raters);
    the Rasch model, which takes sample and criterion difficulty out, says the same in words."""
    session_id = grade8_session(db)
    code, out, err = run("rasch", "--session", str(session_id), db=db)
    assert code == 0, err
    assert "raters on one scale (Rasch model)" in out.splitlines()[0]
    assert "Erik Lindqvist scores about half a level more generously than the team" in out
    assert "not that they agree" in out  # FACETS' warning about rater 'reliability'
    code, out, err = run("rasch", "--session", str(session_id), "--json", db=db)
    assert code == 0, err
    data = json.loads(out)
    assert data["session"]["id"] == session_id
    assert set(data["readings"]) >= {"Erik Lindqvist", "Amara Okafor"}
    assert "raters" in data["fit"]


def test_rasch_on_an_unknown_session_is_one_line(db: Path) -> None:
    one_line_error(*run("rasch", "--session", "999", db=db), "999")


def test_a_tiny_p_value_reads_p_below_0_001_everywhere(tmp_path: Path) -> None:
    """Issue 14: `p = 0.000` → `p < 0.001`, in the CLI text and both report formats."""
    from tests.services.test_reliability import later_session

    db = tmp_path / "drift.db"
    with Store.open(db) as store:
        load_scenario_file(store, ROOT / "scenarios" / "grade8-argument.toml")
        first = store.list_sessions()[0].id
        meeting.reveal(store, later_session(store, "2026-12-02", exact_for={"Erik Lindqvist"},
                                            first_id=first))  # fmt: skip
    outputs = [run("rater", "Erik Lindqvist", db=db)]
    for fmt in ("md", "html"):
        outputs.append(run("report", "--rater", "Erik Lindqvist", "--format", fmt, db=db))
    for code, out, err in outputs:
        assert code == 0, err
        assert "p < 0.001" in out.replace("&lt;", "<")
        assert "p = 0.000" not in out


def test_lean_by_criterion_covers_the_verdicts_window(tmp_path: Path) -> None:
    """Issue 14: a lean pooled over every session hid a drift the same page reported. With a
    window of one session, the lean per criterion is the latest compared session's."""
    from tests.services.test_reliability import later_session

    db = tmp_path / "lean.db"
    with Store.open(db) as store:
        load_scenario_file(store, ROOT / "scenarios" / "grade8-argument.toml")
        first = store.list_sessions()[0].id
        later = later_session(store, "2026-12-02", exact_for={"Erik Lindqvist"}, first_id=first)
        meeting.reveal(store, later)
    policy = tmp_path / "one.toml"
    policy.write_text(
        '[policy]\nname = "one"\nlast_sessions = 1\n'
        "[[rules]]\nmin_levels = 4\nmax_levels = 4\nexact = 0.7\n",
        encoding="utf-8",
    )
    code, out, err = run("rater", "Erik Lindqvist", "--policy", policy, db=db)
    assert code == 0, err
    lean = out.split("Lean by criterion over the window", 1)[1].split("\n\n", 1)[0]
    assert "1 session, 2026-12-02" in lean.splitlines()[0]
    rows = lean.splitlines()[1:]
    assert len(rows) == 5 and all("+0.00" in row for row in rows)  # exact in the follow-up
    code, out, _ = run("report", "--rater", "Erik Lindqvist", "--policy", policy, db=db)
    assert code == 0
    section = out.split("## Lean by criterion, over the sessions of the verdict", 1)[1]
    assert "(1 session, 2026-12-02)" in section.split("\n\n")[1]
    code, out, _ = run("rater", "Erik Lindqvist", db=db)  # the default window holds both
    assert "Lean by criterion over the window (levels; + lenient, - severe; 2 sessions," in out
