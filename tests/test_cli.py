"""The scriptable CLI, driven as a subprocess: output, exit status, and one-line errors."""

from __future__ import annotations

import json

import pytest

from helpers import FIXTURE_SETS, run_cli, run_main


def cli(*args, db):
    """`workshop ARGS` in this process: the console script's own `main`, without a new interpreter."""
    return run_main("--questionnaires", str(FIXTURE_SETS), *args, db=db)


def cli_process(*args, db):
    """`workshop ARGS` as its own process, where what the shell sees (status, streams) is the point."""
    return run_cli("--questionnaires", str(FIXTURE_SETS), *args, db=db)


@pytest.fixture
def workshop_id(db_path) -> str:
    result = cli("new", "--org", "Acme", "--initiative", "Claims triage", "--facilitator", "Ann",
                 "--participant", "Bo:IT lead", "--participant", "Cy:Claims manager", "--sets", "pilot,ops",
                 "--date", "2026-11-20", db=db_path)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def assert_one_line_error(result, status: int, fragment: str):
    assert result.returncode == status
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("workshop: error: ")
    assert fragment in lines[0]
    assert "Traceback" not in result.stderr


def test_new_prints_the_id_and_list_shows_progress(db_path, workshop_id):
    assert workshop_id == "1"
    assert cli_process("answer", workshop_id, "pilot.kpi", "2", db=db_path).stdout == "saved pilot.kpi = 2\n"
    listing = json.loads(cli_process("list", "--json", db=db_path).stdout)
    assert [(s["organisation"], s["initiative"], s["date"], s["answered"], s["total"]) for s in listing] == [
        ("Acme", "Claims triage", "2026-11-20", 1, 5)
    ]
    text = cli("list", db=db_path).stdout
    assert "Claims triage" in text and "1/5" in text


def test_answer_with_every_option_then_show(db_path, workshop_id):
    result = cli("answer", workshop_id, "pilot.kpi", "3", "--note", "KPIs signed", "--private-note", "CFO wavers",
                 "--evidence", "minutes of 3 Nov", "--confidence", "low", "--flag", db=db_path)
    assert result.returncode == 0, result.stderr
    cli("answer", workshop_id, "ops.backout", "na", "--reason", "read-only advisory tool", db=db_path)
    cli("answer", workshop_id, "ops.monitoring", "unknown", db=db_path)
    shown = json.loads(cli("show", workshop_id, "--json", db=db_path).stdout)
    kpi = shown["answers"]["pilot.kpi"]
    assert (kpi["level"], kpi["note"], kpi["private_note"], kpi["evidence"], kpi["confidence"], kpi["flagged"],
            kpi["answered_by"]) == (3, "KPIs signed", "CFO wavers", "minutes of 3 Nov", "low", True, "Ann")
    assert shown["answers"]["ops.backout"]["status"] == "na"
    assert shown["answers"]["ops.monitoring"]["status"] == "unknown"
    table = cli("show", workshop_id, db=db_path).stdout
    assert "Answered 3 of 5" in table and "n/a" in table and "unknown" in table


def test_ask_vote_by_participant_name_and_reveal(db_path, workshop_id):
    assert cli("ask", workshop_id, "pilot.kpi", db=db_path).stdout == "vote open on pilot.kpi\n"
    assert cli("vote", workshop_id, "pilot.kpi", "Bo", "1", db=db_path).returncode == 0
    assert cli("vote", workshop_id, "pilot.kpi", "cy", "4", db=db_path).returncode == 0
    revealed = cli("reveal", workshop_id, db=db_path)
    assert revealed.stdout == "revealed pilot.kpi: 2 vote(s); 1 at level 1, 1 at level 4\n"
    shown = json.loads(cli("show", workshop_id, "--json", db=db_path).stdout)
    [round_] = shown["rounds"]
    assert round_["state"] == "revealed"
    assert sorted(v["level"] for v in round_["votes"]) == [1, 4]


def test_ask_carries_on_an_open_vote_and_asks_for_again_after_a_reveal(db_path, workshop_id):
    cli("ask", workshop_id, "pilot.kpi", db=db_path)
    cli("vote", workshop_id, "pilot.kpi", "Bo", "1", db=db_path)
    assert cli("ask", workshop_id, "pilot.kpi", db=db_path).stdout == "vote open on pilot.kpi (1 voted so far)\n"
    cli("reveal", workshop_id, db=db_path)
    refused = cli("ask", workshop_id, "pilot.kpi", db=db_path)
    assert (refused.returncode, refused.stderr) == (1, "workshop: error: 'pilot.kpi' was voted on already "
                                                       "(revealed); that round is kept: add --again to vote on it again\n")
    assert cli("ask", workshop_id, "pilot.kpi", "--again", db=db_path).stdout == "vote open on pilot.kpi\n"
    rounds = json.loads(cli("show", workshop_id, "--json", db=db_path).stdout)["rounds"]
    assert [(r["state"], len(r["votes"])) for r in rounds] == [("revealed", 1), ("open", 0)]


