"""HTML, JSON and CSV exports."""

from __future__ import annotations

import csv
import io
import json

import pytest

from workshop.analysis import analyse
from workshop.export import FORMAT, VERSION, render, render_csv, render_html, render_json
from workshop.export.html import renderer, svg_chart
from workshop.session import Confidence

from factories import accepted, answer, make_session

PRIVATE = "PRIVATE-MARKER-2b9"


@pytest.fixture
def session():
    return make_session(
        answers={
            "a.gate": answer("a.gate", 1, confidence=Confidence.LOW, private_note=PRIVATE, flagged=True),
            "a.plain": answer("a.plain", "unknown"),
            "a.two": answer("a.two", 2, note="See the runbook"),
            "b.tool": answer("b.tool", 3),
            "b.risk": answer("b.risk", "na", reason="No personal data"),
        },
        votes={"a.two": {1: 0, 2: 3}},
        decisions={"a.gate.fix": accepted("a.gate.fix")},
    )


def test_html_is_standalone_and_printable(session):
    html = render_html(session, analyse(session))
    assert html.startswith("<!DOCTYPE html>")
    assert "<style>" in html and "@media print" in html
    assert "<svg" in html and "</svg>" in html
    assert "<link" not in html and "<script" not in html and "src=" not in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<table>" in html
    assert html.index("Verdict: Not ready") < html.index("Scores per set")
    assert "```" not in html and "[####" not in html  # the text chart becomes the SVG one
    assert PRIVATE not in html
    assert PRIVATE in render_html(session, analyse(session), "facilitator")


def test_svg_chart_has_one_bar_per_set_and_the_index(session):
    svg = svg_chart(analyse(session))
    assert svg.count("<rect") == 3  # alpha, beta, readiness index
    assert ">Alpha<" in svg and ">Readiness index<" in svg
    assert svg.count("target ") == 2


def test_renderer_refuses_javascript_links():
    md = renderer()
    assert 'href="javascript' not in md.render("[x](javascript:alert(1)) [y](JaVaScRiPt:alert(1))")
    assert 'href="data:' not in md.render("[x](data:text/html;base64,PHNjcmlwdD4=)")
    assert 'href="https://example.org"' in md.render("[ok](https://example.org)")
    assert "<b>" not in md.render("<b>raw</b>")


def test_json_shape(session):
    document = json.loads(render_json(session, analyse(session)))
    assert (document["format"], document["version"], document["audience"]) == (FORMAT, VERSION, "participants")
    assert FORMAT == "workshop-export" and VERSION == 2
    assert set(document) == {"format", "version", "audience", "session", "questionnaire", "answers",
                             "decisions", "target_changes", "analysis", "reassessment"}
    assert document["reassessment"] is None  # no earlier workshop given
    analysis = document["analysis"]
    assert analysis["verdict"]["status"] == "not-ready"
    assert analysis["verdict"]["blockers"] == ["a.gate"]
    assert analysis["readiness_index"] == pytest.approx((100 * 7 / 24 + 75) / 2)
    assert [a["id"] for a in analysis["actions"]] == ["a.gate.fix", "a.two.act", "a.gate.prove", "a.plain.doc"]
    first = analysis["actions"][0]
    assert (first["number"], first["rank"], first["status"], first["owner"], first["owner_role"]) == (
        1, 1, "accepted", "Jo", "Business sponsor")
    assert first["decision"]["owner_name"] == "Jo"
    assert first["verify_first"] is True
    assert analysis["not_applicable"] == [{"question_id": "b.risk", "reason": "No personal data"}]
    # who voted what stays with the facilitator: the room gets the distribution
    (divergence,) = analysis["divergences"]
    assert divergence["distribution"] == {"0": 1, "3": 1} and divergence["dont_know"] == 0
    assert "votes" not in divergence
    assert "Ann" not in json.dumps(analysis)
    assert analysis["verdict"]["summary"].startswith("Not ready: 1 gate question is under target")
    assert "rejected_actions" not in analysis and analysis["met_actions"] == []
    assert document["decisions"][0]["due_date"] == "2026-12-01"
    answers = {a["question_id"]: a for a in document["answers"]}
    assert "private_note" not in answers["a.gate"] and "flagged" not in answers["a.gate"]
    assert PRIVATE not in json.dumps(document)


def test_json_for_the_facilitator(session):
    document = json.loads(render_json(session, analyse(session), "facilitator"))
    answers = {a["question_id"]: a for a in document["answers"]}
    assert answers["a.gate"]["private_note"] == PRIVATE
    assert answers["a.gate"]["flagged"] is True
    assert document["history"] == []
    assert document["votes"][0] == {"question_id": "a.two", "participant_id": 1, "participant": "Ann", "level": 0}
    (divergence,) = document["analysis"]["divergences"]
    assert [v["participant"] for v in divergence["votes"]] == ["Ann", "Bob"]
    assert document["analysis"]["rejected_actions"] == []


def test_csv_rows(session):
    text = render_csv(session, analyse(session))
    rows = list(csv.DictReader(io.StringIO(text)))
    answers = [r for r in rows if r["kind"] == "answer"]
    actions = [r for r in rows if r["kind"] == "action"]
    assert [r["question_id"] for r in answers] == ["a.gate", "a.plain", "a.two", "b.tool", "b.risk"]
    assert [r["action_id"] for r in actions] == ["a.gate.fix", "a.two.act", "a.gate.prove", "a.plain.doc"]
    gate = answers[0]
    assert (gate["level"], gate["target"], gate["gap"], gate["gate"], gate["confidence"]) == ("1", "3", "2", "yes",
                                                                                               "low")
    assert answers[4]["level"] == "" and answers[4]["reason"] == "No personal data"
    fix = actions[0]
    assert (fix["rank"], fix["number"], fix["priority"], fix["decision"], fix["owner"]) == (
        "1", "1", "12.0", "accepted", "Jo")
    assert (fix["owner_role"], fix["action_status"]) == ("Business sponsor", "accepted")
    assert fix["triggered_by"] == "a.gate"
    assert "private_note" not in rows[0]
    assert PRIVATE not in text
    facilitator = list(csv.DictReader(io.StringIO(render_csv(session, analyse(session), "facilitator"))))
    assert facilitator[0]["private_note"] == PRIVATE


def test_render_dispatches_on_format(session):
    analysis = analyse(session)
    assert render(session, analysis, "participants", "md").startswith("# Readiness workshop")
    assert render(session, analysis, "participants", "html").startswith("<!DOCTYPE html>")
    assert json.loads(render(session, analysis, "facilitator", "json"))["audience"] == "facilitator"
    assert render(session, analysis, "participants", "csv").startswith("kind,")
    with pytest.raises(ValueError):
        render(session, analysis, "participants", "pdf")
