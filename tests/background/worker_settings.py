"""Settings for a `pathways worker` that tests start as a subprocess: the test settings
(PATHWAYS_ENV=test, the run's working folder) with the database task backend, which the
test settings replace with the immediate one (tests/background/test_worker_kill.py)."""

from pathways.test_settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
