"""Ids in API paths: whole numbers from 1 to the largest the database can hold, so that a
larger one is a validation error (422), not a crash."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Field, Path

# The largest id a PostgreSQL bigint holds.
MAX_ID = 2**63 - 1


def an_id() -> Any:
    """A path parameter that is an id (`person_id: int = an_id()`)."""
    return Path(..., ge=1, le=MAX_ID)


# In a request's body: an id, and a version as read (optimistic locking compares it with
# the row's in SQL), held to what the database can hold, so that a larger one is a
# validation error (422), not a crash.
BodyId = Annotated[int, Field(ge=1, le=MAX_ID)]
Version = Annotated[int, Field(ge=0, le=MAX_ID)]
