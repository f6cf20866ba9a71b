#!/usr/bin/env python
"""Django's manage.py, for developers used to it; `pathways` is the same thing."""

from pathways.cli import main

if __name__ == "__main__":
    main()
