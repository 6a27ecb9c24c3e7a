"""Knowledge as data: states, weapon systems, companies and kinds of equipment.

The CSV files in ``data/`` are the source of truth; this module reads them once into
lookup tables. An analyst extends the knowledge by adding rows, not code, and can
point ``ARMSLEDGER_KNOWLEDGE`` at a folder of extra CSV files with the same columns.
"""

from __future__ import annotations

import csv
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from armsledger.errors import InputError
from armsledger.model import CATEGORIES

DATA_DIR = Path(__file__).parent / "data"
_DESIGNATION_SHAPE = re.compile(r"[A-Z0-9][\w\-/. ]*")


@dataclass(frozen=True, slots=True)
class State:
    """A state (or historical state) with the names the press gives it."""

    code: str
    name: str
    aliases: tuple[str, ...] = ()
    capitals: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class System:
    """A weapon system in the catalog."""

    designation: str
    aliases: tuple[str, ...]
    category: str
    description: str
    maker: str
    state: str
    armed: bool


@dataclass(frozen=True, slots=True)
class Equipment:
    """A kind of equipment named by a common noun ("armed drones", "radars")."""

    term: str
    category: str
    armed: bool


@dataclass(frozen=True, slots=True)
class Entry:
    """What one surface form in the gazetteer stands for."""

    kind: str  # state, group, company, system, equipment
    value: str  # ISO3 / NSA code, designation, group name, or category
    form: str = "name"  # for states: name, alias, capital, demonym, made
    category: str | None = None
    state: str | None = None  # maker's state for systems and companies
    members: tuple[str, ...] = ()
    maker: str | None = None  # for systems: the maker's name, as the catalog writes it


_UNIFY = str.maketrans({"’": "'", "‘": "'", "‐": "-", "–": "-"})
_DIGIT = re.compile(r"\d")


def surface_key(text: str) -> str:
    """Normalise a surface form for exact lookup: quotes, dashes and spaces unified."""
    return " ".join(text.translate(_UNIFY).split())


def fold_key(text: str) -> str:
    """A looser key for designations: no case, no accents, no spaces or hyphens."""
    text = unicodedata.normalize("NFKD", text.replace("ı", "i").replace("İ", "I"))
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (cell or "").split("|") if part.strip())


