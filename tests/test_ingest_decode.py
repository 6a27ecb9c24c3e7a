"""Encodings: strict UTF-8 for short plain text, detection when it is confident or declared."""

import io
from pathlib import Path

import pytest

from armsledger.ingest import read_documents
from armsledger.ingest.decode import (
    DecodeProblem,
    declared_charset,
    decode_line,
    decode_markup,
    decode_text,
    detect_encoding,
    latin_encoding,
    legacy_fallback,
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


ENGLISH = (
    "Turkey\u2019s president said the \u201cdeal\u201d \u2013 worth \u20ac1bn \u2013 would go ahead, "
    "and the ministry\u2019s spokesman added that deliveries were \u201con track\u201d for next year\u2026 "
)
POLISH = (
    "Ministerstwo Obrony Narodowej poinformowa\u0142o, \u017ce Polska zam\u00f3wi\u0142a 250 czo\u0142g\u00f3w "
    "Abrams. Pierwsze pojazdy trafi\u0105 do jednostki na wschodzie kraju w przysz\u0142ym roku, "
    "a szkolenie za\u0142\u00f3g ju\u017c si\u0119 rozpocz\u0119\u0142o. "
)
CZECH = (
    "Ministerstvo obrany potvrdilo, \u017ee \u010cesk\u00e1 republika objedn\u00e1 \u010dty\u0159icet "
    "tank\u016f Leopard. Prvn\u00ed vozidla p\u0159ijedou p\u0159\u00ed\u0161t\u00ed rok. "
)


@pytest.mark.parametrize(
    ("name", "text", "encoding"),
    [
        ("english-cp1252", ENGLISH * 3, "cp1252"),
        ("french-cp1252", FRENCH * 2, "cp1252"),
        ("polish-latin2", POLISH * 3, "iso8859_2"),
        ("polish-cp1250", POLISH * 3, "cp1250"),
        ("czech-cp1250", CZECH * 4, "cp1250"),
        ("english-utf8", ENGLISH * 3, "utf-8"),
    ],
)
def test_legacy_latin_text_reads_right_in_txt_html_and_csv(
    tmp_path: Path, name: str, text: str, encoding: str
) -> None:
    """Windows-1252 is not taken for a DOS or Central European page, nor Latin-2 for 1252."""
    (tmp_path / f"{name}.txt").write_bytes(text.encode(encoding))
    html = f"<html><head><title>T</title></head><body><article><p>{text}</p></article></body></html>"
    (tmp_path / f"{name}.html").write_bytes(html.encode(encoding))
    csv_text = 'id,text\nr1,"' + text.replace('"', '""') + '"\n'
    (tmp_path / f"{name}.csv").write_bytes(csv_text.encode(encoding))
    docs, failures = read_documents([tmp_path])
    assert failures == []
    by_source = {Path(d.source or "").name.split(":")[0]: d.text for d in docs}
    assert by_source[f"{name}.txt"] == text
    assert by_source[f"{name}.csv"] == text
    assert text.strip()[:60] in by_source[f"{name}.html"]


def test_the_audit_example_is_windows_1252_not_cp852() -> None:
    data = (ENGLISH * 3).encode("cp1252")
    assert detect_encoding(data) == "cp1252"
    assert decode_text(data).startswith(
        "Turkey\u2019s president said the \u201cdeal\u201d \u2013 worth \u20ac1bn"
    )
    assert latin_encoding("Россия поставила Индии комплексы С-400. ".encode("cp1251") * 5) is None


def test_a_page_labelled_latin1_is_read_as_browsers_read_it() -> None:
    page = '<meta charset="iso-8859-1"><p>It was a \u201cdeal\u201d worth \u20ac5m.</p>'.encode("cp1252")
    assert "\u201cdeal\u201d worth \u20ac5m" in decode_markup(page)


def test_lines_decode_alike_whatever_their_neighbours() -> None:
    lines = [b'{"text": "plain ascii"}\n', (ENGLISH + "\n").encode("cp1252") * 3, "Türkiye\n".encode()]
    fallback = legacy_fallback(io.BytesIO(b"".join(lines)))
    assert fallback == "cp1252"
    assert decode_line("Türkiye".encode(), False, fallback) == "Türkiye"  # UTF-8 stays UTF-8
    assert decode_line("\u20ac1bn".encode("cp1252"), False, fallback) == "\u20ac1bn"
    assert legacy_fallback(io.BytesIO(b"all\nutf-8\n")) is None
    with pytest.raises(DecodeProblem, match=r"neither UTF-8 nor cp1252 text \(byte 0x81 at column 3\)"):
        decode_line(b"ab\x81", False, "cp1252")
