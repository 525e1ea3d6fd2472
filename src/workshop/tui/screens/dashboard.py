"""Dashboard: where the pilot stands, read from the analysis.

The verdict and its reasons, the top of the action plan, the scores per set as bars with the target
marked, and the blockers (gate questions under target: the gates the room found short apart from
those still to assess). The analysis runs in a worker each time the screen is shown, so the
dashboard is current after answers change in the walk-through or decisions in the action plan.

Layout: from WIDE columns the verdict and the top actions sit side by side above the scores and
the blockers; narrower, the panels stack in that order and each top action takes one line, so the
verdict, the top actions and the scores fit an 80x24 terminal. Every panel is as tall as what it
holds: nothing grows into blank rows.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Header, Static

from workshop import formatting as numbers
from workshop.analysis import ActionStatus, Analysis, QuestionScore, RecommendedAction, Verdict, VerdictStatus
from workshop.session import Session
from workshop.tui.safe import content, string
from workshop.tui.screens.analysed import AnalysedScreen
from workshop.tui.widgets.bullets import BulletList, Item
from workshop.tui.widgets.score_bars import Bar, ScoreBars

TOP_ACTIONS = 5
WIDE = 110  # from this width the verdict and the top actions sit side by side

VERDICT_CLASSES = {
    VerdictStatus.READY: "-ready",
    VerdictStatus.READY_WITH_CONDITIONS: "-conditions",
    VerdictStatus.NOT_READY: "-not-ready",
}
STATUS_STYLES = {
    ActionStatus.OPEN: "$text-muted",
    ActionStatus.ACCEPTED: "$text-success",
    ActionStatus.MET: "$text-success",
    ActionStatus.REJECTED: "$text-error",
}
FAILED_MARK = "■"
TO_ASSESS_MARK = "□"


def gates_sentence(verdict: Verdict) -> Content | None:
    """'7 gate questions are under target, 3 still to assess: see Blockers.', from the verdict's own lists."""
    failed, to_assess = len(verdict.failed_gates), len(verdict.gates_to_assess)
    if not failed and not to_assess:
        return None
    parts: list[tuple[str, str] | str] = []
    if failed:
        parts.append((numbers.plural(failed, "gate question is", "gate questions are") + " under target", "bold"))
    if to_assess:
        if failed:
            parts += [", ", (f"{to_assess} still to assess", "bold")]
        else:
            parts.append((numbers.plural(to_assess, "gate question is", "gate questions are") + " still to assess",
                          "bold"))
    parts.append(": see Blockers.")
    return Content.assemble(*parts)


def action_meta(action: RecommendedAction, *, short: bool = False) -> str:
    """Who owns it and what the room decided, one owner: 'IT architect · not decided yet',
    'Business sponsor · accepted · due 2026-12-04' or 'accepted · Priya Shah · due 2026-12-04'
    (the decision's wording names the person when the room named one). `short` leaves out
    'not decided yet', for one-line rows."""
    if action.decision is None and short:
        return action.owner_name
    decision = numbers.decision_text(action)
    named = action.decision is not None and action.decision.owner_name.strip()
    return decision if named else f"{action.owner_name} · {decision}"


