"""The built-in question sets: complete enough to run a real workshop with nothing else.

Four sets run by default; the fifth, `genai` (generative AI and regulation), is offered but opt-in.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from workshop.questionnaire import (
    BUILTIN_ORDER,
    DEFAULT_SETS,
    EU_AI_ACT_ARTICLES,
    ISO_42001_CONTROLS,
    ML_TEST_SCORE_AREAS,
    NIST_SUBCATEGORIES,
    Framework,
    Horizon,
    builtin_dir,
    load_paths,
    reference_problem,
)

from helpers import run_cli, run_main

SETS = ("business", "technical", "organizational", "risk", "genai")
DEFAULT = ("business", "technical", "organizational", "risk")

# Every topic issue 12 asks the genai set to cover, and the questions that cover it.
GENAI_TOPICS = {
    "evaluation set and measured error or hallucination rate against an agreed threshold": ["genai.eval.threshold"],
    "prompts and model versions pinned and regression-tested on every change": ["genai.change.pinned"],
    "prompt-injection and misuse testing (red-teaming)": ["genai.security.redteam"],
    "tools or data the model can reach": ["genai.security.reach"],
    "provider data-processing terms": ["genai.provider.terms"],
    "where prompts are processed and stored (residency)": ["genai.provider.residency"],
    "rights to outputs and licences": ["genai.provider.rights"],
    "exit plan if the provider changes price or terms": ["genai.provider.exit"],
    "cost per request at projected volume with a budget alert": ["genai.cost.unit"],
    "EU AI Act role (provider or deployer) and risk class recorded": ["genai.act.classify"],
    "people told when content is AI-generated": ["genai.act.disclosure"],
    "logs kept as required": ["genai.act.logs"],
    "staff AI literacy": ["genai.act.literacy"],
    "a model or system card for each release": ["genai.release.card"],
    "human review before output reaches customers": ["genai.oversight.review"],
    "a fallback when the provider is down": ["genai.run.fallback"],
    "notice, explanation and appeal for the people affected": ["genai.people.recourse"],
}
# Where a failure must block production, whatever the averages say.
GENAI_GATES = {"genai.eval.threshold", "genai.security.redteam", "genai.provider.terms", "genai.act.classify",
               "genai.oversight.review"}
# Actions whose owner is only there once appointed, and the appointment they must wait for.
APPOINTED_OWNERS = {"Business sponsor": "biz.sponsor.appoint", "Operations owner": "org.owner.appoint"}
# Where genai meets a question another set already asks: the set its guidance names as scoring the shared
# part, and an action of the other question that a genai action builds on instead of repeating it.
GENAI_OVERLAPS = {
    "genai.run.fallback": ("technical set", "tech.monitoring.fallback.design"),
    "genai.act.logs": ("risk set", "risk.audit.trail.log"),
    "genai.act.literacy": ("organizational set", "org.users.training.draft"),
    "genai.cost.unit": ("business set", "biz.cost.total.estimate"),
    "genai.provider.residency": ("risk set", "risk.harm.privacy.assess"),
    "genai.change.pinned": ("technical set", "tech.engineering.release.pipeline"),
    "genai.oversight.review": ("organizational set", "org.process.override.define"),
}
README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.fixture(scope="module")
def builtin():
    result = load_paths([builtin_dir()])
    assert [str(p) for p in result.problems] == []
    return result.bank


@pytest.fixture(scope="module")
def genai(builtin):
    qset = builtin.get_set("genai")
    assert qset is not None
    return qset


def test_the_five_sets_load_without_problems_in_the_walk_order(builtin):
    assert builtin.set_ids() == list(SETS)
    assert tuple(BUILTIN_ORDER) == SETS


@pytest.mark.parametrize("set_id", SETS)
def test_each_set_has_at_least_14_questions_and_a_gate(builtin, set_id):
    questions = list(builtin.get_set(set_id).questions())
    assert len(questions) >= 14
    assert any(q.gate for q in questions)


def test_sixty_or_more_questions_run_by_default(builtin):
    assert len(builtin.subset(DEFAULT_SETS).questions()) >= 60


def test_every_question_has_five_distinct_descriptors_and_an_action(builtin):
    for q in builtin.questions():
        assert len(q.levels) == 5 and all(text.strip() for text in q.levels), q.id
        assert len(set(q.levels)) == 5, q.id
        assert q.actions, q.id


def test_descriptors_are_specific_not_generic(builtin):
    generic = re.compile(r"^(poor|fair|good|very good|excellent|none|low|medium|high)\.?$", re.IGNORECASE)
    for q in builtin.questions():
        assert not any(generic.match(text.strip()) for text in q.levels), q.id


def test_prompts_are_one_question_read_in_one_breath(builtin):
    for q in builtin.questions():
        assert q.prompt.endswith("?"), q.id
        assert q.prompt.count("?") == 1, q.id
        assert len(q.prompt.split()) <= 35, (q.id, len(q.prompt.split()))


def test_guidance_is_one_to_three_sentences(builtin):
    for q in builtin.questions():
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", q.guidance.strip()) if s]
        assert 1 <= len(sentences) <= 3, (q.id, len(sentences))


def test_dependencies_exist_and_have_no_cycle(builtin):
    actions = builtin.actions()
    for _, action in actions.values():
        assert set(action.depends_on) <= set(actions), action.id
    state: dict[str, int] = {}

    def visit(aid: str) -> None:
        assert state.get(aid) != 1, f"cycle through {aid}"
        if state.get(aid) == 2:
            return
        state[aid] = 1
        for dep in actions[aid][1].depends_on:
            visit(dep)
        state[aid] = 2

    for aid in actions:
        visit(aid)


def test_the_gates_the_seeds_call_for(builtin):
    gates = {q.id for q in builtin.questions() if q.gate}
    for expected in ("biz.kpi.agreed", "biz.sponsor", "tech.data.sources", "org.owner",
                     "risk.backout.plan", "risk.compliance.signoff"):
        assert expected in gates


def test_actions_distinguish_nothing_exists_from_exists_but_untested(builtin):
    thresholds = {q.id: {a.applies_below for a in q.actions} for q in builtin.questions()}
    several = [qid for qid, values in thresholds.items() if len(values) > 1]
    assert len(several) >= 0.8 * len(thresholds)


# --- references to public frameworks ------------------------------------------------


def test_every_reference_in_the_builtin_files_names_something_that_exists():
    """Read the TOML itself, so a bad reference fails here even if the loader stopped checking."""
    checked = 0
    for path in sorted(builtin_dir().glob("*.toml")):
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        for section in raw["sections"]:
            for question in section["questions"]:
                for reference in question.get("references", []):
                    framework = Framework(reference["framework"])
                    assert reference_problem(framework, reference["ref"]) is None, (question["id"], reference)
                    checked += 1
    assert checked >= 40  # the genai set alone cites the frameworks over 40 times


def test_genai_cites_all_four_frameworks_on_nearly_every_question(genai):
    questions = list(genai.questions())
    cited = [q for q in questions if q.references]
    assert len(cited) >= 0.8 * len(questions)
    assert {r.framework for q in questions for r in q.references} == set(Framework)
    for q in questions:
        assert len({r.ref for r in q.references}) == len(q.references), f"{q.id} cites something twice"


def test_the_eu_ai_act_questions_cite_the_articles_they_apply(genai):
    cites = {q.id: {r.ref for r in q.references if r.framework is Framework.EU_AI_ACT} for q in genai.questions()}
    assert "Article 4" in cites["genai.act.literacy"]
    assert "Article 6" in cites["genai.act.classify"]
    assert {"Article 12(1)", "Article 26(6)"} <= cites["genai.act.logs"]
    assert "Article 14(4)" in cites["genai.oversight.review"]
    assert "Article 50(1)" in cites["genai.act.disclosure"]
    assert "Article 86(1)" in cites["genai.people.recourse"]


def test_framework_tables_match_the_published_frameworks():
    """NIST AI 100-1 has 72 subcategories, ISO/IEC 42001 Annex A 38 controls, the AI Act 113 articles,
    and the ML Test Score four areas of seven tests."""
    assert {fn: sum(counts) for fn, counts in NIST_SUBCATEGORIES.items()} == {
        "GOVERN": 19, "MAP": 18, "MEASURE": 22, "MANAGE": 13}
    assert reference_problem(Framework.NIST_AI_RMF, "MEASURE 2.13") is None
    assert reference_problem(Framework.NIST_AI_RMF, "GOVERN 1.8") is not None
    assert len(ISO_42001_CONTROLS) == 38
    assert {"A.5.2", "A.6.1.2", "A.6.2.8", "A.10.4"} <= ISO_42001_CONTROLS
    assert not {"A.2.1", "A.6.2.9", "A.10.5", "A.11.2"} & ISO_42001_CONTROLS
    assert EU_AI_ACT_ARTICLES == 113
    assert ML_TEST_SCORE_AREAS == ("Data", "Model", "Infra", "Monitor")
    assert reference_problem(Framework.ML_TEST_SCORE, "Monitor 7") is None
    assert reference_problem(Framework.ML_TEST_SCORE, "Monitor 8") is not None


# --- the genai set --------------------------------------------------------------------


def test_genai_covers_every_topic_of_the_issue(genai):
    ids = {q.id for q in genai.questions()}
    missing = {topic: qids for topic, qids in GENAI_TOPICS.items() if not set(qids) <= ids}
    assert missing == {}


def test_genai_blocks_production_where_a_failure_must(genai):
    gates = {q.id for q in genai.questions() if q.gate}
    assert gates == GENAI_GATES
    for q in genai.questions():
        if q.gate:
            assert q.weight == 3 and q.target >= 3, q.id


def test_genai_questions_that_can_be_not_applicable_say_when(genai):
    says_when = {q.id for q in genai.questions() if "answer not applicable" in q.guidance}
    # The EU AI Act questions for an organisation and a system outside the EU, among others.
    assert {"genai.act.classify", "genai.act.disclosure", "genai.oversight.review", "genai.people.recourse",
            "genai.security.reach", "genai.provider.terms", "genai.provider.residency"} <= says_when
    for qid in ("genai.act.classify", "genai.act.disclosure"):
        guidance = next(q.guidance for q in genai.questions() if q.id == qid)
        assert "not established in the EU" in guidance and "not used in the EU" in guidance, qid


def test_questions_of_the_four_sets_that_can_be_not_applicable_say_when(builtin):
    """Where a pilot can rightly have nothing to show (no earlier process to measure, no other AI
    initiative, no shared platform, no personal data...), the guidance says so and how to answer."""
    says_when = {q.id for q in builtin.subset(DEFAULT).questions()
                 if re.search(r"(answer|mark the question) not applicable", q.guidance)}
    assert says_when == {"biz.baseline.measured", "biz.portfolio.priority", "tech.integration.workflow",
                         "org.scale.platform", "risk.harm.fairness", "risk.harm.privacy", "risk.compliance.signoff"}


def test_no_figure_is_pinned_on_a_named_firm(builtin):
    """The seeds' draft chapter names firms beside figures it does not source; the sets cite such a
    figure as "one industry report" (hedged), never as a firm's finding."""
    firms = re.compile(r"\b(Gartner|BCG|Boston Consulting|Forrester|Deloitte|PwC|McKinsey|IDC|Accenture|"
                       r"RAND|MIT|Capgemini|KPMG|EY)\b")
    for q in builtin.questions():
        for text in (q.prompt, q.guidance, *q.levels, *(a.detail for a in q.actions)):
            assert not firms.search(text), q.id


