"""What linkage tells the apps above it, which it cannot import (docs/decisions/0009).

`people_merging` is sent inside a merge's transaction, after the two people are locked
and before the absorbed person's rows move to the kept one, with `kept` and `absorbed`
(person ids). A receiver makes what changes the merge needs of its own rows (e.g. only
one open identification candidacy a person) and returns them as
`[model label, pk, field, before, after]` lists, which an undo puts back.
"""

from __future__ import annotations

from django.dispatch import Signal

people_merging = Signal()
