"""GSM-7 / UCS-2 / 8-bit length arithmetic and text decoding."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import event, find, given
from hypothesis import strategies as st

from fake_clickatell import strategies as cst
from fake_clickatell.core.encoding import (
    CHARSETS,
    GSM7_BASIC,
    GSM7_EXTENSION,
    Coding,
    char_units,
    decode_text,
    decode_ucs2_hex,
    encode_ucs2_hex,
    gsm7_length,
    is_gsm7,
    parts_needed,
    split_text,
    text_parts,
    text_units,
    ucs2_length,
)

# -- the GSM 03.38 alphabet, written out here from 3GPP TS 23.038 §6.2.1 -------------------
# Row by row, 16 code points a row (0x00-0x0F, 0x10-0x1F, ...), in the specification's order;
# ESC (0x1B) is the escape to the extension table, not a character. Kept apart from
# core.encoding on purpose: an oracle read from the module would agree with any slip in it.
ESC = None
DEFAULT_ALPHABET = [
    *"@£$¥èéùìòÇ", "\n", *"Øø", "\r", *"Åå",
    *"Δ_ΦΓΛΩΠΨΣΘΞ", ESC, *"ÆæßÉ",
    *" !\"#¤%&'()*+,-./",
    *"0123456789:;<=>?",
    *"¡ABCDEFGHIJKLMNO",
    *"PQRSTUVWXYZÄÖÑÜ§",
    *"¿abcdefghijklmno",
    *"pqrstuvwxyzäöñüà",
]  # fmt: skip
#: The extension table (§6.2.1.1): code point after ESC -> character. Each costs two septets.
EXTENSION_TABLE = {
    0x0A: "\f",  # page break
    0x14: "^",
    0x28: "{",
    0x29: "}",
    0x2F: "\\",
    0x3C: "[",
    0x3D: "~",
    0x3E: "]",
    0x40: "|",
    0x65: "\u20ac",  # euro sign
}
#: Characters often mistaken for GSM-7 ones: accented letters the table lacks, ASCII that
#: is missing (` and the tab), and the look-alikes of table characters.
NOT_GSM7 = ["`", "\t", "ç", "á", "ê", "í", "ó", "ú", "â", "õ", "\u0301", "\u2126", "\u00a0", "\x1b"]


def test_the_default_alphabet_is_3gpp_ts_23_038():
    assert len(DEFAULT_ALPHABET) == 128
    assert DEFAULT_ALPHABET.index(ESC) == 0x1B
    assert DEFAULT_ALPHABET[0x24] == "¤"  # not "$", which sits at 0x02
    assert {ch for ch in DEFAULT_ALPHABET if ch is not ESC} == GSM7_BASIC


def test_the_extension_table_is_3gpp_ts_23_038():
    assert set(EXTENSION_TABLE.values()) == GSM7_EXTENSION
    assert len(EXTENSION_TABLE) == 10


@pytest.mark.parametrize("ch", [ch for ch in DEFAULT_ALPHABET if ch is not ESC])
def test_each_default_character_is_gsm7_and_one_septet(ch: str):
    assert is_gsm7(ch)
    assert gsm7_length(ch) == 1
    assert char_units(ch, Coding.GSM7) == 1


@pytest.mark.parametrize("ch", sorted(EXTENSION_TABLE.values()))
def test_each_extension_character_is_gsm7_and_two_septets(ch: str):
    assert is_gsm7(ch)
    assert gsm7_length(ch) == 2
    assert char_units(ch, Coding.GSM7) == 2


@pytest.mark.parametrize("text", NOT_GSM7)
def test_characters_outside_both_tables_are_not_gsm7(text: str):
    assert not is_gsm7(text)
    assert not is_gsm7("hello " + text)
    assert gsm7_length(text) == len(text)  # replaced by the gateway: one septet each


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


#: Every ``charset`` name the fake knows, and the codec each must decode with, written out
#: apart from core.encoding (reference Part A §11: ISO-8859-1 by default).
CHARSET_NAMES = {
    "iso-8859-1": "latin-1",
    "iso8859-1": "latin-1",
    "latin1": "latin-1",
    "latin-1": "latin-1",
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "windows-1252": "cp1252",
    "cp1252": "cp1252",
}
#: Bytes the three codecs read differently: 0x80 is a C1 control in Latin-1, the euro sign in
#: Windows-1252 and not UTF-8 at all; C3 A9 is "é" in UTF-8 and two letters in the others.
TELLING: dict[str, dict[bytes, str | None]] = {
    "latin-1": {b"\x80": "\x80", b"\xc3\xa9": "Ã©"},
    "cp1252": {b"\x80": "€", b"\xc3\xa9": "Ã©"},
    "utf-8": {b"\x80": None, b"\xc3\xa9": "é"},
}


def test_the_charset_table_is_exactly_the_known_names():
    assert CHARSETS == CHARSET_NAMES


@pytest.mark.parametrize("name", sorted(CHARSET_NAMES))
@pytest.mark.parametrize("spelling", [str.lower, str.upper, str.title])
def test_each_charset_name_decodes_with_its_codec(name: str, spelling: Callable[[str], str]):
    for raw, text in TELLING[CHARSET_NAMES[name]].items():
        assert decode_text(raw, spelling(name)) == text


def test_no_charset_is_iso_8859_1():
    for raw, text in TELLING["latin-1"].items():
        assert decode_text(raw, None) == text
        assert decode_text(raw, "") == text


def _utf16_is_well_formed(text: str) -> bool:
    """Every high surrogate followed by a low one, every low one preceded by a high one
    (the UTF-16 rule, checked code unit by code unit here, apart from Python's codecs)."""
    units = [ord(ch) for ch in text]
    i = 0
    while i < len(units):
        if 0xD800 <= units[i] <= 0xDBFF:
            if i + 1 == len(units) or not 0xDC00 <= units[i + 1] <= 0xDFFF:
                return False
            i += 2
        elif 0xDC00 <= units[i] <= 0xDFFF:
            return False
        else:
            i += 1
    return True


_SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, categories=["Cs"])


