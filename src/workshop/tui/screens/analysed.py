"""A screen that shows one workshop's analysis, recomputed off the UI thread each time it is shown.

The workshop is read at once (one quick read) and drawn with what it alone says; the analysis runs
in a worker thread, which posts it back as an `AnalysisReady` message. A result that is no longer
wanted (the workshop was read again since the worker started) is dropped.
"""

from __future__ import annotations

from textual import on
from textual.message import Message
from textual.worker import Worker, WorkerState

from workshop.analysis import Analysis, analyse
from workshop.session import Session
from workshop.tui.app import FAILED
from workshop.tui.base import WorkshopScreen
from workshop.tui.errors import first_line


class AnalysedScreen(WorkshopScreen):
    """Subclasses draw with `show_session` (at once) and `show_analysis` / `show_failure` (when ready)."""

    class AnalysisReady(Message):
        """The analysis of the workshop as read at `generation`."""

        def __init__(self, analysis: Analysis, generation: int) -> None:
            super().__init__()
            self.analysis = analysis
            self.generation = generation

    def __init__(self, session_id: int) -> None:
        super().__init__()
        self.session_id = session_id
        self.session: Session | None = None
        self.analysis: Analysis | None = None
        self._worker: Worker[None] | None = None
        self._generation = 0  # bumped each time the workshop is read again

    def on_screen_resume(self) -> None:
        # Also sent when first shown, and on coming back: answers or decisions may have changed.
        self.refresh_analysis()

    def store_changed(self) -> None:
        self.refresh_analysis()  # another window answered or decided: the analysis is stale

    def refresh_analysis(self) -> None:
        """Reload the session (one quick read) and recompute the analysis in a worker thread."""
        session = self.attempt(self.app.store.load_session, self.session_id, title="Cannot read the workshop")
        if session is FAILED:
            self.show_failure("The workshop could not be read.")
            return
        self.session = session
        self._generation += 1
        self.show_session(session)
        self._worker = self.run_worker(
            lambda generation=self._generation: self._analyse(session, generation),
            thread=True, exclusive=True, exit_on_error=False, name="analyse",
        )

    def _analyse(self, session: Session, generation: int) -> None:
        """In the worker's thread."""
        self.post_message(self.AnalysisReady(analyse(session), generation))

    @on(AnalysisReady)
    def _analysis_ready(self, message: AnalysisReady) -> None:
        message.stop()
        if message.generation != self._generation:
            return  # the workshop was read again since: a newer analysis is on its way
        self.analysis = message.analysis
        self.show_analysis(message.analysis)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is self._worker and event.state is WorkerState.ERROR:
            self.show_failure(f"The analysis failed: {first_line(event.worker.error)}")

    def show_session(self, session: Session) -> None:
        """Draw what the session alone says, before the analysis is ready."""

    def show_analysis(self, analysis: Analysis) -> None:
        raise NotImplementedError

    def show_failure(self, message: str) -> None:
        raise NotImplementedError
