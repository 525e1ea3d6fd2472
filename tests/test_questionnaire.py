"""The question set format: loading, and `validate` reporting every problem in one line."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

from workshop.questionnaire import builtin_dir, load_paths

from helpers import FIXTURE_SETS

VALID = (FIXTURE_SETS / "pilot.toml").read_text()
REFERENCES = 'references = [{ framework = "nist-ai-rmf", ref = "MAP 1.3" }]\n'


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def problems_for(*paths: Path) -> list[str]:
    return [str(p) for p in load_paths(list(paths)).problems]


def test_fixture_sets_load_with_questions_in_file_order(bank):
    assert bank.set_ids() == ["ops", "pilot"]
    assert [q.id for q in bank.get_set("pilot").questions()] == ["pilot.kpi", "pilot.baseline", "pilot.sponsor"]
    located = bank.locate("pilot.sponsor")
    assert (located.set.id, located.section.title) == ("pilot", "People")


def test_builtin_folder_is_found_from_a_checkout_or_the_wheel():
    assert any(builtin_dir().glob("*.toml"))


def test_toml_syntax_error_names_file_and_line(tmp_path):
    path = write(tmp_path, "broken.toml", 'id = "x"\ntitle = "X"\nversion = \n')
    [problem] = problems_for(path)
    assert problem.startswith(f"{path}:3: not valid TOML")


def test_schema_problems_name_question_field_and_line(tmp_path):
    text = VALID.replace("weight = 3", "weight = 5", 1).replace('target = 3\ngate = true\n\n[[sections.questions.actions]]\nid = "pilot.kpi.define"', 'target = 0\ngate = true\n\n[[sections.questions.actions]]\nid = "pilot.kpi.define"', 1)
    path = write(tmp_path, "bad.toml", text)
    found = problems_for(path)
    line = text.splitlines().index('id = "pilot.kpi"') + 1
    assert f"{path}:{line}: pilot.kpi: weight: Input should be less than or equal to 3" in found
    assert f"{path}:{line}: pilot.kpi: target: Input should be greater than or equal to 1" in found


def test_missing_level_descriptor_is_reported(tmp_path):
    text = VALID.replace('"Tracked continuously."]', "]")
    found = problems_for(write(tmp_path, "four.toml", text))
    assert any("pilot.baseline: levels: needs exactly 5 level descriptors (0-4), found 4" in p for p in found)


def test_repeated_level_descriptors_are_reported(tmp_path):
    text = VALID.replace('"Estimated."', '"No baseline."')
    found = problems_for(write(tmp_path, "same.toml", text))
    assert any("pilot.baseline: levels: level descriptors must differ" in p for p in found)


def test_unknown_field_and_missing_field(tmp_path):
    text = VALID.replace('effort = "M"', 'effort = "M"\ncolour = "red"').replace('owner = "Sponsor"\n', "")
    found = problems_for(write(tmp_path, "fields.toml", text))
    assert any("pilot.baseline.measure: colour: unknown field" in p for p in found)
    assert any("pilot.kpi.define: owner: required field is missing" in p for p in found)


def test_bad_effort_and_horizon(tmp_path):
    text = VALID.replace('effort = "M"', 'effort = "XL"').replace('horizon = "before-go-live"\napplies_below = 3\n\n[[sections]]', 'horizon = "someday"\napplies_below = 3\n\n[[sections]]')
    found = problems_for(write(tmp_path, "enum.toml", text))
    assert any("pilot.baseline.measure: effort:" in p for p in found)


def test_ids_must_be_unique_across_files(tmp_path):
    first = write(tmp_path, "a.toml", VALID)
    second = write(tmp_path, "b.toml", VALID.replace('id = "pilot"', 'id = "pilot2"', 1))
    found = problems_for(first, second)
    assert any(p.startswith(f"{second}:") and "pilot.kpi: id: id is not unique (already used in" in p for p in found)


def test_depends_on_must_name_an_existing_action(tmp_path):
    text = VALID.replace('depends_on = ["pilot.kpi.define"]', 'depends_on = ["pilot.nope"]', 1)
    found = problems_for(write(tmp_path, "dep.toml", text))
    assert any("pilot.kpi.signoff: depends_on: depends on unknown action 'pilot.nope'" in p for p in found)


def test_dependency_cycle_is_reported(tmp_path):
    text = VALID.replace(
        'applies_below = 2\n', 'applies_below = 2\ndepends_on = ["pilot.baseline.measure"]\n', 1
    )
    found = problems_for(write(tmp_path, "cycle.toml", text))
    assert any("depends_on: dependency cycle: pilot.kpi.define -> pilot.baseline.measure -> pilot.kpi.define" in p
               for p in found), found


def test_a_question_needs_at_least_one_action(tmp_path):
    text = textwrap.dedent('''
        id = "tiny"
        title = "Tiny"
        version = "1"
        [[sections]]
        id = "tiny.s"
        title = "S"
        [[sections.questions]]
        id = "tiny.q"
        prompt = "Q?"
        guidance = "G."
        levels = ["a", "b", "c", "d", "e"]
        weight = 1
        target = 2
        actions = []
    ''')
    found = problems_for(write(tmp_path, "tiny.toml", text))
    assert any("tiny.q: actions:" in p for p in found)


def test_files_with_problems_are_kept_out_of_the_bank(tmp_path):
    good = write(tmp_path, "good.toml", VALID)
    bad = write(tmp_path, "bad.toml", "not toml at all [")
    result = load_paths([good, bad])
    assert result.bank.set_ids() == ["pilot"]
    assert len(result.problems) == 1


def test_unreadable_and_missing_files_are_problems_not_crashes(tmp_path):
    binary = tmp_path / "image.toml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    found = problems_for(binary, tmp_path / "absent.toml")
    assert found == [f"{binary}: cannot read file: not UTF-8 text", f"{tmp_path / 'absent.toml'}: no such file"]


def test_only_regular_files_are_read_so_a_fifo_or_a_device_never_hangs_or_fills_memory(tmp_path):
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.toml"
    zero.symlink_to("/dev/zero")
    found = problems_for(tmp_path)  # the folder expands to both
    assert found == [f"{fifo}: cannot read file: not a regular file", f"{zero}: cannot read file: not a regular file"]


def test_a_huge_file_is_refused_and_a_bom_is_accepted(tmp_path):
    huge = tmp_path / "huge.toml"
    huge.write_bytes(b"# padding\n" * 300_000)
    assert problems_for(huge) == [f"{huge}: cannot read file: larger than 2 MB"]
    bom = tmp_path / "bom.toml"
    bom.write_bytes(b"\xef\xbb\xbf" + VALID.encode())
    assert load_paths([bom]).bank.set_ids() == ["pilot"]


def test_deeply_nested_toml_is_a_problem_not_a_crash(tmp_path):
    nested = tmp_path / "nested.toml"
    nested.write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    [problem] = problems_for(nested)
    assert problem.startswith(f"{nested}: ") and "nested too deeply" in problem


def test_hostile_ids_cannot_break_one_line_per_problem(tmp_path):
    text = VALID.replace('id = "pilot.kpi"', 'id = "evil\\n\\u001b]0;pwned\\u0007"', 1)
    found = problems_for(write(tmp_path, "evil.toml", text))
    assert found and all("\n" not in p and "\x1b" not in p and "\x07" not in p for p in found)


def test_references_to_public_frameworks_load_and_read_as_labels(tmp_path):
    text = VALID.replace(
        REFERENCES,
        'references = [\n  { framework = "nist-ai-rmf", ref = "MEASURE 2.5" },\n'
        '  { framework = "iso-42001", ref = "A.6.2.4" },\n  { framework = "eu-ai-act", ref = "Article 14(4)" },\n'
        '  { framework = "ml-test-score", ref = "Monitor 1" },\n]\n',
        1,
    )
    result = load_paths([write(tmp_path, "refs.toml", text)])
    assert result.problems == []
    labels = [r.label for r in result.bank.question("pilot.kpi").references]
    assert labels == ["NIST AI RMF MEASURE 2.5", "ISO/IEC 42001 A.6.2.4", "EU AI Act Article 14(4)",
                      "ML Test Score Monitor 1"]


def test_references_that_name_nothing_are_reported_one_per_line(tmp_path):
    text = VALID.replace(
        REFERENCES,
        'references = [\n  { framework = "nist-ai-rmf", ref = "MEASURE 2.14" },\n'
        '  { framework = "nist-ai-rmf", ref = "Measure 2.5" },\n  { framework = "iso-42001", ref = "6.1.4" },\n'
        '  { framework = "eu-ai-act", ref = "Article 114" },\n  { framework = "ml-test-score", ref = "Monitor 8" },\n'
        '  { framework = "owasp-llm", ref = "LLM01" },\n]\n',
        1,
    )
    found = problems_for(write(tmp_path, "refs.toml", text))
    assert len(found) == 6
    assert all(": pilot.kpi: references." in p for p in found)
    assert any("NIST AI RMF has no subcategory MEASURE 2.14" in p for p in found)
    assert any("not an ISO/IEC 42001 Annex A control" in p for p in found)
    assert any("not an EU AI Act article" in p for p in found)
    assert any("not an ML Test Score test" in p for p in found)
    assert any("references.5.framework" in p for p in found)