class DashboardScreen(AnalysedScreen):
    SCREEN_NAME = "dashboard"
    SUB_TITLE = "Dashboard"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE, "-wide")]
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
                yield Static(id="provisional")
                yield BulletList(2, id="reasons")
            with Vertical(id="actions-panel", classes="panel") as panel:
                panel.border_title = "Top actions"
                yield BulletList(6, id="top-actions")
            with Vertical(id="scores-panel", classes="panel") as panel:
                panel.border_title = "Scores per set"
                yield ScoreBars(id="set-bars")
            with Vertical(id="blockers-panel", classes="panel") as panel:
                panel.border_title = "Blockers"
                yield BulletList(3, id="blockers")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#provisional").display = False
        self.query_one("#dashboard").focus()

    # --- drawing ------------------------------------------------------------------

    def show_failure(self, message: str) -> None:
        self.query_one("#readiness", Static).update(Content.styled(message, "$text-error"))

    def show_session(self, session: Session) -> None:
        self.sub_title = string(f"Dashboard · {session.organisation} · {session.initiative}", 100)
        answered = f"{session.answered_count}/{session.total} answered"
        self.query_one("#scores-panel").border_subtitle = f"{answered} · 0-100 · ┃ target"

    def show_analysis(self, analysis: Analysis) -> None:
        with self.app.batch_update():
            self._show_verdict(analysis)
            self._show_actions(analysis)
            self._show_scores(analysis)
            self._show_blockers(analysis)

    def _show_verdict(self, analysis: Analysis) -> None:
        verdict = analysis.verdict
        label = self.query_one("#verdict", Static)
        label.update(f" {verdict.status.label.upper()} ")
        label.set_classes(VERDICT_CLASSES[verdict.status])
        readiness = [
            ("Readiness ", "$text-muted"),
            (numbers.score(analysis.readiness_index), "bold"),
            ("/100", "$text-muted"),
            (" · ", "$text-muted"),
            (numbers.percent(analysis.percent_to_target), "bold"),
            (" to target", "$text-muted"),
        ]
        self.query_one("#readiness", Static).update(Content.assemble(*readiness))

        panel = self.query_one("#verdict-panel")
        panel.border_title = "Verdict (provisional)" if verdict.provisional else "Verdict"
        panel.set_class(verdict.provisional, "-provisional")
        provisional = self.query_one("#provisional", Static)
        provisional.update(Content.styled(verdict.provisional_note, "$text-warning"))
        provisional.display = verdict.provisional

        items = []
        gates = gates_sentence(verdict)
        if gates is not None:
            items.append(Item(Content.styled("•", "$text-error" if verdict.failed_gates else "$text-warning"), gates))
        # The reasons never hold a sentence per gate: those are the verdict's gate_reasons, listed
        # under Blockers with their set and level.
        items += [Item(Content.styled("•", "$text-muted"), content(reason)) for reason in verdict.reasons]
        self.query_one("#reasons", BulletList).set_items(items)

    def _show_scores(self, analysis: Analysis) -> None:
        bars = []
        for s in analysis.sets:
            value_text = f"{numbers.score(s.score)} of {numbers.score(s.target_score)}"
            if s.percent_to_target is not None:
                value_text += f" · {numbers.percent(s.percent_to_target)}"
            note = f"weakest: {string(s.weakest.title, 40)}" if s.weakest is not None and s.score is not None else ""
            bars.append(Bar(string(s.title, 40), s.score, target=s.target_score, value_text=value_text, note=note))
        self.query_one("#set-bars", ScoreBars).bars = tuple(bars)
        weakest = analysis.weakest_set
        title = Content("Scores per set")
        if weakest is not None and len(analysis.sets) > 1:
            # Content, not a str: a border title given as a str is parsed as markup, and set titles are file text.
            title = Content.assemble(title, " · weakest: ", content(weakest.title, 40),
                                     f" ({numbers.score(weakest.score)})")
        self.query_one("#scores-panel").border_title = title

    def _show_blockers(self, analysis: Analysis) -> None:
        verdict = analysis.verdict
        failed, to_assess = verdict.failed_gates, verdict.gates_to_assess
        counts = []
        if failed:
            counts.append(f"{len(failed)} not met")
        if to_assess:
            counts.append(f"{len(to_assess)} still to assess")
        self.query_one("#blockers-panel").border_title = f"Blockers: {' · '.join(counts)}" if counts else "Blockers"
        self.query_one("#blockers", BulletList).set_items(
            [self._blocker(analysis, q, failed=True) for q in failed]
            + [self._blocker(analysis, q, failed=False) for q in to_assess],
            empty="No gate question is under its target.",
        )

    def _blocker(self, analysis: Analysis, q: QuestionScore, *, failed: bool) -> Item:
        set_score = analysis.set_score(q.set_id)
        state = [("  ·  level ", "$text-muted"), (q.level_text, "bold")] if failed else [
            ("  ·  ", "$text-muted"), ("still to assess", "bold $text-warning")]
        where = Content.assemble(
            (string(set_score.title if set_score else q.set_id, 40), "$text-muted"),
            *state,
            (f"  ·  target {q.target}", "$text-muted"),
        )
        mark = Content.styled(FAILED_MARK if failed else TO_ASSESS_MARK, "$text-error" if failed else "$text-warning")
        return Item(mark, content(q.prompt), (where,))

    def _show_actions(self, analysis: Analysis) -> None:
        self.query_one("#top-actions", BulletList).set_items(
            [self._action(a) for a in analysis.actions[:TOP_ACTIONS]],
            empty="No action needed: every answer is at or above its actions' thresholds.",
            one_line=self.size.width < WIDE,
        )
        total = len(analysis.actions)
        panel = self.query_one("#actions-panel")
        panel.border_subtitle = f"{numbers.plural(total, 'action', 'actions')} in the plan · a: decide" if total else ""

    def on_resize(self) -> None:
        top = self.query_one("#top-actions", BulletList)
        if top.one_line != (self.size.width < WIDE):  # one line per action on a narrow screen
            top.set_items(top.items, top.empty, one_line=self.size.width < WIDE)

    def _action(self, action: RecommendedAction) -> Item:
        style = STATUS_STYLES[action.status]
        verify = [("  ! verify first", "bold $text-warning")] if action.verify_first else []
        horizon = numbers.horizon_text(action.horizon) + (" (provisional)" if action.provisional else "")
        full = Content.assemble(
            (string(action_meta(action), 160), style),
            *verify,
            (f"  ·  effort {action.effort.value} · {horizon}", "$text-muted"),
        )
        short = Content.assemble((string(action_meta(action, short=True), 160), style), *verify)
        return Item(Content.styled(f"#{action.number}", "bold $text-primary"),
                    Content.styled(string(action.title, 200), "bold"), (full,), short)

    # --- keys -------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_action_plan(self) -> None:
        self.app.open_action_plan(self.session_id)

    def action_export(self) -> None:
        self.app.open_export(self.session_id)
