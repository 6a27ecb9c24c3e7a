"""Items: the equipment a sentence talks about, with its origin and its count.

An item is a named system ("Rafale fighter jets") or a kind of equipment ("armed
drones"), with the state whose make it is ("Turkish drones", "US-made F-16s",
"Baykar's TB2") and the quantity before it ("24 more").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from armsledger.extract.quantities import Quantity, bare_quantities, quantity_before
from armsledger.model import Mention

# Nouns after an equipment word that make it describe something else ("drone maker").
_NOT_AN_ITEM_AFTER = re.compile(
    r"^[\s-]*(?:maker|makers|manufacturer|manufacturers|industry|industries|company|companies|firm|giant|magnate"
    r"|program|programme|programs|programmes|diplomacy|strikes?|attacks?|warfare|war|pilots?|market|markets|sector"
    r"|record|producer|producers|power|technology|capabilit(?:y|ies)|expert|experts|specialist|exporter|exporters"
    r"|footage|video|images?|operators?|brand|products?|designer|developer|project|race|threat|swarms?|base)\b",
    re.IGNORECASE,
)
# One lowercase word between two names of the same thing ("TB2 armed drones"), not a preposition.
_ADJECTIVE_GAP = re.compile(
    r"(?:\s+(?:(?!(?:for|of|to|from|with|and|or|in|on|by|at|as|than|that|which)\s)[a-z\-]+"
    r"(?:\s+and\s+[a-z\-]+)?|\d+(?:\.\d+)?[\s\-]?mm)){1,3}\s+"  # "attack and reconnaissance drones"
)
# "delivered ... by a Pakistan Air Force Il-78 transport aircraft": the carrier, not the cargo.
_CARRIER_BEFORE = re.compile(r"\b(?:by|aboard|on board|via)\s+(?:an?|the)\b[^,.;]{0,60}$")
# "to replace its MiG-21 fleet", "shot down 20 of the drones": what a deal retires, or what
# is fired at or destroyed, is not what it transfers.
# "shot down 20 of the drones", "launched missiles at": what is fired at or destroyed is no transfer.
_TARGET_BEFORE = re.compile(
    r"\b(?:shot down|shoot down|shooting down|intercept(?:ed|s|ing)?|down(?:ed|ing)|destroy(?:ed|s|ing)?"
    r"|launch(?:ed|es|ing)?|fired|struck|against)\s+(?:[\w\-]+\s+){0,4}$",
    re.I,
)
# "to replace its aging F-16s": the fleet a deal retires was itself delivered once, by its own maker.
_REPLACED_BEFORE = re.compile(
    r"\b(?:replac(?:e|es|ing)|retir(?:e|es|ing)|phase out|phasing out|succeed|supersed(?:e|es|ing))"
    r"\s+(?:[\w\-'’]+\s+){0,4}$",
    re.I,
)
# What joins the next member of a list to a replaced item: "replace its D-30 howitzers and 2A65 guns".
_LIST_CONTINUES = re.compile(r"^(?:\s+[\w\-]+){0,4}?\s*(?:,|,?\s+and|,?\s+or)\s+(?:[\w\-]+\s+){0,2}$")
# A thing described as part of a platform: the platform stays where it is.
_OWNER_OF = re.compile(
    r"\b(?:weapons?|armament|part|parts|component|components|crews?|backbone|mainstay|workhorse|capabilit\w*"
    r"|maintenance|missiles?|guns?|radars?|engines?)\s+(?:of|on|aboard|for|fitted to|installed on)\s+"
    r"(?:the\s+|its\s+|their\s+|a\s+|an\s+)?(?:[\w\-'’]+\s+){0,2}$",
    re.I,
)
# A weapon carried by a platform: "NSM already arms Skjold-class corvettes", "will be fitted
# on the F125 frigates". The platform is the buyer's own; only the weapon moves.
_CARRIED_BY = re.compile(
    r"(?:\b(?:already|also|now|currently|which|that|will|to)\s+|\b[A-Z][A-Z0-9\-]+\s+)"
    r"(?:arms|arm|equips|equip)\s+(?!(?:[\w\-'’]+\s+){0,3}?with\b)"
    r"(?:the\s+|its\s+|their\s+)?(?:[\w\-'’]+\s+){0,3}$"
    r"|\b(?:be|been|is|are|was|were)\s+(?:\w+\s+)?(?:fielded|installed|fitted|integrated)\s+(?:on|onto|aboard|into|to)\s+"
    r"(?:the\s+|its\s+|their\s+)?(?:[\w\-'’]+\s+){0,4}$"
)
_ROLE_OF_BEFORE = re.compile(r"\bas\s+(?:its|their|the|a|an|our)\s+(?:[\w\-]+\s+){0,3}$", re.I)
_PASSED_OVER_BEFORE = re.compile(
    r"\b(?:in preference to|instead of|rather than|beating|ahead of)\s+(?:the\s+|a\s+|an\s+)?(?:[\w\-'’()]+\s+){0,5}$",
    re.I,
)
_OWN_CUE_AFTER = re.compile(
    r"^\s+(?:\w+\s+)?(?:bought|purchased|acquired|ordered|delivered|received|supplied|on order|being built for)\b"
)
_TRANSPORT = re.compile(r"\b(?:transport|tanker|cargo)\b", re.I)
_GLUE = re.compile(r"^[\s\"“”'‘’\-–()]*(?:(?:type|class)[\s\-]+)?$")
_ORIGIN_GAP = re.compile(
    r"^(?:['’]s)?(?:[\s\"“”‘’-]+(?:[a-z][\w\-]*|[A-Z][\w\-.]*|\d[\w\-]*)){0,4}[\s\"“”‘’-]*$"
)
# Words that, between a state and an item, show the state is not the item's maker.
_NOT_ORIGIN_WORDS = re.compile(
    r"\b(?:of|for|to|from|with|by|in|into|on|at|as|purchase|purchases|order|orders|deal|deals|contract|contracts|sale"
    r"|sales|acquisition|delivery|deliveries|government|forces|army|navy|ministry|officials?|fleet|operators?)\b",
    re.I,
)
# Catalog makers listed under today's state were first built by its predecessor ("Soviet-made MiG-29s").
_SUCCESSOR = {"SUN": "RUS", "CSK": "CZE", "YUG": "SRB", "DDR": "DEU"}
_AFTER_ORIGIN = re.compile(r"^\s*(?:made|built|produced|manufactured|developed|designed)\s+(?:by|in)\s+$")


@dataclass(slots=True)
class Item:
    """Equipment named in a sentence."""

    start: int  # document offsets of the whole phrase
    end: int
    system: str | None
    category: str
    noun: str | None  # the equipment word, when there is one ("drones")
    origin: str | None = None  # the maker's state named beside it
    quantity: Quantity | None = None
    catalog_state: str | None = None  # the maker's state from the catalog
    pattern: bool = False  # designation caught by pattern, not from the catalog
    origin_at: int | None = None  # start of the mention that gave the origin
    also_origin_at: int | None = None  # a second maker joined to the first ("US and British")
    # A state named beside the item that operates it rather than makes it ("Egyptian
    # Rafales", "Turkey's S-400s"): a recipient.
    operator: str | None = None
    # A fleet the deal replaces ("to replace its MiG-21s"): delivered long ago by its own maker.
    replaced: bool = False
    # The designation as the text writes it, when it names a variant the catalog folds
    # into ``system`` ("Su-30MKI" for the Su-30, "S26T" for the Hangor class).
    variant: str | None = None
    # A generic noun pointing back: "type" for "aircraft of this type", True for "these jets".
    demonstrative: bool | str = False
    catalog_maker: str | None = None  # the maker's name from the catalog
    # The choice passed over: "selected the M-346 in preference to the T-50". The buyer
    # decided against it, so its deal is cancelled.
    rejected: bool = False


def build_items(sentence_text: str, offset: int, mentions: list[Mention]) -> list[Item]:
    """Group system and equipment mentions into items with their origins and counts."""
    gear = [m for m in mentions if m.kind in ("system", "equipment")]
    items: list[Item] = []
    # The end of the last item a deal fires at ("target") or retires ("replaced"): list members share it.
    previous: tuple[int, str] | None = None
    i = 0
    while i < len(gear):
        m = gear[i]
        after = sentence_text[m.end - offset :]
        j = i
        end = m.end
        system = m.value if m.kind == "system" else None
        category = m.category or "other"
        noun = m.text if m.kind == "equipment" else None
        catalog_state = m.state if m.kind == "system" else None
        catalog_maker = m.maker if m.kind == "system" else None
        pattern = m.form == "pattern"
        written = m.text if m.kind == "system" else None
        # Merge "Rafale fighter jets", "S-400 anti-aircraft systems", "drone Bayraktar TB2".
        while j + 1 < len(gear):
            nxt = gear[j + 1]
            gap = sentence_text[end - offset : nxt.start - offset]
            appositive = nxt.kind == "system" and system is None and re.fullmatch(r",\s+(?:the\s+)?", gap)
            if appositive and j + 2 < len(gear) and gear[j + 2].kind == "equipment":
                # "howitzers, Kornet anti-tank missiles": a list member with a noun of its own.
                own_gap = sentence_text[nxt.end - offset : gear[j + 2].start - offset]
                if (_GLUE.match(own_gap) and len(own_gap) <= 3) or _ADJECTIVE_GAP.fullmatch(own_gap):
                    appositive = False
            if (
                not appositive
                and not (_GLUE.match(gap) and (len(gap) <= 3 or "type" in gap or "class" in gap))
                # Adjectives only between a system and its noun ("NH90 naval utility helicopters").
                and not (system is not None and nxt.kind == "equipment" and _ADJECTIVE_GAP.fullmatch(gap))
            ):
                break
            if nxt.kind == "system" and system is not None:
                break
            if nxt.kind == "equipment" and noun is not None:
                if system is None and re.fullmatch(r"[\s\-]", gap):
                    # "drone cameras", "tank engines": in a compound the last noun is the thing.
                    noun, category = nxt.text, nxt.category or category
                    end = nxt.end
                    j += 1
                    continue
                break
            if nxt.kind == "system":
                system, category, catalog_state = nxt.value, nxt.category or category, nxt.state
                catalog_maker = nxt.maker
                pattern = nxt.form == "pattern"
                written = nxt.text
            else:
                noun = nxt.text
                if system is None:
                    category = nxt.category or category
                elif nxt.category == "ships" and category != "ships":
                    # "Mistral-class amphibious ships": a ship class sharing a missile's name.
                    category, catalog_state, pattern = "ships", None, True
                    catalog_maker = None
                    system = written
            end = nxt.end
            j += 1
        after = sentence_text[end - offset :]
        if _CARRIER_BEFORE.search(sentence_text[max(0, m.start - offset - 60) : m.start - offset]) and (
            _TRANSPORT.search(sentence_text[m.start - offset : end - offset + 40])
        ):
            i = j + 1
            continue  # the aircraft that carried the goods
        window = sentence_text[max(0, m.start - offset - 60) : m.start - offset]
        own_cue = _OWN_CUE_AFTER.match(sentence_text[end - offset :])
        in_list = previous is not None and _LIST_CONTINUES.match(
            sentence_text[previous[0] - offset : m.start - offset]
        )
        # What is fired at, and the platform a weapon belongs to ("the main weapon of the
        # Danish navy's frigates"), are not transferred; list members share that.
        owner = (system is None and bool(_OWNER_OF.search(window))) or bool(_CARRIED_BY.search(window))
        if not own_cue and (
            _TARGET_BEFORE.search(window) or owner or (in_list and previous and previous[1] == "target")
        ):
            previous = (end, "target")
            i = j + 1
            continue
        # A replaced fleet may carry its own purchase ("to replace the UAE's 60 Mirages bought in 1998").
        replaced = bool(
            _REPLACED_BEFORE.search(window) or (in_list and previous and previous[1] == "replaced")
        )
        previous = (end, "replaced") if replaced else None
        if noun is not None and system is None and _NOT_AN_ITEM_AFTER.match(after):
            i = j + 1
            continue
        if system is None and items and items[-1].system and _ROLE_OF_BEFORE.search(window):
            i = j + 1
            continue  # "selected the M-346 as its new jet trainer": the role of the item just named
        items.append(
            Item(
                m.start,
                end,
                system,
                category,
                noun,
                catalog_state=catalog_state,
                catalog_maker=catalog_maker,
                pattern=pattern,
                replaced=replaced,
                variant=variant_of(written, system) if system else None,
                rejected=bool(_PASSED_OVER_BEFORE.search(window)),
            )
        )
        i = j + 1
    _attach_origins(sentence_text, offset, mentions, items)
    _attach_quantities(sentence_text, offset, items)
    for item in items:
        if item.system is None:
            before = sentence_text[max(0, item.start - offset - 40) : item.start - offset]
            after = sentence_text[item.end - offset : item.end - offset + 25]
            # "of this type" names a type whoever sells it; "this missile" only the seller's own.
            item.demonstrative = (
                "type" if _POINTING_AFTER.match(after) else bool(_POINTING_BEFORE.search(before))
            )
    return items


_POINTING_BEFORE = re.compile(r"\b(?:these|those|this|that|such|the same)\s+(?:[a-z\-]+\s+)?$", re.I)
_POINTING_AFTER = re.compile(r"^\s+of\s+(?:this|that|the same)\s+(?:type|kind|model)\b", re.I)
_FOLD = re.compile(r"[^0-9a-z]")
_MARK = re.compile(r"(?:block|batch|tranche|flight|mark|mk|series)[ivx]+")
# Words the press puts after a designation that are not part of it ("K9 howitzers", "Type 214 submarines").
_TRAILING_WORDS = re.compile(r"(?:[\s\-]+(?:[a-z][a-z\-]*|class|Class))+$")


def variant_of(written: str | None, designation: str) -> str | None:
    """The designation as written, when it is more specific than the catalog's or another name with digits.

    "Su-30MKI" (the catalog's Su-30), "Leopard 2A6", "F-16 Block 70" and "S26T" (an export
    name of the Hangor class) are kept as written; "F-16s", "K9 howitzers", "Felon" or
    "Fighting Falcon" give no variant: the catalog's designation says it as well or better.
    """
    if not written:
        return None
    text = _TRAILING_WORDS.sub("", written.strip().rstrip(".,;:"))
    text = re.sub(r"['’]s$", "", text)
    folded, canonical = _FOLD.sub("", text.lower()), _FOLD.sub("", designation.lower())
    if text.endswith("s") and len(text) > 2 and (folded[:-1] == canonical or re.match(r"[A-Z0-9]", text[-2])):
        text, folded = text[:-1], folded[:-1]  # plurals: "F-16s", "Su-30SMs", "Gripen Cs"
    if not folded or folded in canonical:
        return None  # the catalog's name, or a shorter form of it ("T-129" of "T129 ATAK")
    if canonical in folded:
        # A maker's name before the designation is no part of the variant ("Saab Gripen C").
        words = text.split()
        while len(words) > 1 and canonical in _FOLD.sub("", " ".join(words[1:]).lower()):
            words = words[1:]
        text = " ".join(words)
        folded = _FOLD.sub("", text.lower())
        if folded == canonical:
            return None
        extra = folded.replace(canonical, "", 1)
        # A variant marks itself with a number or a short letter code ("Su-30MKI", "Gripen C/D",
        # "Block II"), not with a nickname ("JF-17 Thunder", "F-35 Lightning II").
        if re.search(r"\d", extra) or len(extra) <= 4 or _MARK.fullmatch(extra):
            return text
        return None
    if re.search(r"\d", text) and not _one_letter_apart(folded, canonical):
        return text
    return None  # a spelling of the same designation ("Bayraktar TV2") or a name without a number


def _one_letter_apart(a: str, b: str) -> bool:
    """Whether two folded names differ by one changed, added or dropped letter."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _attach_origins(text: str, offset: int, mentions: list[Mention], items: list[Item]) -> None:
    makers = [m for m in mentions if m.kind in ("state", "company") and (m.state or m.value)]
    for item in items:
        before_item = [m for m in makers if m.end <= item.start]
        for m in reversed(before_item):
            gap = text[m.end - offset : item.start - offset]
            if "," in gap or len(gap) > 45 or not _ORIGIN_GAP.match(gap) or _NOT_ORIGIN_WORDS.search(gap):
                continue
            if any(m.end <= q.start and q.end <= item.start for q in before_item if q is not m):
                break  # "Boeing invited Poland into talks on the F-15": another party stands between
            if m.kind == "state" and m.form not in ("demonym", "made", "name", "alias", "capital"):
                continue
            # A bare state name before an item is an origin only as a possessive or
            # compound ("Turkey's drones", "Ankara's newest drone").
            if (
                m.kind == "state"
                and m.form in ("name", "alias", "capital")
                and not re.match(r"^['’]s\b", gap)
            ):
                continue
            origin = m.state if m.kind == "company" else m.value
            if m.kind == "company" and item.catalog_state and _same_group(str(m.value), item.catalog_maker):
                # "Iveco Guarani", "BAE Systems offered the CV90": the group whose foreign arm
                # builds the system; the catalog knows from which state it comes.
                item.origin_at = m.start
                break
            item.origin_at = m.start
            # "US and British submarines": the first maker of a pair is an origin too, not a party.
            earlier = [q for q in makers if q.end <= m.start]
            if earlier and re.fullmatch(
                r"\s*(?:,|and|or|/|-)\s*", text[earlier[-1].end - offset : m.start - offset]
            ):
                item.also_origin_at = earlier[-1].start
            if (
                m.kind == "state"
                and item.catalog_state
                and origin != item.catalog_state
                and not item.pattern
                and _SUCCESSOR.get(origin) != item.catalog_state
            ):
                item.operator = origin  # the maker is known; the state named beside it uses it
            else:
                item.origin = origin
            break
        if item.origin is None and item.operator is None:
            # "drones made by Baykar", "engines built in Ukraine"
            for m in makers:
                if m.start >= item.end:
                    gap = text[item.end - offset : m.start - offset]
                    maker = m.state if m.kind == "company" else m.value
                    # A company abroad building a catalog system ("the CV90, made by BAE Systems")
                    # does not change whose system it is: the catalog knows its maker's state.
                    if _AFTER_ORIGIN.match(gap) and not (
                        m.kind == "company" and item.catalog_state and maker != item.catalog_state
                    ):
                        item.origin = maker
                        item.origin_at = m.start
                    break


def _attach_quantities(text: str, offset: int, items: list[Item]) -> None:
    floor = 0
    for item in items:
        quantity = quantity_before(text, item.start - offset, floor)
        if quantity is not None:
            item.quantity = Quantity(
                quantity.value,
                quantity.start + offset,
                quantity.end + offset,
                quantity.incremental,
                quantity.vague,
            )
        floor = item.end - offset
    # A count whose noun was left out goes to the last item named before it that has none.
    for bare in bare_quantities(text):
        before = [item for item in items if item.end - offset <= bare.start]
        # Not across a semicolon: "first tanks arrived; three more are due" is a new clause's count.
        if before and before[-1].quantity is None and ";" not in text[before[-1].end - offset : bare.start]:
            before[-1].quantity = Quantity(
                bare.value, bare.start + offset, bare.end + offset, bare.incremental, bare.vague
            )


def _same_group(company: str, maker: str | None) -> bool:
    """Whether a company and a catalog maker belong to one group ("BAE Systems" / "BAE Systems Hägglunds")."""
    if not maker:
        return False
    first = company.split()[0].lower()
    return any(part.split()[0].lower() == first for part in re.split(r"\s*[/&]\s*|,\s*", maker) if part)
