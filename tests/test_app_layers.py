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
import tomllib
from pathlib import Path

import pytest
from django.conf import settings

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


def _layers() -> list[list[str]]:
    """The layers contract's apps, top first, each layer's siblings in a list."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    return [
        [m.strip().removeprefix("pathways.") for m in layer.split("|")]
        for layer in contract["layers"]
    ]


def test_the_picture_in_the_decision_record_is_the_contract() -> None:
    """docs/decisions/0009's picture names the apps in the contract's order."""
    text = (ROOT / "docs/decisions/0009-app-layers.md").read_text(encoding="utf-8")
    picture = text.split("```")[1]
    drawn: list[list[str]] = []
    for line in picture.splitlines():
        words = line.split()
        if not words or words[0].startswith("─"):
            continue
        if line.startswith(" " * 16):  # the top layer's siblings, or a line run on
            if words[0] == "web":
                drawn.append(words[:2])
        elif line.startswith("  ") and not line.startswith("   "):
            drawn.append([words[0]])
    # The root modules (urls, wsgi, cli) sit on top in the contract, not in the picture.
    assert drawn == _layers()[1:]


def test_installed_apps_are_listed_lowest_first() -> None:
    apps = [
        name.removeprefix("pathways.")
        for name in settings.INSTALLED_APPS
        if name.startswith("pathways.")
    ]
    in_layers = [app for layer in reversed(_layers()) for app in sorted(layer)]
    assert apps == [app for app in in_layers if app in apps]
