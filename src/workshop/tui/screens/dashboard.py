"""Dashboard: where the pilot stands, read from the analysis.

Scores per set as bars with the target marked, the readiness index and percent-to-target, the
verdict and its reasons, the blockers (gate questions under target) and the top of the action
plan. The analysis runs in a worker each time the screen is shown, so the dashboard is current
after answers change in the walk-through or decisions in the action plan.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Header, Static

from workshop import formatting as numbers
from workshop.analysis import Analysis, QuestionScore, RecommendedAction, VerdictStatus
from workshop.session import Decision, Session
from workshop.tui.safe import content, string
from workshop.tui.screens.analysed import AnalysedScreen
from workshop.tui.widgets.score_bars import Bar, ScoreBars

TOP_ACTIONS = 5
# The verdict's reasons begin with one sentence per blocker; the Blockers panel lists those
# questions with their set and level, so the verdict panel does not repeat them.
GATE_REASON_PREFIX = "Gate not met:"

VERDICT_CLASSES = {
    VerdictStatus.READY: "-ready",
    VerdictStatus.READY_WITH_CONDITIONS: "-conditions",
    VerdictStatus.NOT_READY: "-not-ready",
}


def decision_text(action: RecommendedAction) -> str:
    """'accepted · Priya Shah · due 2026-12-04', 'rejected' or 'not decided yet'."""
    decision = action.decision
    if decision is None:
        return "not decided yet"
    parts = [decision.decision.value]
    if decision.decision is Decision.ACCEPTED:
        if decision.owner_name:
            parts.append(decision.owner_name)
        if decision.due_date:
            parts.append(f"due {decision.due_date.isoformat()}")
    return " · ".join(parts)


def decision_style(action: RecommendedAction) -> str:
    if action.decision is None:
        return "$text-muted"
    return "$text-success" if action.decision.decision is Decision.ACCEPTED else "$text-error"


class DashboardScreen(AnalysedScreen):
    SCREEN_NAME = "dashboard"
    SUB_TITLE = "Dashboard"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (150, "-wide")]
    BINDINGS = [
        Binding("escape", "back", "Back", id="dashboard.back", tooltip="Back to the previous screen"),
        Binding(
            "a",
            "action_plan",
            "Action plan",
            id="dashboard.actions",
            tooltip="Accept or reject the ranked actions, name owners and due dates",
        ),
        Binding(
            "w",
            "export",
            "Export",
            id="dashboard.export",
            tooltip="Write the summary for participants or the facilitator",
        ),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="dashboard"), Vertical(id="panels"):
            with Vertical(id="verdict-panel", classes="panel") as panel:
                panel.border_title = "Verdict"
                with Horizontal(id="verdict-line"):
                    yield Static("…", id="verdict")
                    yield Static("Computing the analysis…", id="readiness")
                yield Vertical(id="reasons")
            with Vertical(id="scores-panel", classes="panel") as panel:
                panel.border_title = "Scores per set"
                yield ScoreBars(id="set-bars")
            with Vertical(id="blockers-panel", classes="panel") as panel:
                panel.border_title = "Blockers"
                yield Vertical(id="blockers")
            with Vertical(id="actions-panel", classes="panel") as panel:
                panel.border_title = "Top actions"
                yield Vertical(id="top-actions")
                yield Static(id="actions-more")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#dashboard").focus()

    # --- drawing ------------------------------------------------------------------

    def show_failure(self, message: str) -> None:
        self.query_one("#readiness", Static).update(Content.styled(message, "$text-error"))

    def show_session(self, session: Session) -> None:
        self.sub_title = string(f"Dashboard · {session.organisation} · {session.initiative}", 100)
        answered = f"{session.answered_count}/{session.total} answered"
        self.query_one("#scores-panel").border_subtitle = f"{answered} · 0-100 · ┃ target"

    def show_analysis(self, analysis: Analysis) -> None:
        self._show_verdict(analysis)
        self._show_scores(analysis)
        self._show_blockers(analysis)
        self._show_actions(analysis)

    def _show_verdict(self, analysis: Analysis) -> None:
        verdict = analysis.verdict
        label = self.query_one("#verdict", Static)
        label.update(f" {verdict.status.label.upper()} ")
        label.set_classes(VERDICT_CLASSES[verdict.status])
        weakest = analysis.weakest_set
        readiness = [
            ("Readiness ", "$text-muted"),
            (numbers.score(analysis.readiness_index), "bold"),
            ("/100", "$text-muted"),
            (" · ", "$text-muted"),
            (numbers.percent(analysis.percent_to_target), "bold"),
            (" to target", "$text-muted"),
        ]
        if weakest is not None:
            readiness += [
                (" · weakest set: ", "$text-muted"),
                (string(weakest.title, 40), "bold"),
                (f" ({numbers.score(weakest.score)})", ""),
            ]
        self.query_one("#readiness", Static).update(Content.assemble(*readiness))

        rows: list[Horizontal] = []
        blockers = len(verdict.blockers)
        if blockers:
            noun = "gate question is" if blockers == 1 else "gate questions are"
            rows.append(
                self._reason_row(
                    Content.assemble((f"{blockers} {noun} under target", "bold"), ": see Blockers."), "$text-error"
                )
            )
        for reason in verdict.reasons:
            if blockers and reason.startswith(GATE_REASON_PREFIX):
                continue
            rows.append(self._reason_row(content(reason)))
        container = self.query_one("#reasons", Vertical)
        with self.app.batch_update():
            container.remove_children()
            container.mount_all(rows)

    @staticmethod
    def _reason_row(text: Content, bullet_style: str = "$text-muted") -> Horizontal:
        return Horizontal(
            Static(Content.styled("•", bullet_style), classes="mark"), Static(text, classes="text"), classes="reason"
        )

    def _show_scores(self, analysis: Analysis) -> None:
        bars = []
        for s in analysis.sets:
            value_text = f"{numbers.score(s.score)} of {numbers.score(s.target_score)}"
            if s.percent_to_target is not None:
                value_text += f" · {numbers.percent(s.percent_to_target)}"
            note = f"weakest: {string(s.weakest.title, 40)}" if s.weakest is not None and s.score is not None else ""
            bars.append(Bar(string(s.title, 40), s.score, target=s.target_score, value_text=value_text, note=note))
        self.query_one("#set-bars", ScoreBars).bars = tuple(bars)

    def _show_blockers(self, analysis: Analysis) -> None:
        blockers = analysis.verdict.blockers
        panel = self.query_one("#blockers-panel")
        panel.border_title = f"Blockers: {len(blockers)}" if blockers else "Blockers"
        container = self.query_one("#blockers", Vertical)
        with self.app.batch_update():
            container.remove_children()
            if not blockers:
                container.mount(Static("No gate question is under its target.", classes="empty"))
                return
            container.mount_all(self._blocker_row(analysis, q) for q in blockers)

    def _blocker_row(self, analysis: Analysis, q: QuestionScore) -> Horizontal:
        set_score = analysis.set_score(q.set_id)
        body = Content.assemble(
            string(q.prompt),
            "\n",
            (string(set_score.title if set_score else q.set_id, 40), "$text-muted"),
            ("  ·  level ", "$text-muted"),
            (q.level_text, "bold"),
            (f"  ·  target {q.target}", "$text-muted"),
        )
        return Horizontal(Static("■", classes="mark"), Static(body, classes="prompt"), classes="blocker")

    def _show_actions(self, analysis: Analysis) -> None:
        actions = analysis.actions[:TOP_ACTIONS]
        container = self.query_one("#top-actions", Vertical)
        with self.app.batch_update():
            container.remove_children()
            if not actions:
                container.mount(
                    Static("No action needed: every answer is at or above its actions' thresholds.", classes="empty")
                )
            else:
                container.mount_all(self._action_row(a) for a in actions)
        more = self.query_one("#actions-more", Static)
        total = len(analysis.actions)
        if total > len(actions):
            more.update(
                Content.assemble(
                    (f"{total} actions in the plan. Press ", "$text-muted"),
                    ("a", "bold"),
                    (" to decide them.", "$text-muted"),
                )
            )
        else:
            more.update("")
        more.display = total > len(actions)

    def _action_row(self, action: RecommendedAction) -> Horizontal:
        meta = [string(action.owner, 40), f"effort {action.effort.value}", action.horizon.label.lower()]
        details = [(" · ".join(meta), "$text-muted"), ("  ·  ", "$text-muted")]
        details.append((string(decision_text(action), 120), decision_style(action)))
        if action.verify_first:
            details.append(("  ! verify first", "bold $text-warning"))
        body = Content.assemble((string(action.title, 200), "bold"), "\n", *details)
        return Horizontal(
            Static(str(action.rank), classes="rank"),
            Static(body, classes="action"),
            classes="top-action",
        )

    # --- keys -------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_action_plan(self) -> None:
        self.app.open_action_plan(self.session_id)

    def action_export(self) -> None:
        self.app.open_export(self.session_id)
