"""The test suite's settings: `pathways.settings` read with `PATHWAYS_ENV=test` and a
working folder of the run's own, both put into the environment before the settings are
read, so that the suite behaves the same however pytest was started
(`scripts/run-pytest.sh`, plain `.venv/bin/pytest`, an editor) and the `pathways`
commands that tests start inherit them. pyproject.toml names this module to pytest-django.
"""

from __future__ import annotations

import os
import tempfile

os.environ["PATHWAYS_ENV"] = "test"
if not os.environ.get("PATHWAYS_VAR_DIR"):
    os.environ["PATHWAYS_VAR_DIR"] = tempfile.mkdtemp(prefix="pathways-test-var-")
    # The process that made the folder removes it when the run ends (tests/conftest.py).
    os.environ["PATHWAYS_TEST_VAR_DIR_OWNER"] = str(os.getpid())

from pathways.settings import *  # noqa: E402, F403