def test_questions_lists_the_bank(db_path):
    rows = json.loads(cli("questions", "--set", "pilot", "--json", db=db_path).stdout)
    assert [r["id"] for r in rows] == ["pilot.kpi", "pilot.baseline", "pilot.sponsor"]
    assert rows[0] == {"id": "pilot.kpi", "set": "pilot", "section": "Value",
                       "prompt": "Are the success measures agreed?", "weight": 3, "target": 3, "gate": True,
                       "actions": 2, "references": [{"framework": "nist-ai-rmf", "ref": "MAP 1.3",
                                                     "label": "NIST AI RMF MAP 1.3"}]}


def test_decide_and_target_and_archive(db_path, workshop_id):
    assert cli("decide", workshop_id, "pilot.kpi.define", "accepted", "--owner", "Dana", "--due", "2026-12-15",
               db=db_path).returncode == 0
    assert cli("target", workshop_id, "pilot.kpi", "4", db=db_path).returncode == 0
    shown = json.loads(cli("show", workshop_id, "--json", db=db_path).stdout)
    assert shown["decisions"]["pilot.kpi.define"]["due_date"] == "2026-12-15"
    assert shown["targets"] == {"pilot.kpi": 4}
    assert cli("archive", workshop_id, db=db_path).stdout == "workshop 1 is archived\n"


@pytest.mark.parametrize(
    ("args", "status", "fragment"),
    [
        (["answer", "99", "pilot.kpi", "2"], 1, "no workshop with id 99"),
        (["answer", "1", "pilot.nope", "2"], 1, "no question 'pilot.nope'"),
        (["answer", "1", "pilot.kpi", "7"], 2, "level must be 0-4, 'unknown' or 'na', not '7'"),
        (["answer", "1", "pilot.kpi", "na"], 2, "not applicable needs a reason"),
        (["answer", "abc", "pilot.kpi", "2"], 2, "a workshop id is a whole number"),
        (["answer", "1", "pilot.kpi"], 2, "Missing argument 'LEVEL'"),
        (["answer", "1", "pilot.kpi", "2", "--confidence", "total"], 2, "'total' is not one of 'low', 'medium', 'high'"),
        (["vote", "1", "pilot.kpi", "Zed", "2"], 1, "no participant 'Zed'"),
        (["vote", "1", "pilot.kpi", "Bo", "2"], 1, "no vote is open on 'pilot.kpi'"),
        (["reveal", "1"], 1, "no vote is open to reveal"),
        (["vote", "1", "pilot.kpi", "Bo", "9"], 2, "level must be 0-4"),
        (["decide", "1", "pilot.nope", "accepted"], 1, "no action 'pilot.nope'"),
        (["target", "1", "pilot.kpi", "9"], 2, "a target is 1-4 or 'default'"),
        (["new", "--org", "A", "--initiative", "B"], 2, "Missing option '--facilitator'"),
        (["new", "--org", " ", "--initiative", "B", "--facilitator", "C"], 2, "organisation"),
        (["new", "--org", "A", "--initiative", "B", "--facilitator", "C", "--sets", "pilot,nope"], 1,
         "unknown question set 'nope'"),
        (["show", "5"], 1, "no workshop with id 5"),
        (["questions", "--set", "nope"], 2, "unknown question set 'nope'"),
        (["frobnicate"], 2, "No such command 'frobnicate'"),
    ],
)
def test_bad_input_is_one_line_with_an_exit_status(db_path, workshop_id, args, status, fragment):
    assert_one_line_error(cli(*args, db=db_path), status, fragment)


@pytest.mark.parametrize(
    ("args", "status", "fragment"),
    [
        (["answer", "1", "pilot.kpi", "7"], 2, "level must be 0-4"),
        (["show", "5"], 1, "no workshop with id 5"),
        (["frobnicate"], 2, "No such command 'frobnicate'"),
    ],
)
def test_errors_reach_the_shell_as_one_line_and_a_status(db_path, workshop_id, args, status, fragment):
    """The same errors through a real process: what a script calling `workshop` sees."""
    assert_one_line_error(cli_process(*args, db=db_path), status, fragment)


def test_foreign_database_file_is_refused_untouched(tmp_path):
    png = tmp_path / "holiday.db"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    before = png.read_bytes()
    assert_one_line_error(run_cli("--db", str(png), "list"), 1, "not a workshop database")
    assert png.read_bytes() == before


