"""Text in an API request: text a database can store. No name, code or note holds a NUL
character, and PostgreSQL's text cannot; nor can any database store half a surrogate
pair (a JSON body may spell one, `"\\ud800"`, which is no character in UTF-8). A request
with either is refused (422) naming where, as the pages' forms refuse a NUL (Django's
ProhibitNullCharactersValidator), instead of failing where it is written or looked up.
Declare request fields and parameters as `Text`."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(value: str) -> str:
    """`value`, if a database can store it; a validation error saying why not otherwise."""
    if "\x00" in value:
        raise PydanticCustomError("null_character", "null characters are not allowed")
    if not value.isascii() and _SURROGATE.search(value):
        raise PydanticCustomError(
            "surrogate", "half a surrogate pair is not a character (text must be valid UTF-8)"
        )
    return value


Text = Annotated[str, AfterValidator(storable)]
