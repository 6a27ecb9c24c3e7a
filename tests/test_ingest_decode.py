"""Encodings: strict UTF-8 for short plain text, detection when it is confident or declared."""

from pathlib import Path

import pytest

from armsledger.ingest import read_documents
from armsledger.ingest.decode import (
    DecodeProblem,
    declared_charset,
    decode_markup,
    decode_text,
    detect_encoding,
)

FRENCH = (
    "Le ministère des Armées a confirmé la livraison de douze avions Rafale à la Grèce. "
    "Les appareils ont été réceptionnés à Tanagra après plusieurs mois d'essais, et "
    "d'autres livraisons sont prévues l'année prochaine selon le ministère. "
)


def test_long_latin1_text_is_read_when_detection_is_confident(tmp_path: Path) -> None:
    path = tmp_path / "rafale-fr.txt"
    path.write_bytes((FRENCH * 2).encode("latin-1"))
    docs, failures = read_documents([path])
    assert failures == []
    assert docs[0].text == FRENCH * 2


def test_short_non_utf8_text_is_still_refused() -> None:
    with pytest.raises(DecodeProblem, match=r"not UTF-8 text \(byte 0xfc at offset 1\)"):
        decode_text("Türkiye sold drones".encode("latin-1"))


def test_markup_prefers_utf8_then_declared_then_detected() -> None:
    utf8 = '<meta charset="iso-8859-1"><p>Türkiye</p>'.encode()
    assert "Türkiye" in decode_markup(utf8)  # a wrong declaration does not spoil UTF-8
    legacy = '<?xml version="1.0" encoding="windows-1251"?><p>Россия</p>'.encode("cp1251")
    assert declared_charset(legacy) == "windows-1251"
    assert "Россия" in decode_markup(legacy)
    assert decode_markup("BOM text\r\nline".encode("utf-16")) == "BOM text\nline"
    with pytest.raises(DecodeProblem, match="empty file"):
        decode_markup(b"  \n")


def test_detect_encoding_of_a_stream_prefix() -> None:
    assert detect_encoding("Ça va".encode() + "é".encode()[:1]) == "utf-8"  # a cut multibyte char is fine
    assert detect_encoding(FRENCH.encode("cp1252")) in {"cp1252", "cp1250", "latin_1", "iso8859_15"}
