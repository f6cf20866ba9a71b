"""What the Spark tests measured (time, pairs, precision), printed after the run so that
`make test-spark` shows it without `-s`."""

from __future__ import annotations

from collections.abc import Callable

import pytest

_MEASURED: list[str] = []


@pytest.fixture
def report() -> Callable[[str], None]:
    """`report(line)`: a line for the summary at the end of the run."""
    return _MEASURED.append


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _MEASURED:
        terminalreporter.section("Spark local mode: measured")
        for line in _MEASURED:
            terminalreporter.write_line(line)


def pytest_ignore_collect(collection_path, config) -> bool | None:  # noqa: ANN001
    """Without pyspark (the suites of `make test`, whose venv never has it) this folder is
    not collected at all, rather than skipped: `make test-spark` runs it, in a venv with
    the extra, and there a missing pyspark fails (PATHWAYS_REQUIRE_SPARK)."""
    import importlib.util
    import os

    if os.environ.get("PATHWAYS_REQUIRE_SPARK") or importlib.util.find_spec("pyspark"):
        return None
    return True
