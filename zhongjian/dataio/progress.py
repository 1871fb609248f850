"""Progress of running import jobs, kept in Huey's key-value store.

The store lives outside the registry database, so a page can show how far a job has come while
the job's transaction is still open (SQLite would not show uncommitted rows, PostgreSQL neither).
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from huey.contrib.djhuey import HUEY

PHASES = {
    "read": _("读取并检查文件"),
    "match": _("与系统中的数据比对并写入"),
}
# Seconds between two writes to the store; a page polls once a second.
REPORT_INTERVAL = 0.5


@dataclass(frozen=True)
class Progress:
    phase: str
    done: int
    total: int | None

    @property
    def label(self) -> str:
        return str(PHASES.get(self.phase, self.phase))

    @property
    def percent(self) -> int | None:
        """Percentage of the phase done, below 100 until the phase ends; None if unknown."""
        if not self.total:
            return None
        return min(99, self.done * 100 // self.total)


def _key(job_id: int) -> str:
    return f"zhongjian:import-progress:{job_id}"


class ProgressReporter:
    """Write a job's progress to the shared store at most every REPORT_INTERVAL seconds."""

    def __init__(
        self, *, job_id: int, callback: Callable[[str, int, int | None], None] | None = None
    ) -> None:
        self.job_id = job_id
        self.callback = callback
        self._last = 0.0

    def report(self, phase: str, done: int, total: int | None) -> None:
        if self.callback is not None:
            self.callback(phase, done, total)
        now = time.monotonic()
        if now - self._last >= REPORT_INTERVAL:
            self._last = now
            HUEY.put(_key(self.job_id), (phase, done, total))


def progress_read(job_id: int) -> Progress | None:
    stored = HUEY.get(_key(job_id), peek=True)
    return Progress(*stored) if stored else None


def progress_clear(job_id: int) -> None:
    HUEY.delete(_key(job_id))
