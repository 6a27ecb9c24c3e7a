"""Turning a file's bytes into text, or into a clear reason why not.

The order is the same everywhere: a byte-order mark; strict UTF-8; for markup, the charset
the page declares; then the Latin legacy code pages judged by how the text reads (below);
only then charset_normalizer, which is good at telling scripts apart but often takes
ordinary Windows-1252 text (curly quotes, dashes, the euro sign) for a DOS or Mac code page
and turns "Turkey’s “deal” – €1bn" into "Turkeyĺs ôdealö ľ Ç1bn".

Line-oriented files (JSON lines, CSV) are decoded line by line: each line is UTF-8 when it
is valid UTF-8, else it is read in the file's one fallback encoding, judged once for the
whole file from its non-UTF-8 lines (`legacy_fallback`), so a file reads the same whether
it is read whole or cut into partitions.
"""

from __future__ import annotations

import codecs
import re
from typing import BinaryIO

from charset_normalizer import from_bytes


class DecodeProblem(ValueError):
    """The bytes are not text armsledger can read; the message says why."""


# Below this many bytes a guessed encoding is a coin toss, so plain text stays strictly UTF-8.
_CONFIDENT_MIN_BYTES = 256
_CONFIDENT_MAX_CHAOS = 0.05
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
# Browsers read pages labelled Latin-1 or ASCII as Windows-1252 (WHATWG Encoding): bytes
# 0x80-0x9F are curly quotes and dashes in practice, never the C1 controls of ISO-8859-1.
_READ_AS_CP1252 = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii", "iso_8859-1"}

