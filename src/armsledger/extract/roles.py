"""Who gives and who gets: roles of the states a sentence names.

A state is the supplier when it comes after "from", is the subject of a giving verb
("Turkey sold"), or makes the item ("Turkish drones"); it is the recipient after
"to"/"for", as the subject of a taking verb ("Poland bought"), or as the bare object
of a giving verb ("sold Ukraine"). States in one list ("Azerbaijan, Ukraine and
Qatar") share a role.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from armsledger.extract.cues import Cue
from armsledger.model import Mention

SUPPLIER, RECIPIENT, PARTNER, IGNORE, SPEAKER = "supplier", "recipient", "partner", "ignore", "speaker"
# A speaker whose side is decided once the other parties have theirs (see _speaker_as_other_side).
_LISTENING = "speaker-pending"

_MARKER = re.compile(
    r"\b(?P<word>along with|together with|alongside|as well as|according to|turn(?:ed|s|ing)? to|rel(?:y|ies|ied|ying) on|sourc(?:ed|es|ing) from|depend(?:s|ed|ing)? on"
    r"|dependent on|from|by|to|for|into|with|in|against|between|near|across|over|including|include|includes|like"
    r"|such as|among them|namely|of|and|on|at|than|versus|vs|toward|towards|onto)\s+(?:the\s+|its\s+|their\s+)?"
    r"(?:(?:eastern|western|northern|southern|central|north|south|east|west)\s+)?$",
    re.IGNORECASE,
)
_LIST_GAP = re.compile(
    # A maker in brackets may follow each member: "Spain (Navantia), France (Naval Group) and the UK".
    r"^\s*(?:\([^()]{1,40}\)\s*)?(?:,|,?\s*and|,?\s*or|,?\s*as well as|,?\s*along with|,?\s*together with"
    r"|,?\s*alongside|/|&)\s*(?:the\s+)?$",
    re.IGNORECASE,
)
# After a demonym, the nouns that make it stand for the state as a party.
_DEMONYM_PARTY = re.compile(
    r"^\s+(?:[A-Z][a-z]+\s+){0,2}(?:armed forces|forces|army|armies|military|militaries|air force|navy|government|troops|defen[cs]e ministry"
    r"|ministry of defen[cs]e|defen[cs]e forces|side|officials|authorities|leaders?|diplomats"
    r"|customers?|clients?|buyers?|purchasers?|importers?|recipients?"
    r"|(?:prime |defen[cs]e |foreign )?minist(?:er|ry)|president|premier|cabinet|parliament"
    # "the German arms sale freeze": the state's own decision about exports
    r"|(?:arms\s+)?(?:export|sales?|arms)\s+(?:freeze|ban|embargo|halt|veto)|freeze|embargo|veto)\b",
    re.I,
)
_DEMONYM_LIST = re.compile(
    r"^(?:\s*,?\s*(?:and\s+|or\s+)?(?:the\s+)?[A-Z][A-Za-z]+(?:\s+[A-Z][a-z]+){0,2})+(?:['’]s?)?(?=\s)"
)
_DEMONYM_FIRMS = re.compile(
    r"^\s+(?:[a-z\-]+\s+){0,2}(?:firms?|compan(?:y|ies)|manufacturers?|makers?|shipyards?|shipbuilders?"
    r"|contractors?|defen[cs]e industry|arms industry|industry)\b",
    re.I,
)
_ARRIVAL = re.compile(r"arriv|appeared|service|deploy|landed|reached|operat|fleet|delivered|in use", re.I)
# A state followed by these is a modifier of something else ("U.S. sanctions", "Turkey's border").
_NOT_PARTY_AFTER = re.compile(
    r"^(?:['’]s)?\s+(?:sanctions|pressure|opposition|objections?|concerns?|warnings?|criticism|embassy|ambassador|envoy"
    r"|president|prime minister|foreign minister|leader|leadership|media|press|news|citizens|people|economy|border"
    r"|territory|soil|airspace|waters|coast|counterpart|relations|ties|policy|position|stance|partners?|allies"
    r"|ally|comments?|remarks?|statements?|words|reaction|response|accusations?|complaints?|protests?|threats?"
    r"|demands?|claims?|allegations?|denials?|views?|warning|invasion|aggression|war|attacks?|offensive)\b",
    re.I,
)
# "Serbia's president said": the state speaks through its leaders.
_LEADER_SAID = re.compile(
    r"^(?:['’]s)?\s+(?:president|prime minister|foreign minister|leader|leadership|ambassador|envoy)"
    r"(?:\s+[A-Z][\w.\-]*){0,3},?\s+(?:said|says|told|announced|stated|confirmed)\b",
    re.I,
)
# Between a subject and its verb: a few lower-case words, or the state's own forces
# ("Chile's navy still operates", "Poland's army has ordered").
# A possessive right before the verb's noun: "Israel's refusal", "Turkey's planned purchase".
_POSSESSOR_GAP = re.compile(r"^['’]s\s+(?:[a-z\-]+\s+)?$")
_SUBJECT_GAP = re.compile(
    r"^\s+(?:(?:on|in|last|this|earlier)\s+(?:[A-Z][a-z]+|\d{4}|week|month|year)\s+)?"  # "Lithuania on Thursday signed"
    r"(?:(?!(?:to|for|of|with|from|in|on|by|at|into)\b)[a-z]+\s+){0,2}$"
    r"|^['’]s\s+(?:[a-z\-]+\s+){0,2}(?:armed forces|forces|army|navy|air force|military|government|ministry"
    r"|defen[cs]e ministry|troops|marines|coast guard)\s+(?:[a-z]+\s+){0,2}$"
)
# Only auxiliaries between a state and its verb: "led to Peru being dropped".
_AUX_GAP = re.compile(
    r"^\s+(?:(?:being|been|has|had|have|is|are|was|were|be|also|already|now|recently|reportedly|just|officially)\s+)"
    r"{1,3}$"
)
# The speaker is the actor: "said it would buy", "said on Friday it was selling", "confirmed its acquisition of".
_SAID_IT = re.compile(
    r"\b(?:said|says|say|announced|stated|confirmed)(?:\s+(?:on\s+|in\s+)?[A-Za-z0-9]+){0,2}?\s+(?:that\s+)?"
    r"(?:it|they|the country|the government)\b"
    r"|\b(?:announced|confirmed|unveiled|revealed|disclosed|finali[sz]ed)\s+(?:\w+\s+)?(?:its|their)\s+(?:\w+\s+)?$"
    r"|\b(?:announced|confirmed|revealed|finali[sz]ed)\s+(?:the\s+|a\s+)?(?:decision|intention|plans?)\s+to\s+$",
    re.I,
)
# Nouns and verbs before "from" that take something other than goods from a state.
_NOT_FROM_GOODS = re.compile(
    r"rebukes?|criticism|opposition|pressure|threats?|protests?|warnings?|objections?|condemnation|response"
    r"|benefited|benefitted|away|far|apart|independence|sanctions|retaliation|backlash|support|attacks?"
    r"|invasion|aggression|withdrawal|exit|resignation|visit|delegation|officials?|ministers?|envoys?"
    r"|reports?|reporting|news|sources?|media|footage|images?|data|statements?|assurances?|guarantees?"
)
_MAKER_BEFORE_DESIGNATION = re.compile(
    r"^(?:['’]s)?\s+(?:Corp\.?\s+|Co\.?\s+|Inc\.?\s+)?[A-Z][A-Za-z]{0,6}-?\d"
)
_TAKERS_INCLUDING = re.compile(
    r"\b(?:to|for|with)\s+(?:\w+\s+){0,3}(?:countries|nations|states|customers|clients|buyers|users)\s*,?\s*"
    r"(?:including|such as|like|namely)\s+$",
    re.I,
)
# The rest of a list of states up to its verb: "Chile, Peru, and Ecuador also fly".
_LIST_TAIL = re.compile(
    r"(?:\s*,?\s*(?:and\s+|or\s+)?(?:the\s+)?[A-Z][\w.’'\-]*(?:\s+[A-Z][\w.’'\-]*)*)*\s*,?"
    r"(?:\s+(?:also|have|has|had|now|already|currently|all|both|still|each|reportedly))*"
    r"(?:\s+(?:said|announced|confirmed|promised)\s+(?:that\s+)?(?:they|it)\s+(?:would|will|could)(?:\s+also)?)?\s+"
)
_MEMBERS_INCLUDING = re.compile(
    r"\b(?:countries|nations|states|allies|partners|members|governments)\s*,?\s*(?:including|such as|like|namely)\s+$",
    re.I,
)
_TRAVEL_TO = re.compile(
    r"\b(?:visits?|trips?|tours?|journey|travel(?:led|ed|s)?|flew|flown|came|went|returned|mission|delegation)"
    r"\s+(?:\w+\s+)?to\s+(?:the\s+)?$",
    re.I,
)
_BOUGHT_IN = re.compile(r"\b(?:acquired|bought|purchased|procured|ordered|built)\s+in\s+(?:the\s+)?$", re.I)
# Nouns whose "with" names a rival or a neighbour, not the other side of a deal.
_HOSTILE_WITH = re.compile(
    r"\b(?:tensions?|war|wars|conflict|fight|fighting|clash(?:es)?|dispute|rivalry|standoff|confrontation"
    r"|competition|friction|hostilities|border|borders|skirmish(?:es)?|battle|battles)\s+with\s+(?:the\s+)?$",
    re.I,
)
_IN_SERVICE_WITH = re.compile(
    r"\b(?:in service|in use|operational|entered service|serves?)\s+with\s+(?:the\s+)?$", re.I
)
# Nouns whose "from" names the buyer: "orders from Bulgaria", "interest, including from India".
_BUYERS_FROM = re.compile(
    r"\b(?:orders?|interest|demand|requests?|inquiries|enquiries)\s*,?\s+(?:\w+\s+){0,8}?(?:including\s+|notably\s+|mainly\s+)?"
    r"from\s+(?:the\s+)?$"
    # "has won a major arms contract from Saudi Arabia": the buyer awards it
    r"|\b(?:won|wins|winning|secured|secures|landed|clinched|bagged)\s+(?:\S+\s+){0,5}?(?:contracts?|deals?|orders?|tenders?)"
    r"\s+from\s+(?:the\s+)?$"
    r"|\b(?:including|notably|mainly)\s+from\s+(?:the\s+)?$",
    re.I,
)
# An equipment word right before "from": "tanks from the UK", "F-16s from Denmark".
_ITEM_FROM = re.compile(r"\b[\w\-]+s\s+from\s+(?:the\s+|its\s+|their\s+)?$")
_POSSESSIVE_RELATION = re.compile(
    r"^['’]s\s+(?:[a-z\-]+\s+){0,3}(?P<noun>suppliers?|providers?|vendors?|sources?|customers?|clients?|buyers?"
    r"|importers?|recipients?)\b",
    re.I,
)
_TAKER_NOUNS = ("supplier", "provider", "vendor", "source")
# What follows a verb of saying when the speaker itself is the actor ("said Tuesday that it").
_IT_TAIL = r"(?:\s+(?:on\s+|in\s+)?[A-Za-z0-9]+){0,2}?\s+(?:that\s+)?(?:it|they|its|their|the country|the government)\b"
_SPEAKER_AFTER = re.compile(
    r"^\s+(?:said|says|told|reported|announced|stated|added|confirmed|claimed)\b(?!" + _IT_TAIL + ")"
    r"|^(?:['’]s)?\s+(?:\w+\s+){0,2}(?:said|says|told|reported|announced|stated|confirmed)\b(?!"
    + _IT_TAIL
    + ")",
    re.I,
)
_PASSIVE = re.compile(r"\b(?:was|were|is|are|been|being|be)\s+(?:\w+\s+)?$")
_FROM_TO = re.compile(r"^\s+to\s+(?:the\s+)?[A-Z]")
_CONFLICT_AFTER = re.compile(
    r"^\s*(?:-|–)?\s*(?:backed|based|led|controlled|held|allied|aligned|designated|sanctioned|listed)\b", re.I
)
# A capital followed by these is part of a name ("the Minsk agreements", "Moscow Center").
_CAPITAL_AS_NAME = re.compile(
    r"^\s*(?:[A-Z][a-z]|agreements?|accords?|format|talks|summit|process|protocols?|treaty|declaration|based)"
)
# Verbs of saying: a state before them is the speaker, not the subject of the transfer.
_SPEECH = re.compile(
    r"\b(?:said|says|say|told|tells|warned|warns|claimed|claims|insisted|insists|announced|reported|stated|noted"
    r"|added|argued|criticised|criticized|condemned|denied|confirmed|according to|demanded|urged)\b",
    re.I,
)
# Clauses inside the gap that do not stop a subject from governing its verb.
_PARENTHETICAL = re.compile(r",\s*(?:which|who|whose|a|an|the)\b[^,]{0,120},")


@dataclass(slots=True)
class Party:
    """A state (or company standing for its state) named in a sentence, with its role."""

    code: str
    start: int
    end: int
    text: str
    role: str | None = None
    company: bool = False
    marker: str = ""  # the preposition before it ("from", "to", "with"...), if any


def parties_from(
    sentence: str, offset: int, mentions: list[Mention], used_as_origin: set[int]
) -> list[Party]:
    """The states a sentence names as actors, groups expanded, origins and titles left out."""
    parties: list[Party] = []
    for m in mentions:
        if m.start in used_as_origin:
            continue
        after = sentence[m.end - offset : m.end - offset + 40]
        if _CONFLICT_AFTER.match(after) or (_NOT_PARTY_AFTER.match(after) and not _LEADER_SAID.match(after)):
            continue  # "Russian-backed", "U.S. sanctions": not an actor in the deal
        if m.kind == "state":
            if m.form == "made":
                continue
            if m.form == "capital" and _CAPITAL_AS_NAME.match(after):
                continue
            if m.form in ("name", "alias") and _national_arm(sentence, offset, parties, m):
                continue
            if m.form == "demonym" and _DEMONYM_FIRMS.match(after):
                # "Indian firms", "two South Korean companies": makers acting for their state.
                parties.append(Party(m.value, m.start, m.end, m.text, company=True))
                continue
            wide = sentence[m.end - offset : m.end - offset + 160]
            if m.form == "demonym" and not (
                _DEMONYM_PARTY.match(after) or _DEMONYM_PARTY.match(_DEMONYM_LIST.sub("", wide, count=1))
            ):
                continue  # "the Polish, Finnish and UAE armies": each demonym of the list names its forces
            parties.append(Party(m.value, m.start, m.end, m.text))
        elif m.kind == "group":
            for code in m.value:
                parties.append(Party(code, m.start, m.end, m.text))
        elif m.kind == "operator":
            parties.append(Party(m.value, m.start, m.end, m.text, role=RECIPIENT))
        elif m.kind == "company" and m.state:
            if re.search(r"\(\s*$", sentence[max(0, m.start - offset - 2) : m.start - offset]):
                continue  # "Italy (Fincantieri)": the state named just before stands for it
            if _MAKER_BEFORE_DESIGNATION.match(after):
                continue  # "an Ilyushin Il-78MP", "Bell AH-1Z": the maker of a machine named, not an actor
            parties.append(Party(m.state, m.start, m.end, m.text, company=True))
    return parties


def _national_arm(sentence: str, offset: int, parties: list[Party], state: Mention) -> bool:
    """ "Thales Australia", "Saab (SAAB) Australia": a group's arm in a state.

    The state's name right after a company's is part of the company's name; the company
    then stands for that state. Returns whether the state was taken so.
    """
    end = state.start
    arm = []
    for party in reversed(parties):
        gap = sentence[party.end - offset : end - offset]
        if not party.company or not re.fullmatch(r"\s*(?:\([A-Z0-9&\-]{2,10}\)\s*)?", gap):
            break
        arm.append(party)
        end = party.start
    for party in arm:
        party.code = str(state.value)
    return bool(arm)


def assign_roles(
    sentence: str,
    offset: int,
    parties: list[Party],
    cues: list[Cue],
    item_starts: list[int] | None = None,
    item_origins: frozenset[str] = frozenset(),
) -> None:
    """Give each party a role from its preposition, its place around the verb, and its list.

    ``item_origins`` are the makers' states named beside the items ("Iranian missiles").
    """
    starts = item_starts or []

    def has_item_before(position: int) -> bool:
        return any(s < position for s in starts)

    groups = _list_groups(sentence, offset, parties)
    # A list is real when "and"/"or" joins it; bare commas may be appositions ("Dassault, the UAE").
    real_lists = {
        gid: _joined(sentence, offset, [p for p in parties if groups[id(p)] == gid])
        for gid in set(groups.values())
    }
    preset = _possessive_relations(sentence, offset, parties)
    for party in parties:
        head = parties[groups[id(party)]]
        if (
            head is not party
            and head.role is not None
            and party.role is None
            and real_lists.get(groups[id(party)])
            # "between Hanwha and the Estonian ministry": a maker and its counterpart share no role.
            and head.company == party.company
        ):
            party.role = head.role  # a later member of a list takes the first member's role
            continue
        before = sentence[max(0, party.start - offset - 30) : party.start - offset]
        marker = _MARKER.search(before)
        word = marker.group("word").lower() if marker else ""
        if word in ("along with", "together with", "alongside", "as well as"):
            word = "and"
        party.marker = word
        cue_before = next((c for c in reversed(cues) if c.end <= party.start), None)
        cue_after = next((c for c in cues if c.start >= party.end), None)
        if party.role is not None:
            continue
        if party.company and word == "of":
            party.role = IGNORE  # "the Dutch unit of Thales": a parent company, not a party
            continue
        if party.company and word not in ("to", "for", "with"):
            party.role = SUPPLIER  # companies named as actors are makers and sellers
            continue
        if (
            party.company
            and word == "to"
            and re.search(r"\bawarded\b[^.;]{0,80}$", sentence[: party.start - offset])
        ):
            party.role = SUPPLIER  # "awarded a contract to Korea Aerospace Industries": the maker wins it
            continue
        if (
            word == "from"
            and _FROM_TO.match(sentence[party.end - offset :])
            and not (cue_before is not None and party.start - cue_before.end < 20)
        ):
            party.role = IGNORE  # "conflicts from Syria to Ukraine": a range of places
            continue
        if cue_after is not None and any(
            party.end < q.start < cue_after.start and q.text != party.text
            for q in parties
            if groups[id(q)] != groups[id(party)] and id(q) not in preset
        ):
            # Another state stands between this one and the verb: it is the subject, not this one.
            if word in ("", "and"):
                party.role = IGNORE
            cue_after = None
        gap_to_cue = sentence[party.end - offset : cue_after.start - offset] if cue_after else ""
        if cue_after is not None and _POSSESSOR_GAP.match(gap_to_cue):
            # "angered by Berlin's refusal to send", "worried by Cairo's purchase of":
            # the possessor does the act its noun names, whatever preposition stands before it.
            word = ""
        if (
            cue_after is not None
            and not _SPEECH.search(gap_to_cue)
            and (
                (word in ("", "and") and (_SUBJECT_GAP.match(gap_to_cue) or _POSSESSOR_GAP.match(gap_to_cue)))
                or (word in ("", "and", "in", "of") and _AUX_GAP.match(gap_to_cue) and "being" in gap_to_cue)
            )
        ):
            # Right before its verb ("Poland has ordered", "Turkey being removed"): the subject.
            if _PASSIVE.search(gap_to_cue) and cue_after.text.lower().endswith(
                ("ed", "sold", "sent", "given")
            ):
                # "Ukraine was supplied with drones", "Turkey being removed": the passive subject takes.
                party.role = PARTNER if cue_after.direction == "neutral" else RECIPIENT
            else:
                party.role = {"supply": SUPPLIER, "receive": RECIPIENT}.get(
                    _acting_direction(cue_after, cues), PARTNER
                )
            continue
        if word == "according to":
            party.role = IGNORE
        elif word in (
            "turned to",
            "turn to",
            "turns to",
            "turning to",
            "rely on",
            "relies on",
            "relied on",
            "relying on",
            "sourced from",
            "sources from",
            "sourcing from",
            "depends on",
            "depend on",
            "depended on",
            "depending on",
            "dependent on",
        ):
            party.role = SUPPLIER
        elif word == "from":
            # "bought ... from France", not "benefited from Indonesia" or "a rebuke from Russia".
            head = re.search(r"(\w+)\s+from\s+(?:the\s+|its\s+|their\s+)?$", before)
            not_goods = head is not None and _NOT_FROM_GOODS.fullmatch(head.group(1).lower())
            if _BUYERS_FROM.search(sentence[max(0, party.start - offset - 80) : party.start - offset]):
                party.role = RECIPIENT  # "orders from Poland", "interest including from India": the buyers
                continue
            # "Leopard tanks from Spain came too": right after the item, before the verb.
            after_item = has_item_before(party.start) and head is not None and _ITEM_FROM.search(before)
            giver = cue_before is not None or party.company or after_item
            party.role = SUPPLIER if giver and not not_goods else IGNORE
        elif word == "by":
            near = cue_before is not None and party.start - cue_before.end < 25
            if party.company or (near and cue_before.direction == "supply"):
                party.role = SUPPLIER
            elif near and (
                (
                    cue_before.direction == "receive"
                    and (not cue_before.modifier or cue_before.status == "planned")
                )
                or cue_before.text.lower().startswith("request")
            ):
                # "ordered by Egypt", "selected by the U.S. Navy", "the weapons requested by Taiwan"
                party.role = RECIPIENT
            else:
                party.role = IGNORE
        elif word in ("to", "for", "into", "onto"):
            # Only after the transfer is named: "sold drones to Qatar", not "said to Washington";
            # the cue may span the party ("the sale to Turkey includes"); a visit or a trip
            # to a state goes there, it receives nothing.
            named = cue_before is not None or any(c.start < party.start for c in cues)
            travel = word == "to" and _TRAVEL_TO.search(before)
            party.role = RECIPIENT if (named or has_item_before(party.start)) and not travel else IGNORE
        elif word == "with":
            # "in service with Poland": the users; "tensions with Israel": no party; else a partner.
            if _IN_SERVICE_WITH.search(before):
                party.role = RECIPIENT
            elif cue_after is not None and re.fullmatch(
                r"\s+(?:also\s+)?", sentence[party.end - offset : cue_after.start - offset]
            ):
                # "..., with Denmark pledging 19": the state acts by the verb right after it.
                party.role = {"supply": SUPPLIER, "receive": RECIPIENT}.get(cue_after.direction, PARTNER)
            elif _HOSTILE_WITH.search(before):
                party.role = IGNORE
            else:
                party.role = PARTNER
        elif word == "in" and cue_before is not None and _BOUGHT_IN.search(before):
            party.role = SUPPLIER  # "a FREMM acquired in France": bought from there
        elif word == "in":
            between = sentence[cue_before.start - offset : party.start - offset] if cue_before else ""
            arrived = cue_before is not None and (
                _ARRIVAL.search(cue_before.text) or cue_before.text.lower() == "their use"
            )
            party.role = RECIPIENT if arrived and len(between) < 60 else IGNORE
        elif word in ("against", "between", "near", "across", "over", "versus", "vs", "than", "on", "at"):
            party.role = IGNORE
        elif word == "of" and re.search(r"\bthe (?:choice|pick|preferred option) of\s+(?:the\s+)?$", before):
            party.role = RECIPIENT  # "is the choice of the Polish and UAE armies"
        elif word in ("including", "include", "includes", "like", "such as", "among them", "namely"):
            wide = sentence[max(0, party.start - offset - 90) : party.start - offset]
            if _TAKERS_INCLUDING.search(wide):
                party.role = RECIPIENT  # "sold drones to several countries, including Poland"
            elif _MEMBERS_INCLUDING.search(wide) and not any(
                q.role == RECIPIENT and q.end <= party.start for q in parties
            ):
                # "Gulf countries such as Kuwait and Oman also operate Typhoons": the subjects;
                # "an offer matched by other states including Italy": not the takers.
                tail = sentence[party.end - offset : cue_after.start - offset] if cue_after else "-"
                if cue_after is not None and _LIST_TAIL.fullmatch(tail):
                    party.role = {"supply": SUPPLIER, "receive": RECIPIENT}.get(cue_after.direction, PARTNER)
                else:
                    party.role = IGNORE
            else:
                party.role = RECIPIENT if cue_before is not None else None
        elif party.company and word != "of":
            party.role = SUPPLIER  # companies named as actors are makers and sellers
        elif word in ("and",) or not word or word == "of":
            if cue_after is not None and (cue_before is None or _closer(party, cue_after, cue_before)):
                gap = sentence[party.end - offset : cue_after.start - offset]
                if word == "of" and "," in gap:
                    continue  # "to the anger of the US, the purchase went ahead": another clause
                gap = _PARENTHETICAL.sub(",", gap)
                if _SPEECH.search(gap):
                    party.role = SPEAKER  # the speaker, not (yet) the subject of the transfer
                    continue
                if len(gap) > 70 or re.match(r"\s+(?:for|of|with|from|in|on|at|to|into|by)\s", gap):
                    continue  # "Armenia for the supply of": a phrase about it, not its verb
                party.role = {"supply": SUPPLIER, "receive": RECIPIENT}.get(cue_after.direction, PARTNER)
            elif cue_before is not None:
                gap = sentence[cue_before.end - offset : party.start - offset]
                if cue_before.direction == "supply" and len(gap) < 25:
                    party.role = RECIPIENT  # "sold Ukraine", "supplying Ethiopia's army with"
    _share_list_roles(sentence, offset, parties)
    _local_builders(parties)
    _speaker_as_subject(sentence, offset, parties, cues)
    _gapped_suppliers(sentence, offset, parties, starts)
    _infinitive_purpose(sentence, offset, parties, cues)
    _speaker_as_other_side(parties, cues, item_origins)
    _gapped_counts(sentence, offset, parties)
    _joiners(sentence, offset, parties)


def _joiners(sentence: str, offset: int, parties: list[Party]) -> None:
    """ "Iraq now joins Egypt as buyers of the K9": the joiner shares their role."""
    for index, party in enumerate(parties):
        if party.role not in (None, IGNORE):
            continue
        if not re.match(r"\s+(?:now\s+|also\s+|thus\s+)?join(?:s|ed|ing)?\s", sentence[party.end - offset :]):
            continue
        joined = next((q for q in parties[index + 1 :] if q.role in (SUPPLIER, RECIPIENT)), None)
        if joined is not None:
            party.role = joined.role


def _local_builders(parties: list[Party]) -> None:
    """ "built locally by PT PAL" for Indonesia: a company of the taking state builds, it does not supply."""
    takers = {p.code for p in parties if p.role == RECIPIENT and not p.company}
    for party in parties:
        if party.company and party.role == SUPPLIER and party.code in takers:
            party.role = IGNORE


def _speaker_as_subject(sentence: str, offset: int, parties: list[Party], cues: list[Cue]) -> None:
    """ "The Chilean navy said it no longer wanted the frigates": a speaker who says "it" acts."""
    speakers = [p for p in parties if p.role == SPEAKER]
    taken = {p.role for p in parties if p.role not in (SPEAKER, IGNORE, None)}
    codes = {p.code for p in parties if p.role not in (SPEAKER, IGNORE, None)}
    for party in speakers:
        cue = next((c for c in cues if c.start >= party.end), None)
        said_it = _SAID_IT.search(sentence[party.end - offset : cue.start - offset]) if cue else None
        role = {"supply": SUPPLIER, "receive": RECIPIENT}.get(cue.direction, PARTNER) if cue else IGNORE
        # "Denmark's ministry said that it was selling F-16s to Argentina": the speaker acts,
        # unless another state already holds that side of the deal.
        if said_it and role not in taken:
            party.role = role
        elif not said_it and party.code not in codes and any(c.start >= party.end for c in cues):
            party.role = _LISTENING  # decided once the other parties have their roles
        else:
            party.role = IGNORE


def _speaker_as_other_side(parties: list[Party], cues: list[Cue], item_origins: frozenset[str]) -> None:
    """ "Serbia's president said Belarus had agreed to sell Buk systems": the speaker's state is
    the other side of the deal it reports, when the sentence names only one side.

    Not the giver of goods named as another state's make: "Israel's minister said Iranian
    missiles are being delivered to Venezuela" reports Iran's deliveries.
    """
    taken = {p.role for p in parties if p.role in (SUPPLIER, RECIPIENT)}
    for party in parties:
        if party.role != _LISTENING:
            continue
        directed = next((c for c in cues if c.start >= party.end and c.direction != "neutral"), None)
        other = None
        if directed is not None and len(taken) == 1:
            other = RECIPIENT if SUPPLIER in taken else SUPPLIER
        if other == SUPPLIER and item_origins and party.code not in item_origins:
            other = None
        party.role = other or IGNORE


def _infinitive_purpose(sentence: str, offset: int, parties: list[Party], cues: list[Cue]) -> None:
    """ "Italy signed a deal with Qatar to supply helicopters": the subject does what follows "to"."""
    for cue in cues:
        if (
            cue.direction == "neutral"
            or cue.modifier
            or not re.search(r"\bto\s+$", sentence[: cue.start - offset])
        ):
            continue
        before = [
            p for p in parties if p.end <= cue.start and p.role in (PARTNER, None) and p.marker in ("", "and")
        ]
        if before:
            subject = (
                before[-1]
                if before[-1].role == PARTNER
                else next((p for p in before if p.role == PARTNER), before[-1])
            )
            if subject.role is None and re.fullmatch(
                r"\s+to\s+", sentence[subject.end - offset : cue.start - offset]
            ):
                subject.role = PARTNER  # a headline's "Norway to hand over": the subject acts
            if subject.role == PARTNER:
                role = SUPPLIER if cue.direction == "supply" else RECIPIENT
                groups = _list_groups(sentence, offset, parties)
                # "Chile and Peru signed deals to buy": the whole list acts.
                for member in parties:
                    if groups[id(member)] == groups[id(subject)] and member.role == PARTNER:
                        member.role = role
                return


def _gapped_counts(sentence: str, offset: int, parties: list[Party]) -> None:
    """ "Spain will give 10 tanks, Portugal – 4, and Italy – 6": each gives its share."""
    first = next((p for p in parties if p.role in (SUPPLIER, RECIPIENT)), None)
    if first is None:
        return
    for party in parties:
        if party.start > first.end and re.match(r"\s*[–—-]\s*\d", sentence[party.end - offset :]):
            party.role = first.role


def _gapped_suppliers(sentence: str, offset: int, parties: list[Party], item_starts: list[int]) -> None:
    """ "Sweden offered Gripens, the US F-16s and Israel used F-16s": each bidder before its own item."""
    if not any(p.role == SUPPLIER for p in parties):
        return
    for party in parties:
        if party.role is not None:
            continue
        following = [s for s in item_starts if s > party.end]
        if not following:
            continue
        nearest = min(following)
        between = sentence[party.end - offset : nearest - offset]
        if (
            len(between) < 30
            and not any(party.end < q.start < nearest for q in parties)
            and "," not in between
        ):
            party.role = SUPPLIER


def _list_groups(sentence: str, offset: int, parties: list[Party]) -> dict[int, int]:
    """Number each coordinated list of parties ("Azerbaijan, Ukraine and Qatar") by its first member."""
    groups: dict[int, int] = {}
    current = -1
    for index, party in enumerate(parties):
        if index:
            prev = parties[index - 1]
            gap = sentence[prev.end - offset : party.start - offset]
            if prev.end == party.end or _LIST_GAP.match(gap):
                groups[id(party)] = current
                continue
        current = index
        groups[id(party)] = current
    return groups


def _closer(party: Party, after: Cue, before: Cue) -> bool:
    return after.start - party.end <= party.start - before.end + 40


def _joined(sentence: str, offset: int, group: list[Party]) -> bool:
    """Whether a run of parties is a coordinated list: "and"/"or" inside it or right after it."""
    if len(group) < 2:
        return False
    gaps = [sentence[a.end - offset : b.start - offset] for a, b in itertools.pairwise(group)]
    after = sentence[group[-1].end - offset : group[-1].end - offset + 12]
    return (
        any(re.search(r"\b(?:and|or)\b|&", gap) for gap in gaps)
        or bool(re.match(r",?\s+(?:and|or)\b", after))
        or len({p.end for p in group}) == 1
    )


def _possessive_relations(sentence: str, offset: int, parties: list[Party]) -> set[int]:
    """ "India's largest arms supplier" makes India a taker; "Russia's biggest customers" makes Russia a giver."""
    preset: set[int] = set()
    for party in parties:
        after = sentence[party.end - offset : party.end - offset + 60]
        match = _POSSESSIVE_RELATION.match(after)
        if match and party.role is None:
            party.role = RECIPIENT if match.group("noun").lower().startswith(_TAKER_NOUNS) else SUPPLIER
            preset.add(id(party))
        elif party.role is None and _SPEAKER_AFTER.match(after):
            # ", the White House said": the source of the report; "Serbia's president said"
            # may yet be the unnamed side of the deal it reports (see _speaker_as_subject).
            party.role = SPEAKER if _LEADER_SAID.match(after) else IGNORE
            preset.add(id(party))
    return preset


def _share_list_roles(sentence: str, offset: int, parties: list[Party]) -> None:
    """Members of one coordinated list take the role of the member that has one."""
    groups: list[list[Party]] = []
    for party in parties:
        if groups:
            prev = groups[-1][-1]
            gap = sentence[prev.end - offset : party.start - offset]
            if prev.end == party.end or _LIST_GAP.match(gap):
                groups[-1].append(party)
                continue
        groups.append([party])
    for group in groups:
        roles = [p.role for p in group if p.role not in (None,)]
        joined = _joined(sentence, offset, group)
        if not roles or (len(group) > 1 and not joined and len({p.end for p in group}) > 1):
            continue  # bare commas may be appositions ("to Moscow, the White House said")
        holder = next(p for p in group if p.role is not None)
        for p in group:
            if p.role is None:
                # A maker and the state it deals with ("between Baykar and the Kuwaiti
                # ministry") are two sides; only states with states share a role.
                p.role = holder.role if p.company == holder.company else PARTNER


def _acting_direction(cue: Cue, cues: list[Cue]) -> str:
    """The direction a subject takes from its verb; a modal cue hands over to the verb it governs.

    "Israel refused to transfer": the refusal is Israel's, and the transfer says it would give.
    """
    if cue.modifier:
        governed = next((c for c in cues if 0 <= c.start - cue.end <= 3 and c is not cue), None)
        if governed is not None and governed.direction in ("supply", "receive") and not governed.modifier:
            return governed.direction
    return cue.direction
