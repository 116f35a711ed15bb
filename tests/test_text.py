"""The shared untrusted-text cleaner (F12): escape sequences go whole, controls, bidi and zero-width
characters go, the text around them stays."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pricewatch.text import INVISIBLE, cap, clean_line, strip_controls, strip_escapes

ESC, CSI, OSC, BEL, ST = "\x1b", "\x1b[", "\x1b]", "\x07", "\x1b\\"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Evil\x1b[31m title", "Evil title"),  # the QA finding: no "[31m" left behind
        ("\x1b[1;31;48;5;196mred\x1b[0m", "red"),
        ("a\x1b[?25lb\x1b[2Jc", "abc"),  # private-mode and erase sequences
        ("a\x9b31mb", "ab"),  # 8-bit CSI
        ("a\x1b]0;pwned window title\x07b", "ab"),  # OSC ended by BEL
        ("a\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\b", "alinkb"),  # OSC 8 hyperlink, ended by ST
        ("a\x1bP1$r0m\x1b\\b", "ab"),  # DCS string
        ("a\x1b(Bb\x1b7c", "abc"),  # charset designation, save cursor
        ("x\u202eexe.gpj\u2066\u061c", "xexe.gpj"),  # bidi override, isolate, Arabic letter mark
        ("zero\u200bwidth\ufeff", "zerowidth"),
        ("a\x00b\x7fc\x85d", "abc d"),  # C0, DEL; NEL is a line break
        ("line1\nline2\r\nline3\tend\u2028!", "line1 line2 line3 end !"),
        ("  many    spaces  ", "many spaces"),
        ("Cafe\u0301", "Café"),  # NFC
        (None, ""),
        (42, "42"),
    ],
)
def test_clean_line(raw: object, clean: str) -> None:
    assert clean_line(raw) == clean


def test_newlines_can_be_kept() -> None:
    assert strip_controls("a\x1b[31m\nb\r\nc", keep_newlines=True) == "a\nb\nc"
    assert strip_controls("a\nb") == "a b"


def test_cap_marks_a_cut_with_an_ellipsis() -> None:
    assert cap("abcdef", 4) == "abc…" and cap("abc", 3) == "abc" and cap("abc", None) == "abc"
    assert clean_line("x" * 500, 120) == "x" * 119 + "…"


# -- properties ----------------------------------------------------------------------------------------
_params = st.text(alphabet="0123456789;:<=>?", max_size=12)
_csi = st.builds(
    lambda intro, params, inter, final: intro + params + inter + final,
    st.sampled_from([CSI, "\x9b"]),
    _params,
    st.text(alphabet=" !\"#$%&'()*+,-./", max_size=2),
    st.sampled_from([chr(c) for c in range(0x40, 0x7F)]),
)
_osc = st.builds(
    lambda intro, body, end: intro + body + end,
    st.sampled_from([OSC, "\x1bP", "\x1b_", "\x1b^", "\x1bX", "\x9d"]),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=30),
    st.sampled_from([BEL, ST, "\x9c"]),
)
_sequence = st.one_of(_csi, _osc)
# Ordinary visible text: letters, digits, punctuation, symbols, spaces (no controls, no format characters).
_visible = st.text(st.characters(categories=("L", "N", "P", "S", "Zs")), max_size=40)


def _ok(ch: str) -> bool:
    return unicodedata.category(ch) not in ("Cc", "Cs", "Co", "Cn") and ch not in INVISIBLE


@settings(max_examples=400, deadline=None)
@given(st.text(), st.integers(min_value=1, max_value=200))
def test_output_is_one_capped_printable_line(raw: str, limit: int) -> None:
    cleaned = clean_line(raw, limit)
    assert len(cleaned) <= limit
    assert all(_ok(ch) for ch in cleaned)
    assert "\x1b" not in cleaned and "\n" not in cleaned
    assert cleaned == " ".join(cleaned.split())


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_cleaning_twice_changes_nothing(raw: str) -> None:
    once = clean_line(raw)
    assert clean_line(once) == once


@settings(max_examples=300, deadline=None)
@given(_visible, st.lists(_sequence, min_size=1, max_size=4), _visible)
def test_escape_sequences_vanish_whole_and_the_text_around_them_stays(
    before: str, sequences: list[str], after: str
) -> None:
    assert strip_escapes(before + "".join(sequences) + after) == before + after
    assert clean_line(before + "".join(sequences) + after) == clean_line(before + after)


@settings(max_examples=300, deadline=None)
@given(_visible)
def test_ordinary_text_only_has_its_whitespace_folded(text: str) -> None:
    assert clean_line(text) == " ".join(unicodedata.normalize("NFC", text).split())


@settings(max_examples=200, deadline=None)
@given(st.text(), st.sampled_from(sorted(INVISIBLE)))
def test_invisible_and_bidi_characters_never_survive(text: str, hidden: str) -> None:
    assert hidden not in clean_line(text[: len(text) // 2] + hidden + text[len(text) // 2 :])
