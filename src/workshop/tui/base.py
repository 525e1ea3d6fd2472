"""What every screen of the app shares: the typed app, the one error route, the store watcher."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from textual.screen import Screen
from textual.worker import Worker, WorkerState

from workshop.tui.messages import StoreChanged

if TYPE_CHECKING:
    from workshop.tui.app import WorkshopApp

T = TypeVar("T")


class WorkshopScreen(Screen[None]):
    """A screen of the facilitator's app."""

    if TYPE_CHECKING:

        @property
        def app(self) -> WorkshopApp: ...

    def attempt(self, call: Callable[..., T], *args: Any, title: str = "Not saved") -> Any:
        """A store call through the app's one error route: its result, or FAILED after showing the error."""
        return self.app.attempt(call, *args, title=title)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Every worker a screen starts that fails is reported through the app's one error route.

        (Worker state messages do not bubble; Textual calls this besides any handler of a subclass.)
        """
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            what = event.worker.name or "A background task"
            self.app.report_error(event.worker.error, title=f"{what[:1].upper()}{what[1:]} failed")

    def on_store_changed(self, message: StoreChanged) -> None:
        """Another window changed the database: screens that show its data reload."""
        message.stop()
        self.store_changed()

    def store_changed(self) -> None:
        """Reload what the screen shows; by default nothing depends on the database."""
