"""Given names that stand for one another (James, Jamie, Jim; Elizabeth, Liz, Beth), as
agencies record them, for the linkage model: each name maps to the group's first name.

A short list of the forms common in Scotland; a name not in it is its own group. Names
are compared as `name_key`s (lower case, letters and digits only).
"""

from __future__ import annotations

from functools import cache

GROUPS = (
    "james jamie jim jimmy jas",
    "john johnny jack jon jonny",
    "robert rab rob robbie bobby bob bert",
    "william willie billy will bill liam",
    "david davie dave davy",
    "thomas tam tommy tom",
    "andrew andy drew",
    "michael mick mikey mike",
    "stephen steven steve stevie",
    "christopher chris kit",
    "daniel danny dan",
    "darren daz",
    "declan dec",
    "cameron cammy cam",
    "kieran kie",
    "alexander alex sandy ally alec alasdair alistair",
    "joseph joe joey",
    "anthony tony",
    "richard rick ricky richie dick",
    "edward ed eddie ted ned",
    "charles charlie chas chuck",
    "francis frank frankie",
    "patrick paddy pat",
    "gerard gerry ged",
    "matthew matt matty",
    "nicholas nick nicky",
    "benjamin ben benny",
    "samuel sam sammy",
    "jonathan jon jonny",
    "kenneth ken kenny",
    "ronald ron ronnie",
    "donald don donnie",
    "hugh hughie",
    "lewis louis",
    "callum calum",
    "kieran ciaran",
    "connor conor",
    "liam william",
    "margaret maggie meg peggy maisie",
    "elizabeth liz lizzie beth betty eliza elspeth",
    "catherine katherine kathryn cath cathy kate katie kathleen",
    "jennifer jenny jen",
    "rebecca becky becca",
    "victoria vicky tori",
    "alexandra alex sandra lexi",
    "samantha sammy sam",
    "jacqueline jackie",
    "christine chris chrissie christina",
    "patricia pat patsy trish",
    "susan sue susie suzanne",
    "deborah debbie debra",
    "nicola nicky nikki",
    "caroline carol",
    "amanda mandy",
    "jessica jess jessie",
    "abigail abbie abby",
    "isabella isabel bella izzy",
    "ellie eleanor elle",
    "megan meg",
    "danielle dani",
    "louise lou",
    "annie ann anne anna",
    "helen helena",
    "shannon shan",
    "chloe cloe",
)


SOUNDEX_CODES = (("bfpv", "1"), ("cgjkqsxz", "2"), ("dt", "3"), ("l", "4"), ("mn", "5"), ("r", "6"))


@cache
def _canonical() -> dict[str, str]:
    found: dict[str, str] = {}
    for group in GROUPS:
        names = group.split()
        for name in names:
            found.setdefault(name, names[0])  # a name in two groups keeps its first
    return found


def canonical_given(key: str) -> str:
    """The group a given-name key belongs to (its own key when it is in no group)."""
    return _canonical().get(key, key)


def soundex(key: str) -> str:
    """American Soundex of a name key (Robert, Rupert -> R163): a phonetic code that
    blocks names spelled differently but said alike ("" for no letters)."""
    letters = [c for c in key.lower() if "a" <= c <= "z"]
    if not letters:
        return ""
    codes = {letter: code for letters_, code in SOUNDEX_CODES for letter in letters_}
    first, out, last = letters[0], [], codes.get(letters[0], "")
    for c in letters[1:]:
        code = codes.get(c, "")
        if code and code != last:
            out.append(code)
        if c not in "hw":  # h and w do not separate letters of the same code
            last = code
    return (first.upper() + "".join(out) + "000")[:4]