def test_readme_names_every_built_in_set():
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    section = readme.split("## Question sets", 1)[1].split("\n## ", 1)[0]
    assert all(f"**{set_id}**" in section for set_id in BUILTIN_ORDER)


def test_actions_needed_for_the_target_come_before_go_live(builtin):
    """In every set: a plan followed to the letter can reach the target before go-live."""
    for q in builtin.questions():
        for action in q.actions:
            if action.applies_below <= q.target:
                assert action.horizon is Horizon.BEFORE_GO_LIVE, action.id


def test_genai_says_what_it_adds_where_another_set_already_asks(builtin, genai):
    """The same evidence is not scored twice: the guidance names the set that scores the shared part, and
    the genai work builds on that set's action instead of repeating it."""
    questions = {q.id: q for q in genai.questions()}
    actions = builtin.actions()
    for qid, (other_set, other_action) in GENAI_OVERLAPS.items():
        assert f"{other_set}" in questions[qid].guidance, qid
        assert other_action in actions, other_action
        assert any(other_action in a.depends_on for a in questions[qid].actions), (qid, other_action)


def test_genai_data_and_evaluation_work_is_not_rated_small(genai):
    efforts = {a.id: a.effort.value for q in genai.questions() for a in q.actions}
    assert efforts["genai.eval.threshold.build"] == "L"
    assert "L" in set(efforts.values()) and "M" in set(efforts.values())


