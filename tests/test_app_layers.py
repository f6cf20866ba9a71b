"""The app map's contracts (pyproject.toml, docs/decisions/0009-app-layers.md) hold, and
`make lint`'s check of them fails on an import that runs back up a layer or past the door.

Each case runs `lint-imports` on a copy of the code with one import added, as a commit
that broke the rule would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(
    tmp_path: Path, breach: tuple[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run the contracts on a copy of `pathways`, with `breach` = (module file, import
    line) appended to one module first."""
    shutil.copytree(ROOT / "pathways", tmp_path / "pathways",
                    ignore=shutil.ignore_patterns("__pycache__", "static", "templates"))  # fmt: skip
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    if breach is not None:
        module, line = breach
        with (tmp_path / module).open("a", encoding="utf-8") as handle:
            handle.write(f"\n{line}\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=tmp_path, env=env, capture_output=True, text=True
    )


def test_the_code_keeps_every_contract(tmp_path: Path) -> None:
    result = lint_imports(tmp_path)
    assert result.returncode == 0, result.stdout
    assert "broken" not in result.stdout.split("Contracts:")[-1].replace("0 broken", "")


@pytest.mark.parametrize(
    ("breach", "contract"),
    [
        # people is below the pages: a model importing a view runs back up.
        (("pathways/people/models.py", "import pathways.web.views  # noqa"), "one-way layers"),
        # the policy may not know the door that is built on it.
        (("pathways/sharing/policy.py", "import pathways.access.people  # noqa"), "one-way layers"),
        # linkage's internals are its own.
        (
            ("pathways/feeds/people.py", "import pathways.linkage.internals.scoring  # noqa"),
            "small public face",
        ),
        # a page reading the policy's queries itself, past the door.
        (("pathways/web/views.py", "import pathways.sharing.policy  # noqa"), "through the door"),
    ],
)
def test_an_import_against_the_map_fails_the_lint(
    tmp_path: Path, breach: tuple[str, str], contract: str
) -> None:
    result = lint_imports(tmp_path, breach)
    assert result.returncode != 0
    broken = result.stdout.split("Broken contracts")[-1]
    assert contract in " ".join(broken.split()), result.stdout
