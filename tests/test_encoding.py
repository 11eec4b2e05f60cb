"""GSM-7 / UCS-2 / 8-bit length arithmetic and text decoding."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fake_clickatell.core.encoding import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    Coding,
    decode_text,
    decode_ucs2_hex,
    encode_ucs2_hex,
    gsm7_length,
    is_gsm7,
    parts_needed,
    split_text,
    text_parts,
    ucs2_length,
)


def test_gsm_tables_have_the_standard_sizes():
    # 128 basic code points minus ESC (0x1B), and the 10 characters of the escape table.
    assert len(GSM7_BASIC) == 127
    assert len(GSM7_EXTENSION) == 10
    assert not GSM7_BASIC & GSM7_EXTENSION


@pytest.mark.parametrize(
    ("text", "septets"),
    [("", 0), ("hello", 5), ("€", 2), ("a{b}c", 7), ("[~]|^\\\f", 14), ("Ωé", 2), ("✓", 1)],
)
def test_gsm7_length(text: str, septets: int):
    assert gsm7_length(text) == septets


@pytest.mark.parametrize(
    ("units", "coding", "parts"),
    [
        (0, Coding.GSM7, 0),
        (1, Coding.GSM7, 1),
        (160, Coding.GSM7, 1),
        (161, Coding.GSM7, 2),
        (306, Coding.GSM7, 2),
        (307, Coding.GSM7, 3),
        (70, Coding.UCS2, 1),
        (71, Coding.UCS2, 2),
        (134, Coding.UCS2, 2),
        (135, Coding.UCS2, 3),
        (140, Coding.BINARY, 1),
        (141, Coding.BINARY, 2),
        (268, Coding.BINARY, 2),
        (269, Coding.BINARY, 3),
    ],
)
def test_parts_needed(units: int, coding: Coding, parts: int):
    assert parts_needed(units, coding) == parts


def test_ucs2_hex_round_trip_and_case():
    assert encode_ucs2_hex("ΩΨΘ") == "03A903A80398"
    assert decode_ucs2_hex("03A903A80398") == "ΩΨΘ"
    assert decode_ucs2_hex("03a903a80398") == "ΩΨΘ"
    assert ucs2_length("\U0001f600") == 2


@pytest.mark.parametrize("bad", ["", "0", "03A", "03A9X000", "DC00", "D83D", "zzzz"])
def test_bad_ucs2_hex(bad: str):
    assert decode_ucs2_hex(bad) is None


def test_decode_text_charsets():
    assert decode_text(b"caf\xe9", None) == "café"
    assert decode_text(b"caf\xc3\xa9", "UTF-8") == "café"
    assert decode_text(b"\xff", "utf-8") is None
    assert decode_text(b"\x80", "Windows-1252") == "€"


@given(st.text())
def test_ucs2_hex_round_trips_any_text(text: str):
    surrogates = any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)
    encoded = text.encode("utf-16-be", "surrogatepass").hex()
    decoded = decode_ucs2_hex(encoded) if text else None
    if not text or surrogates:
        assert decoded is None
    else:
        assert decoded == text
        assert ucs2_length(decoded) == len(encoded) // 4


@given(st.text(alphabet=sorted(GSM7_BASIC | GSM7_EXTENSION)))
def test_gsm_alphabet_is_gsm7(text: str):
    assert is_gsm7(text)
    assert gsm7_length(text) == len(text) + sum(ch in GSM7_EXTENSION for ch in text)


@pytest.mark.parametrize(
    ("text", "coding", "parts"),
    [
        ("a" * 152 + "{" + "a" * 152, Coding.GSM7, 3),  # 306 septets, but "{" cannot straddle
        ("a" * 151 + "{" + "a" * 153, Coding.GSM7, 2),
        ("a" * 306, Coding.GSM7, 2),
        ("{" * 80, Coding.GSM7, 1),
        ("A" * 66 + "\U0001f600" + "A" * 66, Coding.UCS2, 3),  # the pair cannot straddle
        ("A" * 65 + "\U0001f600" + "A" * 67, Coding.UCS2, 2),
        ("", Coding.GSM7, 0),
    ],
)
def test_text_parts_never_split_a_character(text: str, coding: Coding, parts: int):
    assert text_parts(text, coding) == parts
    pieces = split_text(text, coding)
    assert len(pieces) == parts
    assert "".join(pieces) == text


@given(st.text(alphabet="ab{€", max_size=700))
def test_parts_and_split_agree(text: str):
    assert text_parts(text, Coding.GSM7) == len(split_text(text, Coding.GSM7))
