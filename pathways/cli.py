"""The `pathways` console script: Django's management commands under one name.

`pathways init`, `pathways import people FILE`, `pathways synth ...`, `pathways runserver`.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Run a Pathways command with the project's settings.

    A command acts with the operator's authority: the net under the door, which a user's
    request runs under, is off (`people.scoping.outside_requests`); `runserver`'s
    requests are served with it on, like any others."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathways.settings")
    from django.core.management import execute_from_command_line

    from pathways.people.scoping import outside_requests

    with outside_requests():
        execute_from_command_line(["pathways", *sys.argv[1:]])


if __name__ == "__main__":
    main()
