"""The `pathways` console script: Django's management commands under one name.

`pathways init`, `pathways import people FILE`, `pathways synth ...`, `pathways runserver`.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Run a Pathways command with the project's settings (a command acts with the
    operator's authority; `runserver`'s requests are served with the door shut, like any
    other server's: `pathways.people.scoping`)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathways.settings")
    from django.conf import settings
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 -- reads the settings, which check themselves
    except RuntimeError as error:
        # A setting missing or unreadable (a secret's file, production's required keys):
        # the operator is told which, without a traceback.
        sys.exit(f"pathways: {error}")

    execute_from_command_line(["pathways", *sys.argv[1:]])


if __name__ == "__main__":
    main()