def read_table(paths: list[Path], required: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows of the CSV files that exist among ``paths``; each row knows its file and line (``_where``)."""
    rows: list[dict[str, str]] = []
    for path in paths:
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(
                    f"{path}: missing column(s) {', '.join(missing)}; expected {', '.join(required)}"
                )
            for number, raw in enumerate(reader, 2):
                if None in raw:
                    raise InputError(f"{path}:{number}: more cells than the columns of the header")
                row = {k: (v or "").strip() for k, v in raw.items() if k}
                row["_where"] = f"{path}:{number}"
                rows.append(row)
    return rows


def _read_csv(name: str, required: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows of a shipped data file plus any extra rows in ARMSLEDGER_KNOWLEDGE."""
    paths = [DATA_DIR / name]
    extra = os.environ.get("ARMSLEDGER_KNOWLEDGE")
    if extra:
        paths.append(Path(extra) / name)
    return read_table(paths, required)


@dataclass(slots=True)
class Knowledge:
    """Every lookup the extractor needs, built once from the data files."""

    states: dict[str, State] = field(default_factory=dict)
    systems: dict[str, System] = field(default_factory=dict)  # designation -> System
    companies: dict[str, str] = field(default_factory=dict)  # company name -> ISO3
    equipment: dict[str, Equipment] = field(default_factory=dict)
    nonstate_codes: set[str] = field(default_factory=set)  # NSA:<slug> codes of armed groups
    # Exact (case-sensitive) surfaces: states, groups, companies, non-state actors,
    # equipment nouns and designations without digits.
    exact: dict[str, Entry] = field(default_factory=dict)
    # Folded surfaces of designations with a digit in them ("TB-2", "tb2", "Su 35").
    folded: dict[str, Entry] = field(default_factory=dict)
    max_tokens: int = 8
    # The first word of every surface form, and the most words a form starting with it
    # has: lets the matcher skip the many words that start no name at all.
    first_words: dict[str, int] = field(default_factory=dict)

    def state_name(self, code: str) -> str:
        """The short English name of a state or group code, or the code itself."""
        state = self.states.get(code)
        if state:
            return state.name
        return code.split(":", 1)[1].replace("-", " ") if code.startswith("NSA:") else code

    def is_known_code(self, code: str) -> bool:
        """Whether a code names a state or a known non-state actor."""
        return code in self.states or code in self.nonstate_codes

    def lookup(self, surface: str) -> Entry | None:
        """What a surface form stands for, trying the exact form before the folded one."""
        key = surface_key(surface)
        entry = self.exact.get(key)
        if entry is not None:
            return entry
        # Loose matching only for designation-shaped text ("TB-2", "Su 35"), never "a €4".
        if _DIGIT.search(key) and _DESIGNATION_SHAPE.fullmatch(key):
            return self.folded.get(fold_key(key))
        return None


def _add(table: dict[str, Entry], key: str, entry: Entry, where: str) -> None:
    if not key:
        return
    old = table.get(key)
    # The first row that claims a surface keeps it; states outrank everything.
    if old is None:
        table[key] = entry


_MADE = ("-made", "-built", "-produced", "-designed", "-developed", "-supplied", "-manufactured", "-origin")


def load_knowledge() -> Knowledge:
    """Read every data file into a Knowledge; errors name the file and row."""
    kb = Knowledge()
    for row in _read_csv("states.csv", ("iso3", "name", "aliases", "capitals", "demonyms")):
        code = row["iso3"].upper()
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise InputError(f"{row['_where']}: iso3 must be three letters, got {row['iso3']!r}")
        state = State(
            code, row["name"], _split(row["aliases"]), _split(row["capitals"]), _split(row["demonyms"])
        )
        kb.states[code] = state
    # Names first, then aliases, capitals and demonyms: an earlier form wins a clash.
    for form in ("name", "alias", "capital", "demonym"):
        for state in kb.states.values():
            surfaces = {
                "name": (state.name,),
                "alias": state.aliases,
                "capital": state.capitals,
                "demonym": state.demonyms,
            }[form]
            for surface in surfaces:
                entry = Entry("state", state.code, form)
                _add(kb.exact, surface_key(surface), entry, state.code)
                if surface.startswith("the "):
                    _add(kb.exact, surface_key(surface[4:]), entry, state.code)
                if form in ("name", "capital") and len(surface) >= 4 and not surface.startswith("the "):
                    # Datelines and section heads write names in capitals ("ANKARA, Turkey —").
                    _add(kb.exact, surface_key(surface.upper()), entry, state.code)
                if form in ("name", "alias", "demonym") and not surface.startswith("the "):
                    for suffix in _MADE:
                        _add(
                            kb.exact,
                            surface_key(surface + suffix),
                            Entry("state", state.code, "made"),
                            state.code,
                        )
    for row in _read_csv("state_groups.csv", ("name", "aliases", "members")):
        members = _split(row["members"])
        unknown = [m for m in members if m not in kb.states]
        if unknown:
            raise InputError(f"{row['_where']}: unknown member code(s) {', '.join(unknown)}")
        for surface in (row["name"], *_split(row["aliases"])):
            entry = Entry("group", row["name"], members=members)
            _add(kb.exact, surface_key(surface), entry, row["_where"])
            if surface.startswith("the "):
                _add(kb.exact, surface_key(surface[4:]), entry, row["_where"])
    for row in _read_csv("nonstate.csv", ("code", "name", "aliases")):
        kb.nonstate_codes.add(row["code"])
        for surface in (row["name"], *_split(row["aliases"])):
            _add(kb.exact, surface_key(surface), Entry("state", row["code"], "nonstate"), row["_where"])
    for row in _read_csv("forces.csv", ("name", "aliases", "state")):
        # Armed services and their acronyms stand for their state ("the RAAF", "PLA Navy").
        code = row["state"].upper()
        if code not in kb.states:
            raise InputError(f"{row['_where']}: unknown state code {row['state']!r}")
        for surface in (row["name"], *_split(row["aliases"])):
            _add(kb.exact, surface_key(surface), Entry("state", code, "force"), row["_where"])
            if surface.startswith("the "):
                _add(kb.exact, surface_key(surface[4:]), Entry("state", code, "force"), row["_where"])
            else:
                # "the U.S. Navy" must win over "the U.S." at the same place.
                _add(kb.exact, surface_key("the " + surface), Entry("state", code, "force"), row["_where"])
    for row in _read_csv("companies.csv", ("name", "aliases", "state")):
        state = row["state"].upper()
        kb.companies[row["name"]] = state
        for surface in (row["name"], *_split(row["aliases"])):
            _add(kb.exact, surface_key(surface), Entry("company", row["name"], state=state), row["_where"])
    for row in _read_csv("systems.csv", ("designation", "aliases", "category", "maker", "state")):
        category = row["category"]
        if category not in CATEGORIES:
            raise InputError(f"{row['_where']}: category {category!r} is not one of {', '.join(CATEGORIES)}")
        system = System(
            row["designation"],
            _split(row["aliases"]),
            category,
            row.get("description", ""),
            row["maker"],
            row["state"].upper(),
            row.get("armed", "").lower() in ("yes", "true", "1"),
        )
        kb.systems[system.designation] = system
        entry = Entry("system", system.designation, category=category, state=system.state, maker=system.maker)
        for surface in (system.designation, *system.aliases):
            if any(ch.isdigit() for ch in surface):
                _add(kb.folded, fold_key(surface), entry, row["_where"])
            _add(kb.exact, surface_key(surface), entry, row["_where"])
    for row in _read_csv("equipment.csv", ("term", "category", "armed")):
        if row["category"] not in CATEGORIES:
            raise InputError(
                f"{row['_where']}: category {row['category']!r} is not one of {', '.join(CATEGORIES)}"
            )
        item = Equipment(row["term"], row["category"], row["armed"].lower() == "yes")
        kb.equipment[item.term] = item
        forms = {item.term}
        # Singular and plural of the last word, so the data file lists each term once.
        if (
            item.term.endswith("s")
            and len(item.term) > 4
            and item.term[-2].islower()
            and item.term[-2] != "s"
        ):
            forms.add(item.term[:-1])
        elif item.term[-1].isalpha() and item.term[-1].islower() and not item.term.endswith("aircraft"):
            forms.add(item.term + "s")
        forms |= {f[:1].upper() + f[1:] for f in forms}
        for surface in forms:
            _add(
                kb.exact, surface_key(surface), Entry("equipment", item.category, category=item.category), ""
            )
    kb.max_tokens = 8
    _index_first_words(kb)
    return kb


def _index_first_words(kb: Knowledge) -> None:
    """Record each surface form's first word (exact and folded) with its length in words."""
    for key in list(kb.exact) + list(kb.folded):
        words = re.findall(r"\w+", key)
        if not words:
            continue
        for first in (words[0], words[0].lower()):
            kb.first_words[first] = max(kb.first_words.get(first, 0), min(len(words), kb.max_tokens))
    # Folded keys have lost their word breaks ("su35"): their first word may be any prefix.
    for key in kb.folded:
        for cut in range(1, min(len(key), 8) + 1):
            kb.first_words.setdefault(key[:cut], kb.max_tokens)


@lru_cache(maxsize=1)
def default_knowledge() -> Knowledge:
    """The shipped knowledge, loaded once per process."""
    return load_knowledge()