@given(st.text(st.one_of(st.characters(), _SURROGATES)))
def test_ucs2_hex_round_trips_any_text(text: str):
    """Lone surrogates (st.text leaves them out unless asked) cannot be decoded; a high and a
    low one in a row are a character outside the BMP, as the gateway would read them."""
    encoded = text.encode("utf-16-be", "surrogatepass").hex()
    decoded = decode_ucs2_hex(encoded)
    if not text or not _utf16_is_well_formed(text):
        assert decoded is None
    else:
        assert decoded is not None
        assert decoded.encode("utf-16-be") == bytes.fromhex(encoded)
        assert ucs2_length(decoded) == len(encoded) // 4


def test_ucs2_hex_round_trips_reach_lone_and_paired_surrogates():
    find(st.text(st.one_of(st.characters(), _SURROGATES)), lambda t: not _utf16_is_well_formed(t))
    assert decode_ucs2_hex("D83DDE00") == "\U0001f600"
    assert decode_ucs2_hex("DE00D83D") is None  # low before high


# -- the BMP boundary: U+FFFF is one UTF-16 code unit, U+10000 two -----------------------------


@pytest.mark.parametrize(
    ("ch", "units"),
    [
        ("\u0000", 1),
        ("\ud7ff", 1),
        ("\ue000", 1),
        ("\uffff", 1),
        ("\U00010000", 2),
        ("\U0010ffff", 2),
    ],
)
def test_ucs2_units_at_the_bmp_boundary(ch: str, units: int):
    assert ucs2_length(ch) == units
    assert type(ucs2_length(ch)) is int
    assert char_units(ch, Coding.UCS2) == units
    assert text_units(ch, Coding.UCS2) == units
    assert text_units("A" * 69 + ch, Coding.UCS2) == 69 + units
    assert text_parts("A" * 69 + ch, Coding.UCS2) == units  # 70 units fit one message


def test_a_character_beyond_the_bmp_moves_whole_to_the_next_part():
    # 66 units, then U+10000 would take units 67 and 68: the part ends after 66.
    text = "A" * 66 + "\U00010000" + "A" * 10
    assert split_text(text, Coding.UCS2) == ["A" * 66, "\U00010000" + "A" * 10]
    # U+FFFF takes unit 67 alone: the part is full at 67.
    text = "A" * 66 + "\uffff" + "A" * 10
    assert split_text(text, Coding.UCS2) == ["A" * 66 + "\uffff", "A" * 10]


_TABLE_CHARACTERS = sorted(ch for ch in DEFAULT_ALPHABET if ch is not ESC) + sorted(
    EXTENSION_TABLE.values()
)


@given(st.text(alphabet=_TABLE_CHARACTERS), st.text(alphabet=NOT_GSM7, max_size=3))
def test_gsm7_texts_count_septets_by_the_3gpp_tables(text: str, other: str):
    escaped = set(EXTENSION_TABLE.values())
    assert is_gsm7(text)
    assert gsm7_length(text) == len(text) + sum(ch in escaped for ch in text)
    assert is_gsm7(text + other) == (other == "")


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


# -- long texts: every part boundary up to the 35 parts concat allows ------------------------

#: Single message and per-part capacity in units (reference Part A §11), written out here.
SIZES = {Coding.GSM7: (160, 153), Coding.UCS2: (70, 67)}


def _width(ch: str, coding: Coding) -> int:
    if coding is Coding.GSM7:
        return 2 if ch in EXTENSION_TABLE.values() else 1
    return 2 if ord(ch) > 0xFFFF else 1


def _expected_parts(text: str, coding: Coding) -> int:
    """Greedy packing, a character never split: the rule as the reference states it."""
    single, per_part = SIZES[coding]
    units = sum(_width(ch, coding) for ch in text)
    if units <= single:
        return 1 if text else 0
    parts, room = 1, per_part
    for ch in text:
        if _width(ch, coding) > room:
            parts, room = parts + 1, per_part
        room -= _width(ch, coding)
    return parts


def _check_parts(text: str, coding: Coding) -> None:
    parts = _expected_parts(text, coding)
    event(f"{coding.value}: {'one part' if parts <= 1 else 'multi-part'}")
    pieces = split_text(text, coding)
    assert text_parts(text, coding) == parts
    assert len(pieces) == parts
    assert "".join(pieces) == text
    single, per_part = SIZES[coding]
    limit = single if parts == 1 else per_part
    assert all(0 < sum(_width(ch, coding) for ch in piece) <= limit for piece in pieces)


@given(cst.gsm7_texts(min_size=0, max_size=35 * 153 + 2))
def test_gsm7_texts_split_into_the_parts_packing_gives(text: str):
    _check_parts(text, Coding.GSM7)


@given(cst.unicode_texts(max_size=35 * 67 + 2))
def test_ucs2_texts_split_into_the_parts_packing_gives(text: str):
    _check_parts(text, Coding.UCS2)