def test_db_option_and_environment_variable_choose_the_file(tmp_path):
    env_db = tmp_path / "from-env.db"
    option_db = tmp_path / "from-option.db"
    run_cli("--questionnaires", str(FIXTURE_SETS), "--db", str(option_db), "new", "--org", "A", "--initiative", "B",
            "--facilitator", "C", "--sets", "pilot", db=env_db)
    assert option_db.exists() and not env_db.exists()
    run_cli("--questionnaires", str(FIXTURE_SETS), "new", "--org", "A", "--initiative", "B", "--facilitator", "C",
            "--sets", "pilot", db=env_db)
    assert env_db.exists()


def test_validate_builtin_sets_pass():
    result = run_cli("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("ok: 5 file(s), 5 set(s)")


def test_validate_reports_every_problem_and_exits_1(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text((FIXTURE_SETS / "pilot.toml").read_text().replace("weight = 3", "weight = 9")
                   .replace('depends_on = ["pilot.kpi.define"]', 'depends_on = ["ghost"]', 1))
    broken = tmp_path / "broken.toml"
    broken.write_text("id = [\n")
    result = run_cli("validate", str(bad), str(broken))
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert any(line.startswith(f"{bad}:") and "pilot.kpi: weight:" in line for line in lines)
    assert any(line.startswith(f"{broken}:") and "not valid TOML" in line for line in lines)
    assert "Traceback" not in result.stderr


def test_user_questionnaire_folder_is_loaded_beside_the_builtin_sets(tmp_path):
    user_dir = tmp_path / "mine"
    user_dir.mkdir()
    (user_dir / "ops.toml").write_text((FIXTURE_SETS / "ops.toml").read_text())
    (user_dir / "pilot.toml").write_text((FIXTURE_SETS / "pilot.toml").read_text())
    result = run_cli("questions", "--json", env={"WORKSHOP_QUESTIONNAIRES": str(user_dir)})
    sets = {row["set"] for row in json.loads(result.stdout)}
    assert sets == {"business", "technical", "organizational", "risk", "genai", "pilot", "ops"}


def test_a_broken_user_set_is_named_in_one_line(tmp_path, db_path):
    user_dir = tmp_path / "mine"
    user_dir.mkdir()
    (user_dir / "mine.toml").write_text("id = 'x'\n")
    result = run_cli("questions", env={"WORKSHOP_QUESTIONNAIRES": str(user_dir)})
    assert_one_line_error(result, 1, "mine.toml")


def test_export_writes_the_participants_markdown_by_default(tmp_path, db_path, workshop_id):
    cli("answer", workshop_id, "pilot.kpi", "1", "--private-note", "CFO is sceptical", "--note", "a | b", db=db_path)
    result = run_cli("--questionnaires", str(FIXTURE_SETS), "export", workshop_id, db=db_path, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    path = tmp_path / "exports" / "2026-11-20-acme-claims-triage-w1-participants.md"
    assert result.stdout.strip() == str(path)
    text = path.read_text()
    assert "Not ready" in text and "a \\| b" in text
    assert "CFO is sceptical" not in text


@pytest.mark.parametrize("fmt", ["md", "html", "json", "csv"])
def test_export_formats_for_the_facilitator_include_private_notes(tmp_path, db_path, workshop_id, fmt):
    cli("answer", workshop_id, "pilot.kpi", "1", "--private-note", "CFO is sceptical", db=db_path)
    out = tmp_path / f"report.{fmt}"
    result = cli("export", workshop_id, "--audience", "facilitator", "--format", fmt, "--out", str(out), db=db_path)
    assert result.returncode == 0, result.stderr
    assert "CFO is sceptical" in out.read_text(encoding="utf-8-sig")


def test_export_to_a_missing_folder_is_one_line_and_exit_1(tmp_path, db_path, workshop_id):
    result = cli("export", workshop_id, "--out", str(tmp_path / "nowhere" / "r.md"), db=db_path)
    assert_one_line_error(result, 1, "output folder does not exist")


def test_export_names_are_safe_whatever_the_organisation_is_called(tmp_path, db_path):
    created = cli("new", "--org", "../../etc/passwd", "--initiative", "a/b\\c\x07 <x>", "--facilitator", "F",
                  "--sets", "pilot", "--date", "2026-11-20", db=db_path)
    result = cli("export", created.stdout.strip(), "--out", str(tmp_path), db=db_path)
    written = __import__("pathlib").Path(result.stdout.strip())
    assert written.parent == tmp_path and written.exists()
    assert ".." not in written.name and "/" not in written.name and "\x07" not in written.name


def test_compare_shows_progress_since_the_earlier_workshop(db_path, workshop_id):
    cli("answer", workshop_id, "pilot.kpi", "1", db=db_path)
    later = cli("new", "--org", "acme", "--initiative", "claims triage", "--facilitator", "Ann", "--sets",
                "pilot,ops", "--date", "2026-12-20", db=db_path).stdout.strip()
    cli("answer", later, "pilot.kpi", "3", db=db_path)
    shown = cli("compare", later, db=db_path)  # finds the earlier workshop on the same initiative
    assert shown.returncode == 0, shown.stderr
    assert "2026-11-20 → 2026-12-20" in shown.stdout and "improved" in shown.stdout
    data = json.loads(cli("compare", workshop_id, later, "--json", db=db_path).stdout)
    kpi = next(q for q in data["questions"] if q["question_id"] == "pilot.kpi")
    assert (kpi["before_level"], kpi["after_level"], kpi["change"], kpi["progress"]) == (1, 3, "improved", 1.0)


def test_compare_without_an_earlier_workshop_is_a_data_error(db_path, workshop_id):
    assert_one_line_error(cli("compare", workshop_id, db=db_path), 1, "no earlier workshop")


def test_export_to_a_missing_folder_named_with_a_slash_is_refused(tmp_path, db_path, workshop_id):
    result = cli("export", workshop_id, "--out", f"{tmp_path}/reports/", db=db_path)
    assert_one_line_error(result, 1, "output folder does not exist")
    assert not (tmp_path / "reports").exists()


def test_export_of_a_reassessed_initiative_shows_what_changed(tmp_path, db_path, workshop_id):
    cli("answer", workshop_id, "pilot.kpi", "1", db=db_path)
    later = cli("new", "--org", "Acme", "--initiative", "Claims triage", "--facilitator", "Ann", "--sets",
                "pilot,ops", "--date", "2026-12-20", db=db_path).stdout.strip()
    cli("answer", later, "pilot.kpi", "3", db=db_path)
    markdown = tmp_path / "later.md"
    cli("export", later, "--out", str(markdown), db=db_path)
    text = markdown.read_text()
    assert "## Since the workshop of 2026-11-20 (workshop 1)" in text
    assert "### Sets" in text and "improved" in text
    data = json.loads(cli("export", later, "--format", "json", "--out", str(tmp_path / "l.json"), db=db_path)
                      and (tmp_path / "l.json").read_text())
    assert data["reassessment"]["before_date"] == "2026-11-20"
    first = tmp_path / "first.md"
    cli("export", workshop_id, "--out", str(first), db=db_path)
    assert "Since the last workshop" not in first.read_text()


def test_opening_the_app_on_a_damaged_or_foreign_file_fails_in_one_line_before_any_screen(tmp_path):
    png = tmp_path / "photo.db"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    assert_one_line_error(run_cli("--db", str(png)), 1, "not a workshop database")
    broken_sets = tmp_path / "sets"
    broken_sets.mkdir()
    (broken_sets / "mine.toml").write_text("id = [")
    result = run_cli("--questionnaires", str(broken_sets), db=tmp_path / "w.db")
    assert_one_line_error(result, 1, "mine.toml")


def test_export_since_chooses_the_workshop_compared_with_or_none(tmp_path, db_path, workshop_id):
    later = cli("new", "--org", "Acme", "--initiative", "Claims triage", "--facilitator", "Ann", "--sets",
                "pilot,ops", "--date", "2026-12-20", db=db_path).stdout.strip()
    none = tmp_path / "none.md"
    assert cli("export", later, "--since", "none", "--out", str(none), db=db_path).returncode == 0
    assert "Since the workshop" not in none.read_text()
    chosen = tmp_path / "chosen.md"
    assert cli("export", later, "--since", workshop_id, "--out", str(chosen), db=db_path).returncode == 0
    assert f"(workshop {workshop_id})" in chosen.read_text()
    assert_one_line_error(cli("export", later, "--since", "99", db=db_path), 1, "99")
    assert_one_line_error(cli("export", later, "--since", "latest", db=db_path), 2, "--since takes a workshop id")


def test_reading_commands_never_create_a_database_and_say_it_is_not_there(tmp_path):
    missing = tmp_path / "moved-away.db"  # a file never made, or moved or deleted since
    listed = cli("list", db=missing)
    assert (listed.returncode, listed.stdout) == (
        0, f"No workshops: there is no database at {missing}. Start one with: workshop new --org ORG "
           "--initiative NAME --facilitator NAME\n")
    assert cli("list", "--json", db=missing).stdout == "[]\n"
    for args in (["show", "1"], ["export", "1", "--out", str(tmp_path)], ["compare", "1", "2"],
                 ["backup", str(tmp_path / "copy.db")]):
        refused = cli(*args, db=missing)
        assert (refused.returncode, refused.stderr) == (
            1, f"workshop: error: there is no database at {missing} (`workshop new` or the app creates one)\n"), args
    assert list(tmp_path.iterdir()) == []  # nothing was created, anywhere