# Latin legacy code pages, in order of preference when the text reads equally well in several.
LATIN_CANDIDATES = ("cp1252", "cp1250", "iso8859_2", "cp1254")
# A tie between Windows-1252 and another Latin page goes to the other only when a language
# detector hears one of its languages in it (Czech in cp1250 reads as clean cp1252 letters).
_OTHER_LATIN_LANGUAGES = {
    "Czech",
    "Slovak",
    "Polish",
    "Hungarian",
    "Croatian",
    "Slovene",
    "Romanian",
    "Bosnian",
    "Serbian",
    "Turkish",
}
# Non-letters that sit inside words in real text: apostrophe, middle dot (Catalan), soft hyphen.
_IN_WORD_OK = "\u2019\u00b7\u00ad"
# Non-letters that stand next to words in real text: quotes, dashes, marks, degrees, ¿ and ¡.
_BESIDE_WORDS_OK = (
    _IN_WORD_OK
    + "\u2018\u201a\u201c\u201d\u201e\u00ab\u00bb\u2039\u203a\u2013\u2014\u2026\u2122\u00ae\u00a9\u00b0\u2022\u00bf\u00a1\u20ac\u00a3"
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_C1_BYTES = re.compile(rb"[\x80-\x9f]")
# Letters of one alphabet only: Polish; Czech, Slovak and Croatian.
_POLISH_ONLY = re.compile("[ąęłńśźżĄĘŁŃŚŹŻ]")
_CZECH_SLOVAK_ONLY = re.compile("[čďěňřšťůžľĺŕđČĎĚŇŘŠŤŮŽĽĹŔĐ]")
# Past this share of odd characters among the non-ASCII ones, no Latin page fits.
_MAX_ODD_SHARE = 0.05
# Real Latin-script text has most of its letters in ASCII; Cyrillic or Greek read as cp1252 has not.
_MAX_NON_ASCII_LETTERS = 0.3
# Bytes looked at when judging an encoding; enough for thousands of accented letters.
SAMPLE_BYTES = 1 << 20
_DETECT_BLOCK = 8 << 20


def decode_text(data: bytes) -> str:
    """Decode UTF-8 text (with or without a byte-order mark), refusing binary files.

    Text that is not UTF-8 is still read when it reads as Latin text in a legacy code page,
    or when a detector is confident of its encoding.
    """
    if not data.strip():
        raise DecodeProblem("empty file: expected text")
    if b"\x00" in data[:8192]:
        raise DecodeProblem("binary file (contains NUL bytes): expected UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        guessed = _confident_guess(data)
        if guessed is None:
            raise DecodeProblem(
                f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                "convert the file to UTF-8"
            ) from None
        text = guessed
    # Normalise line ends so offsets mean the same on every platform.
    return _normalise(text)


def decode_markup(data: bytes, declared: str | None = None) -> str:
    """Decode a web page, feed or table: by byte-order mark, UTF-8, the declared charset, or detection."""
    if not data.strip():
        raise DecodeProblem("empty file: expected text")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _normalise(data.decode(encoding, errors="replace"))
    if b"\x00" in data[:8192]:
        raise DecodeProblem("binary file (contains NUL bytes): expected text")
    # UTF-8 first: pages often declare latin-1 while serving UTF-8, never the other way round.
    for encoding in ("utf-8", _as_browsers_read(declared or declared_charset(data))):
        if encoding:
            try:
                return _normalise(data.decode(encoding))
            except (UnicodeDecodeError, LookupError):
                continue
    latin = latin_encoding(data)
    if latin is not None:
        return _normalise(data.decode(latin, errors="replace"))
    best = from_bytes(data).best()
    if best is None:
        raise DecodeProblem("not text in any known encoding")
    return _normalise(str(best))


def declared_charset(data: bytes) -> str | None:
    """The charset a page or feed declares for itself in its first few kilobytes, if any."""
    head = data[:4096]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii").lower() if match else None


def detect_encoding(sample: bytes) -> str:
    """The encoding of a stream judged from its first bytes, for files read as one stream."""
    for bom, encoding in _BOMS:
        if sample.startswith(bom):
            return encoding
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    latin = latin_encoding(sample)
    if latin is not None:
        return latin
    best = from_bytes(sample).best()
    if best is None:
        raise DecodeProblem("not text in any known encoding")
    return best.encoding


def latin_encoding(data: bytes) -> str | None:
    """The Latin legacy code page the bytes read best in, or None when none reads like text.

    Each candidate is scored by the characters a wrong guess leaves behind: C1 control
    characters, symbols inside words ("poinformowa³o" is Polish ł read as Windows-1252),
    capitals inside lower-case words. The fewest wins; on a tie, Windows-1252.
    """
    sample = _sample(data)
    scores: dict[str, tuple[int, str]] = {}
    for encoding in LATIN_CANDIDATES:
        # A stray byte the page does not define costs a candidate, it does not rule it out.
        text = sample.decode(encoding, errors="replace")
        if not _mostly_ascii_letters(text):
            return None  # Cyrillic, Greek...: not a Latin script, whatever the page
        undefined = text.count("\ufffd")
        scores[encoding] = (3 * undefined + _oddities(text) + _mixed_alphabets(text), text)
    if not scores:
        return None
    best = min(score for score, _ in scores.values())
    non_ascii = len(_NON_ASCII.findall(sample.decode("latin-1")))
    # (plus one stray byte's worth, so a short sample is not ruled out by one bad byte)
    if non_ascii and best > 3 + non_ascii * _MAX_ODD_SHARE:
        return None
    tied = [e for e in LATIN_CANDIDATES if e in scores and scores[e][0] == best]
    choice = tied[0]
    differing = [e for e in tied[1:] if scores[e][1] != scores[choice][1]]
    if choice == "cp1252" and differing:
        heard = from_bytes(sample, cp_isolation=[choice, *differing]).best()
        if heard is not None and heard.encoding in differing and heard.language in _OTHER_LATIN_LANGUAGES:
            choice = heard.encoding
    # Latin-2 letters and no byte in 0x80-0x9F: ISO-8859-2, since Windows-1250 text puts
    # š, ž, ś, ź and its quotes there.
    if choice == "cp1250" and "iso8859_2" in tied and not _C1_BYTES.search(sample):
        choice = "iso8859_2"
    return choice


def legacy_fallback(stream: BinaryIO) -> str | None:
    """The encoding for the lines of a stream that are not UTF-8, judged once from those lines.

    Reads the stream to its end (or until enough non-UTF-8 lines are seen); None when every
    line is UTF-8 or no encoding fits. The same bytes always give the same answer, so every
    partition of a file decodes its lines alike.
    """
    sampler = FallbackSampler()
    while not sampler.full and (block := stream.read(_DETECT_BLOCK)):
        sampler.feed(block)
    return sampler.encoding()


class FallbackSampler:
    """Collects the non-UTF-8 lines of a stream fed in blocks, then judges their encoding.

    What `legacy_fallback` does over a file, for a caller that streams the file anyway
    (the batch planner copying a .jsonl.gz into shards).
    """

    def __init__(self) -> None:
        self._bad = bytearray()
        self._carry = b""

    @property
    def full(self) -> bool:
        """Enough non-UTF-8 lines have been seen to judge them."""
        return len(self._bad) >= SAMPLE_BYTES

    def feed(self, block: bytes) -> None:
        """The next bytes of the stream."""
        if self.full:
            return
        data = self._carry + block
        cut = data.rfind(b"\n") + 1
        whole, self._carry = data[:cut], data[cut:]
        if len(self._carry) > SAMPLE_BYTES:  # one enormous line: judge what there is of it
            whole, self._carry = data, b""
        if whole and not _is_utf8(whole):
            _collect_bad_lines(whole, self._bad)

    def encoding(self) -> str | None:
        """The fallback encoding of the lines fed so far; None when all were UTF-8 or none fits."""
        if self._carry and not _is_utf8(self._carry):
            _collect_bad_lines(self._carry, self._bad)
        self._carry = b""
        sample = bytes(self._bad)
        if not sample or b"\x00" in sample:
            return None
        latin = latin_encoding(sample)
        if latin is not None:
            return latin
        best = from_bytes(sample).best()
        if best is None or best.chaos > _CONFIDENT_MAX_CHAOS:
            return None
        return best.encoding


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode_line(raw: bytes, first: bool, fallback: str | None) -> str:
    """One line of a line-oriented file: UTF-8 when it is, else the file's fallback encoding.

    Raises DecodeProblem naming the first bad byte and its column.
    """
    try:
        return raw.decode("utf-8-sig" if first else "utf-8")
    except UnicodeDecodeError as exc:
        problem = exc
    if fallback is not None:
        try:
            return raw.decode(fallback)
        except UnicodeDecodeError as exc:
            raise DecodeProblem(
                f"neither UTF-8 nor {fallback} text (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})"
            ) from None
    raise DecodeProblem(
        f"not UTF-8 text (byte 0x{raw[problem.start]:02x} at column {problem.start + 1})"
    ) from None


def _collect_bad_lines(block: bytes, into: bytearray) -> None:
    for line in block.split(b"\n"):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            into += line + b"\n"
            if len(into) >= SAMPLE_BYTES:
                return


def _as_browsers_read(label: str | None) -> str | None:
    if label is None:
        return None
    return "cp1252" if label.lower() in _READ_AS_CP1252 else label


def _sample(data: bytes) -> bytes:
    if len(data) <= SAMPLE_BYTES:
        return data
    # Start just before the first byte outside ASCII: that is where the encodings differ.
    first = next((i for i, byte in enumerate(data[: 64 << 20]) if byte > 0x7F), 0)
    start = max(0, first - 1024)
    return data[start : start + SAMPLE_BYTES]


def _oddities(text: str) -> int:
    """How many characters of the text a wrong code page typically leaves behind."""
    odd = 0
    last = len(text) - 1
    for match in _NON_ASCII.finditer(text):
        at = match.start()
        char = match.group()
        if "\x80" <= char <= "\x9f":
            odd += 3  # C1 controls: never in real text
            continue
        before = text[at - 1] if at > 0 else " "
        after = text[at + 1] if at < last else " "
        if char.isalpha():
            # A capital between lower-case letters: "zamĽwi" is not a word in any language.
            if char.isupper() and before.islower() and after.islower():
                odd += 1
        elif char.isspace() or char in _BESIDE_WORDS_OK:
            continue
        elif before.isalpha() and after.isalpha():
            odd += 0 if char in _IN_WORD_OK else 2  # inside a word: "czo³gów" is Polish ł read as cp1252
        elif before.isalpha() or after.isalpha():
            odd += 1  # glued to a word: "trafi±" is Latin-2 ą read as cp1250
    return odd


def _mixed_alphabets(text: str) -> int:
    """Letters of two alphabets that never meet in one language: Polish ł with Czech ř or š.

    Windows-1250 and ISO-8859-2 differ in a few letters only, so the wrong one of the two
    turns Polish ą into Czech š, or Czech š into Polish ą, in a text otherwise clean.
    """
    polish = len(_POLISH_ONLY.findall(text))
    czech = len(_CZECH_SLOVAK_ONLY.findall(text))
    return min(polish, czech)


def _mostly_ascii_letters(text: str) -> bool:
    ascii_letters = len(_ASCII_LETTER.findall(text))
    non_ascii = sum(1 for match in _NON_ASCII.finditer(text) if match.group().isalpha())
    return non_ascii <= (ascii_letters + non_ascii) * _MAX_NON_ASCII_LETTERS


def _confident_guess(data: bytes) -> str | None:
    if len(data) < _CONFIDENT_MIN_BYTES:
        return None
    latin = latin_encoding(data)
    if latin is not None:
        return data.decode(latin, errors="replace")
    best = from_bytes(data).best()
    if best is None or best.chaos > _CONFIDENT_MAX_CHAOS:
        return None
    return str(best)


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
