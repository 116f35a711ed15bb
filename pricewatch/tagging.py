"""Tag names: what a user or a script may call a tag, and the key that makes "Gift" and "gift" one tag."""

from __future__ import annotations

import unicodedata

from pricewatch.errors import BadInputError

MAX_TAG_CHARS = 40
MAX_TAGS_PER_CALL = 100  # one request names at most this many tags (a bulk edit, an import row)


def tag_name(value: object) -> str:
    """A tag name as stored: trimmed, inner whitespace one space, NFC; BadInputError when unusable.

    Control and format characters (newlines, bidi overrides, zero-width joiners) are refused, not stripped: a
    name that would show differently from what was typed is an error the user should see.
    """
    if not isinstance(value, str):
        raise BadInputError("a tag name must be text")
    if has_controls(value):
        raise BadInputError(f"the tag name {value[:MAX_TAG_CHARS]!r} contains a control character")
    text = unicodedata.normalize("NFC", " ".join(value.split()))
    if not text:
        raise BadInputError("a tag name cannot be empty")
    if len(text) > MAX_TAG_CHARS:
        raise BadInputError(f"a tag name has at most {MAX_TAG_CHARS} characters")
    if "," in text:  # the CLI, the CSV export and the list's column separate tags with commas
        raise BadInputError(f"the tag name {text!r} contains a comma")
    return text


def has_controls(text: str) -> bool:
    """Control, format, surrogate, private or unassigned characters (tabs and line breaks included)."""
    return any(unicodedata.category(c).startswith("C") for c in text)


def tag_key(name: str) -> str:
    """The name compared case-insensitively (Unicode case folding: "STRASSE" and "straße" are one tag)."""
    return name.casefold()


def tag_names(values: object) -> list[str]:
    """Several tag names, each checked, duplicates (in any case) dropped, the first spelling kept."""
    if isinstance(values, str) or not isinstance(values, list | tuple | set | frozenset):
        raise BadInputError("tags must be a list of names")
    if len(values) > MAX_TAGS_PER_CALL:
        raise BadInputError(f"at most {MAX_TAGS_PER_CALL} tags at once")
    names: dict[str, str] = {}
    for value in values:
        name = tag_name(value)
        names.setdefault(tag_key(name), name)
    return list(names.values())