# --- owners ----------------------------------------------------------------------------


def test_sponsor_and_operations_owner_work_waits_for_their_appointment(builtin):
    """Over the whole bank, not only genai. The dependency must be direct: the action plan drops a dependency
    that is not recommended and does not follow it further, so a chain through another action would let the
    work rank ahead of the appointment whenever that action is already done."""
    actions = builtin.actions()
    owned = 0
    for aid, (_, action) in actions.items():
        appointment = APPOINTED_OWNERS.get(action.owner)
        if appointment and aid != appointment:
            assert appointment in action.depends_on, f"{aid} ({action.owner}) must depend on {appointment}"
            owned += 1
    assert owned >= 45
    assert actions["org.owner.appoint"][1].owner == "Business sponsor"
    assert "biz.sponsor.appoint" in actions["org.owner.appoint"][1].depends_on


def _readme_roles() -> dict[str, str]:
    """The roles README's "Who owns an action" table defines, with their definitions."""
    text = README.read_text(encoding="utf-8")
    section = text.split("### Who owns an action", 1)[1].split("\n#", 1)[0]
    rows = [line.split("|")[1:-1] for line in section.splitlines() if line.startswith("| ")]
    return {cells[0].strip(): cells[1].strip() for cells in rows[1:]
            if len(cells) == 2 and not set(cells[0].strip()) <= {"-"}}


