"""Transfer cues: the words that say a transfer happened, is agreed, wanted or stopped.

Each cue carries the deal stage it signals (status), the kind of deal, and which side
of the transfer its grammatical subject is on: the giver ("sold", "supplied"), the
taker ("bought", "received"), or either ("signed a deal").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Direction = Literal["supply", "receive", "neutral"]


@dataclass(frozen=True, slots=True)
class Cue:
    """One transfer cue in a text."""

    start: int
    end: int
    text: str
    status: str
    deal: str
    direction: Direction
    # Modifier cues (interest, planned, cancelled) change the stage of the deal that a
    # base cue ("sold", "ordered") names; base cues name the event itself.
    modifier: bool = False
    # Strong cues need no equipment word nearby to count ("have also ordered").
    strong: bool = False
    # An infinitive ("negotiating ... to sell"): the verb before it sets the stage.
    infinitive: bool = False


def _cue(
    pattern: str, status: str, deal: str, direction: Direction, modifier: bool = False, strong: bool = False
) -> tuple[re.Pattern[str], str, str, Direction, bool, bool]:
    # Not after a hyphen: "second-order effects" is no order.
    return (
        re.compile(rf"\b(?<![-‐])(?:{pattern})\b", re.IGNORECASE),
        status,
        deal,
        direction,
        modifier,
        strong,
    )


# Order matters only for readability; every cue that matches is reported.
_CUES = [
    # cancelled
    _cue(r"cancel(?:l?ed|s|l?ing|lation)?", "cancelled", "unknown", "neutral", True),
    _cue(r"suspend(?:ed|s|ing)?|suspension", "cancelled", "unknown", "supply", True),
    _cue(
        r"halt(?:ed|s|ing)?|froze|frozen|freez(?:e|es|ing)|scrap(?:ped|s|ping)?|revok(?:ed|es|ing)"
        r"|stopped (?:delivering|exporting|supplying|selling)",
        "cancelled",
        "unknown",
        "supply",
        True,
    ),
    _cue(
        r"(?:removed|expelled|excluded|kicked|barred|banned)(?=\s+(?:\S+\s+){1,3}from\b)",
        "cancelled",
        "unknown",
        "supply",
        True,
    ),
    _cue(
        r"(?:removed|expelled|excluded|kicked out|dropped|suspended) from|exclusion from|removal from",
        "cancelled",
        "unknown",
        "receive",
        True,
    ),
    _cue(
        r"(?:won['’]t|will not|not) be allowed|barred from|blocked|embargo(?:es|ed)?|arms ban|refus(?:al|ed|es|ing) to"
        r"|backed out|pulled out|no longer interested|withdr(?:ew|awn) from|terminat(?:ed|es|ing)"
        r"|decided against|rejected|dropped"
        r"|fell (?:apart|through)|collapsed|thwarted|shelved|abandoned|never materiali[sz]ed"
        r"|did not (?:enter into force|go ahead|materiali[sz]e|go through)",
        "cancelled",
        "unknown",
        "receive",
        True,
    ),
    # "The Italian air force is expected to order AEW aircraft": its subject is the buyer.
    _cue(
        r"(?:expected|likely|poised) to (?:order|buy|purchase|acquire|procure)",
        "planned",
        "sale",
        "receive",
        True,
    ),
    # interest
    _cue(
        r"prepared to (?:sell|supply|export)|willing(?:ness)? to (?:sell|supply|export)|could (?:sell|supply|export)"
        r"|may (?:sell|supply|export)|might (?:sell|supply|export)|(?:is|are) ready to (?:sell|supply)"
        r"|want(?:s|ed)? to (?:sell|supply|export)",
        "interest",
        "sale",
        "supply",
        True,
        True,
    ),
    _cue(
        r"interested|interest in|potential (?:buyers?|customers?|clients?|candidates?|recipients?)|candidates?"
        r"|consider(?:s|ed|ing)?|eye(?:s|ing|d)|keen (?:to|on)|wants? to (?:buy|acquire|purchase|get)"
        r"|want (?:u\.?a\.?v\.?s|drones|them)|seek(?:s|ing)? to (?:buy|acquire)|looking to (?:buy|acquire)"
        r"|expressed interest|mull(?:s|ed|ing)|willing(?:ness)? to buy"
        r"|whether|could (?:buy|receive|acquire)|may (?:buy|receive|acquire)"
        r"|might (?:buy|receive)|possible (?:buyers?|customers?)|interest from|tries|trying out|tested",
        "interest",
        "sale",
        "receive",
        True,
        True,
    ),
    # planned
    _cue(
        r"in the pipeline|negotiat(?:e|es|ed|ing|ions?)|talks|in-principle|in principle|(?:plans?|planning|planned) to"
        r"|planned|plans? for|intend(?:s|ed|ing)? to|intention to|intent to|approv(?:ed|es|al)|possible sale|proposed sale"
        r"|clear(?:ed|s)(?=\s+(?:a|an|the)?\s*(?:\S+\s+){0,4}?(?:sale|purchase|export))"
        r"|tender|decided(?:\s+\w+){0,3}?\s+to (?:procure|buy|acquire|purchase|order)"
        r"|memorandum|letter of intent|set to (?:sign|buy|purchase)|request(?:ed|s|ing)?|ask(?:ed|s|ing)? for"
        r"|(?:could|may|might|would|expected to|poised to|about to|likely to)(?:\s+soon)?\s+sign"
        r"|close to (?:signing|ordering|buying|purchasing|acquiring|a deal)"
        r"|will (?:(?:also|soon|now)\s+)?(?:be\s+)?(?:buy|sign|acquir|purchas|procur)\w*"
        r"|preliminary|framework agreement|shortlist(?:ed)?|contenders?|bidders?|in the running"
        r"|funds? for|funding for|budget(?:ed|s)? for|earmark(?:ed|s)? (?:\S+\s+){0,3}?for"
        r"|aim(?:s|ed|ing)? to (?:eventually )?(?:buy|acquire|purchase|procure)|competition|competing",
        "planned",
        "sale",
        "neutral",
        True,
        True,
    ),
    _cue(r"offer(?:ed|s|ing)?|bids?|bidding|pitch(?:ed|es|ing)?", "planned", "sale", "supply", True, True),
    # production (stage decided by other cues; on its own it is an agreed venture)
    _cue(
        r"joint venture|co-produc(?:e|es|ed|ing|tion)|co-build|coproduc(?:e|ing|tion)|licen[cs]ed? production"
        r"|produce under licen[cs]e|local (?:production|assembly|manufacturing)|manufacture[ds]? (?:\w+ )?locally"
        r"|facilities to (?:manufacture|produce)|production line|under licen[cs]e|assembled (?:locally|in)",
        "ordered",
        "production",
        "neutral",
        False,
        True,
    ),
    # ordered
    _cue(
        r"sign(?:ed|s|ing)? (?:a |an |the )?(?:\$?[\w.,-]+ )?(?:deal|contract|agreement)s?|signed (?:up )?for|deals?|contracts?"
        r"|agreements?",
        "ordered",
        "sale",
        "neutral",
        False,
        True,
    ),
    _cue(
        r"order(?:ed|s|ing)?|bought|buys?|buying|purchas(?:e|es|ed|ing)|acquir(?:e|es|ed|ing)|acquisition"
        r"|procur(?:e|es|ed|ing|ement)|finali[sz](?:e|es|ed|ing)|won an order"
        r"|en route|set to receive|(?:is|are) to receive|expect(?:s|ed|ing)? to (?:receive|get|take delivery)|will receive|is due to receive",
        "ordered",
        "sale",
        "receive",
        False,
        True,
    ),
    _cue(r"agreed", "ordered", "sale", "neutral", False, True),
    # A signed US Letter of Offer and Acceptance is the order itself.
    _cue(r"letters? of (?:offer and )?acceptance|\bLOA\b", "ordered", "sale", "receive", False, True),
    _cue(
        r"(?:package|deal|sale|contract|order|agreement|request|delivery|shipment|consignment|batch)s?"
        r"(?:\s+(?:to|for|with)\s+(?:the\s+)?[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)?"  # "The sale to Greece includes"
        r"\s+(?:also\s+)?(?:includes?|included|covers?|comprises?|contains?)"
        # "a wider package, worth 3 billion dollars, that would also cover ..."
        r"|(?:package|deal|contract|agreement|order)s?,[^,;]{1,60},\s+(?:which|that)\s+(?:will\s+|would\s+)?"
        r"(?:also\s+)?(?:includes?|included|covers?|comprises?)",
        "inherit",
        "sale",
        "neutral",
        False,
        True,
    ),
    # "handed Ukraine a first system": the double object needs no "over".
    _cue(r"hand(?:ed|s|ing)? over|handed|handing", "delivered", "unknown", "supply", False, True),
    # "Turkey arms Azerbaijan with drones": the verb with a named taker before "with".
    # Lower case only: "the Qatari Armed Forces with" is a name, not the verb.
    _cue(
        r"(?-i:arms|arming|armed)(?=\s+(?:the\s+)?(?:[A-Z][\w.’'\-]*\s+){1,3}with\b)",
        "delivered",
        "unknown",
        "supply",
    ),
    # "Belarus has armed Sudan for decades": the verb, not the adjective "armed forces".
    _cue(
        r"(?:has|have|had) (?:long )?armed(?! (?:forces|groups?|drones?|with))",
        "delivered",
        "unknown",
        "supply",
    ),
    _cue(r"armed with", "delivered", "unknown", "neutral", False, True),
    _cue(r"(?:will |to )get|gets|getting|obtain(?:s|ed|ing)?", "ordered", "sale", "receive", False, True),
    _cue(
        r"select(?:ed|ing|s|ion of)?|chose|chosen|picked|opted for|preferred|downselected",
        "planned",
        "sale",
        "receive",
        True,
        True,
    ),
    # Marketing to a potential buyer: "demonstrated the A-29 to the Ghana Air Force".
    _cue(
        r"demonstrat(?:ed|es|ing|ion)|display(?:ed|s|ing)|showcas(?:ed|es|ing)|market(?:ed|s|ing)|promot(?:ed|es|ing)",
        "interest",
        "sale",
        "supply",
        True,
        True,
    ),
    # "Russia built submarines for Algeria": building for another state supplies it.
    _cue(r"(?:built|constructed|building)(?=\s+(?:[\w\-]+\s+){0,6}?for\b)", "delivered", "sale", "supply"),
    _cue(
        r"pledg(?:e|es|ed|ing)|promis(?:e|es|ed|ing)|commit(?:s|ted)? to (?:send|supply|provide|deliver)"
        r"|committed(?=\s+(?:\S+\s+){0,5}?to\s+[A-Z])|the choice of",
        "ordered",
        "aid",
        "supply",
        False,
        True,
    ),
    _cue(r"leas(?:e|es|ed|ing)", "delivered", "lease", "receive", False, True),
    _cue(r"loan(?:ed|s|ing)?|lent|lend(?:s|ing)?", "delivered", "lease", "supply", False, True),
    _cue(
        r"sought(?!\s+to\b)|seek(?:s|ing)?(?!\s+to\b)|request(?:ed|s|ing)? (?:more|additional)",
        "interest",
        "sale",
        "receive",
        True,
        True,
    ),
    _cue(r"agreed to (?:buy|purchase|acquire|procure)", "ordered", "sale", "receive", False, True),
    _cue(r"customers?|clients?|buyers?|purchasers?|importers?", "ordered", "sale", "receive", False, True),
    _cue(r"sold|sells?|selling|sales?", "ordered", "sale", "supply", False, True),
    # delivered
    _cue(
        r"deliver(?:y|ies)|received|recieved|receiv(?:e|es|ing)|import(?:ed|s|ing)|arriv(?:ed|es|al)|took delivery"
        r"|commissioned"
        r"|taken delivery|in service|in use|entered service|inducted|equipped with|operat(?:e|es|ed|ing|ors?)|operational(?=\s+(?:in|with)\b)"
        r"|users?(?=\s+of\b)"
        r"|deploy(?:ed|s|ing|ment)|us(?:ed|es|ing)(?! to\b)|use of|their use|(?<!\bto )(?<!\bcan )(?<!\bcould )use(?=\s+(?:the|its|their|versions?|(?-i:[A-Z0-9])))"
        r"|fleet|landed|reached|appeared in"
        r"|shipments?|shipped|completed|helped|sent to|fielded"
        r"|turn(?:ed|s|ing)? to|rel(?:y|ies|ied) on|relying on|sourc(?:ed|es|ing) from|depend(?:s|ed)? on"
        r"|powered by|fitted with|features?|featuring|integrated (?:on|into|with)|installed (?:on|in)",
        "delivered",
        "unknown",
        "receive",
        False,
        True,
    ),
    _cue(
        r"deliver(?:ed|s|ing)?|supplied|suppl(?:y|ies|ying)|exported|exports?|exporting|provided|provid(?:e|es|ing)|sent|send(?:s|ing)?"
        r"|transferred|transfer(?:s|ring)?|gave|giv(?:e|es|ing|en)|gifted|gift|donat(?:e|ed|es|ing|ion)",
        "delivered",
        "sale",
        "supply",
        False,
        True,
    ),
    _cue(
        r"(?:military )?aid|assistance|security package|aid package", "ordered", "aid", "supply", False, False
    ),
]


def find_cues(text: str, offset: int = 0) -> list[Cue]:
    """Every transfer cue in the text, left to right, longest match first where they overlap."""
    found: list[Cue] = []
    for pattern, status, deal, direction, modifier, strong in _CUES:
        for match in pattern.finditer(text):
            found.append(
                Cue(
                    match.start() + offset,
                    match.end() + offset,
                    match.group(),
                    status,
                    deal,
                    direction,
                    modifier,
                    strong,
                )
            )
    found.sort(key=lambda c: (c.start, -(c.end - c.start)))
    kept: list[Cue] = []
    for cue in found:
        if kept and cue.start < kept[-1].end:
            continue
        kept.append(cue)
    return _refine(kept, text, offset)


def _refine(cues: list[Cue], text: str, offset: int) -> list[Cue]:
    """Adjust cues whose meaning their neighbours change."""
    out = []
    for cue in cues:
        after = text[cue.end - offset : cue.end - offset + 40].lower()
        before = text[max(0, cue.start - offset - 30) : cue.start - offset].lower()
        word = cue.text.lower()
        if (
            cue.status == "ordered"
            and cue.direction == "supply"
            and re.match(r"\s[^.;]{0,60}\bsince\b", after)
        ):
            # "has sold hundreds of rifles to Chad since 2015": deliveries over years.
            cue = Cue(
                cue.start, cue.end, cue.text, "delivered", cue.deal, cue.direction, cue.modifier, cue.strong
            )
        raw_after = text[cue.end - offset : cue.end - offset + 40]
        if word == "used" and (
            re.match(r"\s+Block\b", raw_after)
            or re.search(r"(?:\b(?:and|or|new|upgraded|refurbished|the|a|an|of)|\d|,)\s*$", before)
        ):
            continue  # "used Block 30 F-16s": second-hand, not in use
        if word == "order" and re.search(r"\bin\s*$", before) and re.match(r"\s+to\b", raw_after):
            continue  # "in order to"
        if (
            re.search(r"\b(?:any|future|further|possible|potential)\s+(?:\w+\s+)?$", before)
            and not cue.modifier
        ):
            continue  # "any drone shipments": hypothetical
        if re.search(r"\b(?:refrain(?:ed|s)? from|stop(?:ped)? short of|available for|open to)\s+$", before):
            continue  # "refrain from providing", "available for export": no transfer stated
        if cue.status == "cancelled" and re.search(
            r"\b(?:despite|in spite of|notwithstanding)\s+(?:\w+\s+){0,3}$", before, re.I
        ):
            continue  # "will keep exporting despite a partial embargo": nothing stopped
        if re.search(r"\b(?:not|never|no longer|yet to|n['’]t|without)\s+(?:\w+\s+){0,2}$", before):
            continue  # "has not yet received", "did not name the customer": the event did not happen
        if re.match(r"sen[dt]", word) and re.match(
            r"\s+(?:the\s+|a\s+|an\s+|its\s+|their\s+)?(?:signed\s+)?(?:letters?|requests?|proposals?|offers?|teams?"
            r"|delegations?|messages?|notes?|invitations?|experts?|officials?|troops|soldiers|envoys?|signals?)\b",
            after,
        ):
            continue  # "sent the signed letter of acceptance", "sent a team": no goods move
        if word.startswith("export") and re.match(
            r"\s+(?:contracts?|deals?|agreements?|licen[cs]es?|permits?"
            r"|orders?|control|version|market|markets|success|customers?|clients?|buyers?|opportunit(?:y|ies)"
            r"|potential|prospects?|variants?|model|drive|push|revenues?|earnings)",
            after,
        ):
            continue  # the noun after names the deal, or is not a transfer at all
        if re.match(r"(?:deals?|contracts?|agreements?)$", word) and re.search(
            r"\b(?:food|grain|trade|free-trade|nuclear|peace|gas|oil|energy|investment|prisoner|ceasefire|business"
            r"|climate|debt|loan|migration|security|customs|tax|visa|fishing)\s+$",
            before,
        ):
            continue  # "a food deal", "the peace agreement": no arms change hands
        if word.startswith("sale") and re.search(r"\b(?:planned|possible|proposed|potential)\s*$", before):
            continue  # the modifier before it carries the stage
        if cue.status == "delivered" and (
            re.search(
                r"\b(?:will|to be|would|should|could|might|may|shall|expected to|set to|scheduled to|to)\s+"
                r"(?:(?:further|also|soon|then|now|eventually|still|first)\s+)?(?:be\s+)?$",
                before,
            )
            # "will see Norway's Kongsberg deliver", "the delivery ... is expected next year"
            or re.search(r"\bwill\s+(?:see|have|let|allow)\s+(?:\S+\s+){0,3}$", before)
            or re.match(
                r"\s+(?:\S+\s+){0,4}?(?:is|are)\s+(?:now\s+)?(?:expected|due|scheduled|planned)\b", after
            )
        ):
            cue = Cue(
                cue.start, cue.end, cue.text, "ordered", cue.deal, cue.direction, cue.modifier, cue.strong
            )
        if not cue.modifier and re.search(r"\bto\s+$", before):
            cue = Cue(
                cue.start,
                cue.end,
                cue.text,
                cue.status,
                cue.deal,
                cue.direction,
                cue.modifier,
                cue.strong,
                True,
            )
        out.append(cue)
    return out


def deal_from_cues(cues: list[Cue]) -> str:
    """The kind of deal the cues name: production, aid or lease over sale over unknown."""
    deals = {c.deal for c in cues}
    for deal in ("production", "aid", "lease", "sale"):
        if deal in deals:
            return deal
    return "unknown"
