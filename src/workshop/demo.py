"""A demo workshop, so a facilitator can try the app on an empty database."""

from __future__ import annotations

import datetime as dt

from workshop.questionnaire import DEFAULT_SETS, QuestionBank
from workshop.session import ActionDecision, AnswerChange, NewSession, Participant
from workshop.store import Store

DEMO_PARTICIPANTS = (
    Participant(name="Priya Shah", role="Claims operations lead"),
    Participant(name="Tom Berger", role="Data engineering"),
    Participant(name="Lena Fischer", role="Compliance"),
)

# A pilot that works technically and has a keen sponsor, but no back-out plan,
# untested integration and a room that disagrees about data quality.
_LEVELS = {
    "biz.kpi.agreed": "3", "biz.sponsor": "3", "biz.problem.defined": "4", "biz.baseline.measured": "1",
    "biz.results.kpi": "2", "biz.cost.total": "unknown", "tech.data.sources": "2", "tech.data.quality": "2",
    "tech.data.pipeline": "1", "tech.integration.systems": "1", "tech.monitoring.health": "0",
    "org.owner": "1", "org.users.training": "2", "risk.backout.plan": "0", "risk.harm.worstcase": "2",
}


def create_demo(store: Store, bank: QuestionBank, today: dt.date | None = None) -> int:
    """Create the demo workshop and return its id (questions missing from `bank` are skipped)."""
    sets = tuple(s for s in DEFAULT_SETS if bank.get_set(s))
    session_id = store.create_session(
        NewSession(
            organisation="Northwind Insurance (demo)",
            initiative="Claims triage assistant",
            facilitator="Demo facilitator",
            date=today or dt.date.today(),
            participants=DEMO_PARTICIPANTS,
            sets=sets or tuple(bank.set_ids()[:1]),
            time_boxes={s: 40 for s in sets},
        ),
        bank,
    )
    snapshot = store.bank(session_id)
    for question_id, level in _LEVELS.items():
        if snapshot.question(question_id):
            store.record_answer(session_id, question_id, AnswerChange.from_level_text(level))
    if snapshot.question("tech.data.quality"):
        store.open_round(session_id, "tech.data.quality")
        for participant, level in zip(store.load_session(session_id).participants, (1, 2, 4), strict=True):
            store.record_vote(session_id, "tech.data.quality", participant.id, level)
        store.reveal_round(session_id, "tech.data.quality")
        store.settle_round(session_id, "tech.data.quality", AnswerChange(
            reason="Claims data is clean; policy data has gaps nobody has measured.",
            note="Profile the policy data before go-live.", confidence="low", flagged=True,
        ))
    if snapshot.question("risk.backout.plan"):
        store.record_answer(session_id, "risk.backout.plan", AnswerChange(
            private_note="Ops lead was defensive here; raise it with the sponsor one-to-one.",
        ))
    if "risk.backout.plan.write" in snapshot.actions():
        store.decide(session_id, ActionDecision(action_id="risk.backout.plan.write", decision="accepted",
                                                owner_name="Priya Shah",
                                                due_date=(today or dt.date.today()) + dt.timedelta(days=14)))
    return session_id