def test_every_owner_is_one_of_the_roles_readme_defines(builtin):
    roles = _readme_roles()
    owners = {action.owner for _, action in builtin.actions().values()}
    assert owners - set(roles) == set(), "owners README does not define"
    assert set(roles) - owners == set(), "roles README defines that no action uses"
    assert all(len(definition) > 20 for definition in roles.values())
    # The three people the sets keep returning to are defined, and no synonym of them is used.
    assert {"Business sponsor", "Process owner", "Operations owner"} <= set(roles)
    texts = " ".join(f"{q.prompt} {q.guidance} {' '.join(q.levels)} {a.title} {a.detail}"
                     for q in builtin.questions() for a in q.actions)
    for synonym in ("operational owner", "business owner", "model owner"):
        assert synonym not in texts.lower(), synonym


def test_the_staff_concern_route_has_a_home(builtin):
    """ISO/IEC 42001 A.3.3 (reporting of concerns) was the audit's gap with no question."""
    cited = {q.id for q in builtin.questions() for r in q.references if r.ref == "A.3.3"}
    assert cited == {"risk.concerns.channel"}


# --- default and opt-in ----------------------------------------------------------------


def test_the_four_sets_stay_the_default_and_genai_is_opt_in():
    assert DEFAULT_SETS == DEFAULT
    assert "genai" not in DEFAULT_SETS
    assert "genai" in BUILTIN_ORDER


def _new_workshop(db, *extra) -> tuple[tuple[str, ...], int]:
    """Create a workshop from the command line; return its sets and its number of questions."""
    result = run_main("new", "--org", "Acme", "--initiative", "Claims assistant", "--facilitator", "Ann",
                      "--date", "2026-11-24", *extra, db=db)
    assert result.returncode == 0, result.stderr
    shown = json.loads(run_main("show", result.stdout.strip(), "--json", db=db).stdout)
    (listed,) = json.loads(run_main("list", "--json", db=db).stdout)
    return tuple(shown["sets"]), listed["total"]


def test_a_new_workshop_runs_the_four_sets_unless_genai_is_chosen(tmp_path, builtin):
    sets, total = _new_workshop(tmp_path / "plain.db")
    assert sets == DEFAULT
    assert total == len(builtin.subset(DEFAULT).questions())

    sets, total = _new_workshop(tmp_path / "chosen.db", "--sets", "business,technical,organizational,risk,genai")
    assert sets == SETS
    assert total == len(builtin.questions())


def test_questions_lists_the_genai_set_on_request():
    result = run_cli("questions", "--set", "genai", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {r["set"] for r in rows} == {"genai"}
    assert {r["id"] for r in rows if r["gate"]} == GENAI_GATES
