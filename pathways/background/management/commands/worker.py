"""`pathways worker`: django-tasks-db's worker (`db_worker`, same options) with a
heartbeat, and a sweep for the tasks of workers that died (`background.orphans`)."""

from __future__ import annotations

import os
from typing import Any

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from pathways.background.heartbeat import Beater
from pathways.background.orphans import Swept, sweep


class Command(db_worker.Command):
    help = (
        "Run the background worker (django-tasks-db's db_worker, same options), beating "
        "every few seconds so /readyz and other workers know it is alive, and marking "
        "failed, or queueing again, the tasks of workers that died."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        reloader_parent = options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if reloader_parent and not options.get("batch"):
            # With --reload this process only restarts a child, which runs the tasks and
            # beats; beating here too would show a worker that runs nothing.
            super().handle(*args, **options)
            return
        me = options["worker_id"]
        beater = Beater(me, sweep=lambda: self._report(sweep(me=me, since=beater.started_at)))
        since = beater.start()
        try:
            # What dead workers left behind, before new work.
            self._report(sweep(me=me, since=since))
            super().handle(*args, **options)
        finally:
            beater.stop()

    def _report(self, swept: Swept) -> None:
        if swept.failed:
            self.stderr.write(
                f"marked failed {len(swept.failed)} task(s) whose worker died "
                f"({', '.join(swept.failed)}); queued again: {', '.join(swept.rerun) or 'none'}"
            )
