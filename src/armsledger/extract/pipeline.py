"""The extraction pipeline: document in, arms-transfer claims out.

sentences -> mentions -> items and cues -> roles -> claims -> one claim per deal stage.
Each step is a module of its own; this one wires them and adds what needs the whole
document: the systems it is about, and who the previous sentence was talking about.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from armsledger.extract.acronyms import local_acronyms
from armsledger.extract.context import DocumentContext
from armsledger.extract.cues import Cue, deal_from_cues, find_cues
from armsledger.extract.items import Item, build_items
from armsledger.extract.mentions import find_mentions
from armsledger.extract.roles import IGNORE, PARTNER, RECIPIENT, SUPPLIER, Party, assign_roles, parties_from
from armsledger.extract.sentences import split_sentences
from armsledger.extract.years import event_year
from armsledger.knowledge import Entry, Knowledge, default_knowledge
from armsledger.model import Claim, Document, Mention, Sentence

_STAGE = {"interest": 0, "planned": 1, "ordered": 2, "delivered": 2, "cancelled": 2}
_MODIFIER_PRIORITY = ("cancelled", "planned", "interest")
# Cue words that name a transfer with no equipment word in the sentence ("have also ordered").
_IMPLICIT = re.compile(
    r"order|customer|client|buyer|candidate|interested|potential|bought|purchas|acquir|operator"
    r"|exported|sold|in service|in use|buy|negotiat|user",
    re.I,
)


# Subordinate or contrasting clauses: roles do not reach across them.
_CLAUSE_BREAK = re.compile(
    r"(?:;|\s[—–]\s(?!\d)|,?\s+and\s+(?=(?:later\s+|then\s+|also\s+|subsequently\s+)?(?:signed|ordered|bought|purchased"
    r"|received|took delivery|placed|set up|agreed)\b)|\b(?:reports?|allegations?|claims?|concerns?|fears?|evidence|indications?)\s+that\s"
    r"|,?\s+(?:while|whereas|although|though|because|but|after|before|when|until|unless)\s+"
    r"(?=(?:(?:the|a|an|it|they|he|she|its|their|this|these|those|\w+ing)\b|[A-Z])))"
)
_DASH = re.compile(r"\s[—–]\s(?!\d)")
_UNNAMED_TAKERS = re.compile(
    r"\b(?:(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|many|other|more|some|multiple|various)"
    r"\s+(?:\w+\s+)?(?:countries|nations|states|customers|clients|buyers|governments))\b",
    re.I,
)
# Cues that describe what a machine has or how it is used, not a hand-over between states.
_DESCRIBES = re.compile(
    r"^(?:features?|featuring|fitted with|powered by|integrated|installed|equipped with|armed with|us(?:ed|es|ing)"
    r"|use of|their use|operat\w*|deploy\w*|fleet|helped|completed|tested|tries|trying out)$",
    re.I,
)
# "a joint procurement programme with Austria": a fellow buyer, not the seller.
_JOINT_BEFORE = re.compile(r"\bjoint\b[^,;]*$", re.I)
# Verbs of a buyer acquiring, as against using or receiving.
_ACQUIRING = re.compile(r"buy|bought|purchas|acquir|procur|order|import", re.I)
# Words that make one count apply to every party of a list.
_EACH = re.compile(r"\beach\b|\bapiece\b|\brespectively\b", re.I)
# "deliveries to that country", and the double object "it supplied that country with".
_THAT_COUNTRY = re.compile(
    r"\b(?:to|for|with|supplied|sold|sent|gave|provided|offered|handed)\s+(?:that|the|this)\s+(?:country|nation)\b",
    re.I,
)
_PRONOUN = re.compile(r"\b(?:them|they|their use)\b", re.I)
_PLATFORMS = frozenset({"aircraft", "ships", "armoured-vehicles", "air-defence", "artillery"})
_COMPONENTS = frozenset({"engines", "sensors"})


def clauses(sentence: Sentence) -> list[tuple[int, int]]:
    """Document offsets of a sentence's clauses.

    A pair of dashes encloses an aside ("Five countries — Turkey, Poland and Norway — operate
    the K9"), which belongs to the clause around it: neither dash of a pair breaks it.
    """
    dashes = [m.start() for m in _DASH.finditer(sentence.text)]
    paired = {
        at
        for a, b in itertools.pairwise(dashes)
        if b - a <= 150 and ";" not in sentence.text[a:b]
        for at in (a, b)
    }
    bounds = [sentence.start]
    for match in _CLAUSE_BREAK.finditer(sentence.text):
        if match.start() in paired:
            continue
        if match.start() > 0:
            bounds.append(sentence.start + match.start())
    bounds.append(sentence.end)
    return [(a, b) for a, b in itertools.pairwise(bounds) if b > a]


_AND = re.compile(r",?\s+and\s+(?:the\s+)?")


def _split_coordinated(analysis: SentenceAnalysis, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Split "China offered frigates to Bangladesh and Japan offered corvettes to Australia" at "and".

    The second half needs its own subject (a state or company) and its own verb, after a
    first half that has a verb too; lists of states ("Egypt and Qatar bought") stay whole.
    """
    sentence = analysis.sentence
    cuts: list[int] = []
    for match in _AND.finditer(sentence.text):
        at = sentence.start + match.start()
        after = sentence.start + match.end()
        subject = next(
            (
                m
                for m in analysis.mentions
                if m.start == after and m.kind in ("state", "company") and m.form not in ("demonym", "made")
            ),
            None,
        )
        if subject is None or not any(c.end <= at for c in analysis.cues):
            continue
        text = sentence.text
        for cue in analysis.cues:
            gap = text[subject.end - sentence.start : cue.start - sentence.start]
            if cue.start < subject.end or re.search(r"\bto\b|,", gap):
                continue  # "... and Vietnam to sell", "and Slovakia, to replace": no verb of its own
            if len(gap) <= 15 or (len(gap) <= 40 and not cue.modifier):
                cuts.append(at)
                break
    if not cuts:
        return spans
    out: list[tuple[int, int]] = []
    for start, end in spans:
        bounds = [start, *[c for c in cuts if start < c < end], end]
        out.extend((a, b) for a, b in itertools.pairwise(bounds) if b > a)
    return out


_OWN_PURCHASE = re.compile(r"^\s+(?:\w+\s+)?(?:bought|purchased|acquired|ordered)\b")
_THE_COUNTRY = re.compile(
    r"^\W*(?:(?:In|On|By|Last|This|Earlier|Later|Meanwhile|Now)\b[^,]{0,40},\s*)?"
    r"(?:(?:The|the)\s+(?:[A-Z]?[a-z]+\s+){0,2}(?:country|nation|kingdom|republic)\b"
    # "In 2010 it sold the country twelve tanks": a pronoun right before its verb
    r"|(?:[Ii]t|[Tt]hey)(?=\s+(?:\w+\s+){0,2}?(?:supplied|sold|delivered|exported|sent|gave|provided|shipped"
    r"|transferred|bought|ordered|purchased|acquired|received|signed)\b))"
)


def _the_country_as_subject(
    clause: str, cues: list[Cue], parties: list[Party], recent: list[Claim], context: DocumentContext
) -> None:
    """ "The country has also promised jets to Kenya": the state just spoken of acts."""
    match = _THE_COUNTRY.match(clause)
    cue = next((c for c in cues if c.direction != "neutral"), None)
    if match is None or cue is None:
        return
    role = SUPPLIER if cue.direction == "supply" else RECIPIENT
    if any(p.role == role for p in parties):
        return
    # A taker is most often the one the last claim went to; a giver the state last named first.
    last = recent[-1] if recent else context.last
    if role == RECIPIENT and last is not None:
        code: str | None = last.recipient
    else:
        code = context.subject or context.topic
    if code is None or any(p.code == code and p.role not in (None, role) for p in parties):
        return
    # A zero-width party just before the verb: it names no text of its own.
    parties.insert(0, Party(code, cue.start, cue.start, match.group(), role=role))


def _users_selling_their_own(parties: list[Party], items: list[Item], cues: list[Cue]) -> None:
    """ "Eighteen Dutch F-16s were sold to Romania": the user named beside an item sells its own second-hand.

    Users (operators) stand in the parties as takers with no text of their own; when a
    giving verb also names another taker, the user is the giver.
    """
    users = {id(p) for p in parties if not p.text}
    if not any(p.role == RECIPIENT and id(p) not in users for p in parties):
        return
    # A buying verb works too: "Romania bought 18 Dutch F-16s" names the taker and the user.
    if not any(c.direction in ("supply", "receive") for c in cues):
        return
    sellers = {p.code for p in parties if id(p) in users and p.role == RECIPIENT}
    for p in parties:
        if id(p) in users and p.role == RECIPIENT:
            p.role = SUPPLIER
    for item in items:
        if item.operator in sellers:
            item.operator = None


def _topic_state(analyses: list[SentenceAnalysis]) -> str | None:
    """The state an article is mostly about: named at least three times and twice as often as any other."""
    counts: dict[str, int] = {}
    for analysis in analyses:
        for m in analysis.mentions:
            if m.kind == "state" and m.form in ("name", "alias", "capital", "demonym", "force"):
                counts[m.value] = counts.get(m.value, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < 3 or (len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]):
        return None
    return ranked[0][0]


def _object_pronoun(text: str, start: int, end: int, cues: list[Cue]) -> bool:
    """Whether "them"/"they" in a clause stands for the goods: the object of a transfer word just before it."""
    for match in _PRONOUN.finditer(text, start, end):
        if match.group().lower() == "their use":
            return True
        if any(0 <= match.start() - c.end <= 20 for c in cues):
            return True  # "used them", "received them from"
        if any(0 <= c.start - match.end() <= 25 for c in cues) and match.group().lower() == "they":
            return True  # "they were delivered"
    return False


def _joined_lists(analysis: SentenceAnalysis) -> list[tuple[int, int]]:
    """Clauses, with a clause that names only equipment joined to the one before it.

    Semicolons also separate the members of a long list ("orders include a spy ship;
    600 VT-4 tanks, and 36 J-10CE fighters"): a part with no verb and no state is such a member.
    """
    out: list[tuple[int, int]] = []
    for start, end in _split_coordinated(analysis, clauses(analysis.sentence)):
        # Demonyms name makers here ("the American Javelin"), not parties.
        bare = not any(start <= c.start < end for c in analysis.cues) and not any(
            start <= m.start < end
            and m.kind in ("state", "company", "group")
            and m.form not in ("demonym", "made")
            for m in analysis.mentions
        )
        if out and bare and any(start <= i.start < end for i in analysis.items):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


@dataclass(slots=True)
class SentenceAnalysis:
    """One sentence with what was found in it."""

    sentence: Sentence
    mentions: list[Mention]
    items: list[Item]
    cues: list[Cue]


def analyse(sentence: Sentence, kb: Knowledge, local: dict[str, Entry] | None = None) -> SentenceAnalysis:
    """Mentions, items and cues of one sentence; ``local`` are the document's own acronyms."""
    mentions = find_mentions(sentence.text, kb, sentence.start, local)
    items = build_items(sentence.text, sentence.start, mentions)
    # A sentence that names no state, company or equipment states no claim: its cues are not needed.
    cues = find_cues(sentence.text, sentence.start) if mentions else []
    return SentenceAnalysis(sentence, mentions, items, cues)


def extract(doc: Document, kb: Knowledge | None = None) -> list[Claim]:
    """Every arms-transfer claim a document states, one per supplier, recipient, system and stage."""
    kb = kb or default_knowledge()
    local = local_acronyms(doc.text, kb, find_mentions)
    analyses = [analyse(s, kb, local) for s in split_sentences(doc.text, doc.skipped)]
    context = DocumentContext()
    for analysis in analyses:
        for item in analysis.items:
            context.add(item, kb)
    context.topic = _topic_state(analyses)
    claims: list[Claim] = []
    recent: list[tuple[int, Claim]] = []
    carried: list[Item] = []
    for index, analysis in enumerate(analyses):
        context.named_now = {i.category for i in analysis.items if i.system and not i.pattern}
        if not analysis.cues:
            carried = analysis.items
            context.see(analysis.items)
            continue
        found = _claims_in(analysis, context, [c for i, c in recent if index - i <= 2], doc, carried)
        carried = analysis.items
        context.see(analysis.items)
        for claim in found:
            recent.append((index, claim))
            context.takers.add(claim.recipient)
            context.last = claim
            context.by_supplier[claim.supplier] = claim
        claims.extend(found)
    return merge_claims(claims)


def _claims_in(
    analysis: SentenceAnalysis,
    context: DocumentContext,
    recent: list[Claim],
    doc: Document,
    carried: list[Item] | None = None,
) -> list[Claim]:
    claims: list[Claim] = []
    # Items of the sentence before, for "they"/"them" at the start of this one.
    previous_items: list[Item] = list(carried or [])
    for start, end in _joined_lists(analysis):
        items = [i for i in analysis.items if start <= i.start < end]
        if not items and previous_items and _object_pronoun(doc.text, start, end, analysis.cues):
            # "The drones became famous once troops used them": the earlier clause's items.
            items = previous_items
        part = SentenceAnalysis(
            analysis.sentence,
            [m for m in analysis.mentions if start <= m.start < end],
            items,
            [c for c in analysis.cues if start <= c.start < end],
        )
        if part.cues:
            claims.extend(_claims_in_clause(part, context, recent + claims, doc, doc.text[start:end]))
        previous_items = items or previous_items
    return claims


def _claims_in_clause(
    analysis: SentenceAnalysis,
    context: DocumentContext,
    recent: list[Claim],
    doc: Document,
    clause_text: str,
) -> list[Claim]:
    sentence = analysis.sentence
    items = list(analysis.items)
    cues = analysis.cues
    origins = {at for item in items for at in (item.origin_at, item.also_origin_at) if at is not None}
    parties = parties_from(sentence.text, sentence.start, analysis.mentions, origins)
    for item in items:
        if item.operator and item.origin_at is not None:
            parties.append(Party(item.operator, item.origin_at, item.start, "", role=RECIPIENT))
    parties.sort(key=lambda p: p.start)
    assign_roles(
        sentence.text,
        sentence.start,
        parties,
        cues,
        [i.start for i in items],
        frozenset(i.origin for i in items if i.origin),
    )
    _users_selling_their_own(parties, items, cues)
    _the_country_as_subject(clause_text, cues, parties, recent, context)
    named = [p for p in parties if p.text and not p.company and p.role not in (IGNORE, None)]
    if named:
        context.subject = named[0].code  # for a later "the country"
    takers = [p for p in named if p.role == RECIPIENT]
    if takers:
        context.taker = takers[0].code  # for a later "that country"
        context.taker_end = sentence.end
    if not items:
        focus = context.focus()
        if focus is None or not parties or not any(_IMPLICIT.search(c.text) for c in cues):
            return []
        name, maker = focus
        # "a deal with Russia to buy ...": a deal with another state than the focus system's
        # maker is about something else (a named giver may still sell it second-hand).
        if maker and any(p.role in (SUPPLIER, PARTNER) and p.code != maker for p in parties if p.text):
            return []
        first_cue = cues[0]
        items = [
            Item(first_cue.start, first_cue.end, name, _category_of(name, context), None, catalog_state=maker)
        ]
    inheriting = all(c.status == "inherit" for c in cues)
    if inheriting and any(re.match(r"(?:deliver|shipment|consignment|batch)", c.text, re.I) for c in cues):
        inheriting = False
        statuses = ["delivered"]  # "This shipment includes ten tanks"
    elif inheriting:
        # "The package also includes Harpoon missiles": the stage of the deal just named
        # (below, of the deal its supplier made, when the document named one).
        statuses = [recent[-1].status] if recent else []
        # A signed contract or agreement just named with a taker but no equipment: its
        # contents are ordered.
        if (
            not statuses
            and 0 <= sentence.start - context.taker_end < 400
            and any(re.match(r"(?:contract|agreement|deal|order)", c.text, re.I) for c in cues)
        ):
            statuses = ["ordered"]
    else:
        statuses = _statuses([c for c in cues if c.status != "inherit"], items[0])
    if not statuses:
        return []
    deal = deal_from_cues(cues)
    # The clause's own date, else one stated before it in the sentence ("In 2019, X signed ... and later ...").
    prefix = sentence.text[: max(0, sentence.text.find(clause_text))]
    year = event_year(clause_text, doc.published) or (event_year(prefix, doc.published) if prefix else None)
    suppliers = [p for p in parties if p.role == SUPPLIER]
    givers: list[Party] = []
    if not suppliers and any(p.role == RECIPIENT for p in parties):
        # "The U.K. has an agreement to co-build boats for Ukraine": the other party gives.
        takers = {p.code for p in parties if p.role == RECIPIENT}
        givers = [
            p
            for p in parties
            if p.role == PARTNER
            and p.code not in takers
            and (p.marker in ("", "and") or _just_after_cue(p, cues))
            and not _JOINT_BEFORE.search(
                sentence.text[max(0, p.start - sentence.start - 50) : p.start - sentence.start]
            )
        ][:1]
    # Bidders each before their own item ("Sweden offered Gripens, the US F-16s") pair up;
    # a list of suppliers before all the items ("Turkey, Iran and the UAE supplied drones") shares them.
    interleaved = len(items) > 1 and any(p.start > items[0].start for p in suppliers)
    resolved = []
    for item in items:
        if item.replaced:
            # The old fleet came from its own maker, not from this deal's supplier.
            resolved.append((item, *_supplier_and_system(item, [], [], [], context, [], len(items))))
            continue
        for giver in [suppliers] if interleaved or not suppliers else [[p] for p in _unique(suppliers)]:
            resolved.append(
                (item, *_supplier_and_system(item, giver, givers, parties, context, recent, len(items)))
            )
    # Items listed together in one clause share their supplier ("six drones and two control stations").
    for kind in (True, False):  # components share with components, the rest with the rest
        known = {sup for item, sup, _ in resolved if sup and (item.category in _COMPONENTS) == kind}
        if len(known) == 1:
            only = next(iter(known))
            resolved = [
                _shared(item, sup, system, only if (item.category in _COMPONENTS) == kind else None, context)
                for item, sup, system in resolved
            ]
    # Engines and sensors fitted to another state's platform: the platform's maker is
    # the recipient, and the platform itself is not being transferred here.
    platform_makers = {
        item.origin or item.catalog_state or sup for item, sup, _ in resolved if item.category in _PLATFORMS
    } - {None}
    component_suppliers = {sup for item, sup, _ in resolved if item.category in _COMPONENTS and sup}
    absorbing = bool(component_suppliers and platform_makers - component_suppliers)
    own_takers = _takers_after_each_item(items, parties)
    givers_of_item: dict[int, int] = {}
    for item, supplier, _ in resolved:
        if supplier is not None:
            givers_of_item[id(item)] = givers_of_item.get(id(item), 0) + 1
    claims: list[Claim] = []
    for item, supplier, system in resolved:
        if supplier is None:
            continue
        if absorbing and item.category in _PLATFORMS:
            # The platform the parts go into: its maker supplies it, and the parts' maker
            # does not receive it ("engines for the Turkish Akinci deployed by Azerbaijan").
            supplier = item.origin or item.catalog_state
            if supplier is None:
                continue
        # Carrying the recipient over from earlier sentences needs something specific
        # here: a count or a named system ("Orders for two dozen more drones").
        specific = (
            item.system is not None
            or bool(item.quantity and item.quantity.value)
            or any(c.start == sentence.start for c in recent)  # an earlier clause of this sentence
        )
        recipients = _recipients(
            parties,
            supplier,
            recent if specific else [],
            statuses,
            clause_text,
            cues=cues,
            sentence=sentence,
            topic=context.topic,
            by_supplier=context.by_supplier,
            taker=context.taker,
            taker_near=0 <= sentence.start - context.taker_end < 400,
        )
        if (
            not recipients
            and item.system is not None
            and not any(p.role == RECIPIENT for p in parties)
            and not all(_DESCRIBES.match(c.text) for c in cues)
        ):
            # A named system arriving with no taker named, in a document whose claims so far
            # all go to one state ("howitzers from France came as well").
            others = context.takers - {supplier}
            if len(context.takers) == 1 and others and not _UNNAMED_TAKERS.search(clause_text):
                recipients = sorted(others)
        own = own_takers.get(id(item))
        if own is not None and own in recipients:
            recipients = [own]  # "12 Rafales to Croatia and 18 Mirages to Greece": each its own taker
        if absorbing and item.category in _PLATFORMS:
            recipients = [r for r in recipients if r not in component_suppliers]
        if absorbing and item.category in _COMPONENTS:
            # A buyer named as such ("the Italian air force is to order AEW aircraft equipped
            # with Israeli radars") takes the parts; a platform's user ("drones deployed by
            # Azerbaijan") does not, the platform's maker does.
            buyers = [
                p.code for p in parties if p.role == RECIPIENT and p.code != supplier and p.marker != "by"
            ]
            explicit = [p.code for p in parties if p.role == RECIPIENT and p.code != supplier]
            recipients = buyers or sorted(platform_makers - {supplier}) or explicit
        quantity = item.quantity
        shared_by = len(recipients) if len(recipients) > 1 else givers_of_item.get(id(item), 1)
        if quantity is not None and shared_by > 1 and not _EACH.search(sentence.text):
            # "Germany, Poland and Portugal will deliver a total of 48 tanks": a total over
            # several parties is no one party's count.
            quantity = None
        # Only the catalog says who makes it: a document that named another supplier of this
        # system to this recipient (a second-hand sale, "Denmark is selling F-16s to Argentina") wins.
        catalog_only = (
            system is not None
            and supplier == item.catalog_state
            and item.origin is None
            and not any(p.code == supplier and p.role == SUPPLIER for p in parties)
        )
        for recipient in recipients:
            giver = supplier
            if catalog_only:
                giver = context.suppliers.get((recipient, system), supplier)
            elif system is not None:
                context.suppliers.setdefault((recipient, system), supplier)
            if giver == recipient:
                continue
            stages = statuses
            if inheriting and giver in context.by_supplier:
                # A deal's contents share its stage: "the agreement (contract, package) includes"
                # is agreed; "the sale (request) includes" is as far as the supplier's deal got.
                stage = context.by_supplier[giver].status
                agreed = any(
                    re.match(r"(?:agreement|contract|deal|order|package)", c.text, re.I) for c in cues
                )
                stages = ["ordered" if agreed or stage == "delivered" else stage]
            if item.rejected:
                stages = ["cancelled"]  # the buyer chose something else
            if item.replaced:
                # An old fleet was delivered; "bought in 1998" after it says it was ordered too.
                own = _OWN_PURCHASE.match(sentence.text[item.end - sentence.start :])
                stages = ["ordered", "delivered"] if own else ["delivered"]
            for status in stages:
                claims.append(
                    Claim(
                        supplier=giver,
                        recipient=recipient,
                        system=system,
                        variant=item.variant if system is not None and system == item.system else None,
                        category=item.category,
                        quantity=quantity.value if quantity and not quantity.vague else None,
                        deal=deal,
                        status=status,
                        year=year,
                        evidence=sentence.text,
                        start=sentence.start,
                        end=sentence.end,
                        doc=doc.id,
                        incremental=bool(quantity and quantity.incremental),
                        vague_quantity=bool(quantity and quantity.vague),
                    )
                )
    return claims


def _takers_after_each_item(items: list[Item], parties: list[Party]) -> dict[int, str]:
    """Each item's own "to X" when a list pairs items with takers ("F-16s to Turkey, F-35s to Greece")."""
    ordered = sorted(items, key=lambda i: i.start)
    takers = [p for p in parties if p.role == RECIPIENT and p.text and p.marker in ("to", "for")]
    own: dict[int, str] = {}
    for index, item in enumerate(ordered):
        limit = ordered[index + 1].start if index + 1 < len(ordered) else None
        between = [p for p in takers if p.start >= item.end and (limit is None or p.start < limit)]
        if len(between) == 1:
            own[id(item)] = between[0].code
    # Only a real pairing counts: at least two items, each with a different taker.
    return own if len(set(own.values())) >= 2 else {}


def _shared(
    item: Item, supplier: str | None, system: str | None, shared: str | None, context: DocumentContext
) -> tuple[Item, str | None, str | None]:
    """An item without a supplier of its own takes the clause's, and then the document's system of it."""
    if supplier is not None or shared is None:
        return item, supplier, system
    if system is None:
        system, _ = context.resolve(item.category, item.noun, shared)
    return item, shared, system


def _unique(parties: list[Party]) -> list[Party]:
    """One party per state code, first mention kept."""
    seen: set[str] = set()
    out = []
    for p in parties:
        if p.code not in seen:
            seen.add(p.code)
            out.append(p)
    return out


def _just_after_cue(party: Party, cues: list[Cue]) -> bool:
    """Whether a party follows a transfer word closely ("in talks with France")."""
    return any(0 <= party.start - c.end <= 25 for c in cues)


def _category_of(name: str, context: DocumentContext) -> str:
    for (_, category, _), counts in context.by_maker.items():
        if name in counts:
            return category
    return "other"


def _statuses(cues: list[Cue], item: Item) -> list[str]:
    """The deal stages a sentence states: a modifier ("planned", "cancelled") overrides the event words."""
    modifiers = [c for c in cues if c.modifier]
    if any(not c.modifier for c in cues):
        # A modifier far from the item ("... follows talks that failed years ago") is about
        # something else, unless it governs an infinitive ("negotiating with ... to sell").
        infinitives = [c.start for c in cues if c.infinitive]
        bases = [c.start for c in cues if not c.modifier and not c.infinitive]

        def governs(modifier: Cue) -> bool:
            # The infinitive comes before the item, and no verb of its own stands nearer the item.
            return any(
                modifier.end <= at <= modifier.end + 120
                and at <= item.start
                and not any(abs(b - item.start) < item.start - at for b in bases)
                for at in infinitives
            )

        modifiers = [c for c in modifiers if abs(c.start - item.start) <= 80 or governs(c)]
    if modifiers:
        nearest = min(
            modifiers, key=lambda c: (abs(c.start - item.start), _MODIFIER_PRIORITY.index(c.status))
        )
        return [nearest.status]
    stages = []
    for status in ("ordered", "delivered"):
        if any(c.status == status for c in cues):
            stages.append(status)
    return stages


def _supplier_and_system(
    item: Item,
    suppliers: list[Party],
    givers: list[Party],
    parties: list[Party],
    context: DocumentContext,
    recent: list[Claim],
    item_count: int,
) -> tuple[str | None, str | None]:
    """Who supplies an item and what system it is, from the surest evidence to the weakest.

    A state named as the giver, then the maker named beside the item, then the catalog's
    maker, then what the document is about, then the other party of a two-party deal,
    then the supplier of the claims just before.
    """
    supplier: str | None = None
    # A state named as the item's user does not supply it ("Brazilian Gripens ... by Embraer"),
    # and a company sells its own state's systems: Lockheed Martin named in a sentence about
    # the Gripen is a rival bidder, not the Gripen's supplier.
    suppliers = [
        p
        for p in suppliers
        if p.code != item.operator
        and not (
            p.company
            and item.system
            and item.catalog_state
            and not item.pattern
            and p.code != item.catalog_state
        )
    ]
    if suppliers:
        codes = {p.code for p in suppliers}
        right_after = [p for p in suppliers if p.marker == "from" and 0 <= p.start - item.end <= 15]
        if item_count > 1 and right_after:
            supplier = right_after[0].code  # "16 Black Hawks from the US, six T-129s from Turkey"
        elif item_count > 1 and item.system and item.catalog_state in codes and not item.pattern:
            supplier = item.catalog_state  # its maker is among the suppliers named
        elif item_count > 1:
            before = [p for p in suppliers if p.end <= item.start]
            supplier = (before[-1] if before else suppliers[0]).code
        else:
            supplier = suppliers[0].code
    elif item.origin:
        supplier = item.origin
    elif item.system and item.catalog_state:
        supplier = item.catalog_state
    elif givers:
        supplier = givers[0].code
    system = item.system
    if system is None:
        resolved, maker = context.resolve(item.category, item.noun, supplier)
        if resolved is None and item.demonstrative:
            # "aircraft of this type", "these jets": the system of that kind named last
            # (for "these jets", only when it is the supplier's own).
            resolved, maker = context.latest.get(item.category, (None, None))
            if item.demonstrative != "type" and supplier is not None and maker != supplier:
                resolved, maker = None, None
        if resolved:
            system = resolved
            supplier = supplier or maker
    if supplier is None:
        partner_codes = {p.code for p in parties if p.role == PARTNER}
        for claim in reversed(recent):
            if claim.category == item.category and claim.supplier not in partner_codes | {None}:
                supplier = claim.supplier
                break
        if supplier is None:
            focus = context.focus()
            if focus and focus[1] in partner_codes:
                supplier = focus[1]
        if supplier is not None and system is None:
            system, _ = context.resolve(item.category, item.noun, supplier)
    return supplier, system


_RELATIVE = re.compile(r"^,\s+(?:for which|which|who|whose|where)\b")
_INCLUDING = re.compile(
    r"\b(?:includ(?:e|es|ed|ing)|such as|like|namely|among them)\s+(?:in\s+)?(?:the\s+)?$", re.I
)


def _objects(parties: list[Party], cues: list[Cue], sentence: Sentence | None) -> set[int]:
    """The parties (by id) that stand as objects of a transfer word: right after it, or in a list begun there."""
    out: set[int] = set()
    previous: Party | None = None
    for party in sorted(parties, key=lambda p: p.start):
        near_cue = any(0 <= party.start - c.end <= 40 for c in cues)
        if sentence is not None and not near_cue:
            before = sentence.text[max(0, party.start - sentence.start - 20) : party.start - sentence.start]
            after = sentence.text[party.end - sentence.start :]
            near_cue = bool(cues) and bool(_INCLUDING.search(before))
            # "Chile, whose navy had asked about them": a relative clause about it.
            if _RELATIVE.match(after):
                near_cue = any(c.start > party.end and c.direction == "receive" for c in cues)
        listed = previous is not None and id(previous) in out and party.start - previous.end <= 6
        if near_cue or listed:
            out.add(id(party))
        previous = party
    return out


def _recipients(
    parties: list[Party],
    supplier: str,
    recent: list[Claim],
    statuses: list[str],
    clause: str,
    cues: list[Cue] | None = None,
    sentence: Sentence | None = None,
    topic: str | None = None,
    by_supplier: dict[str, Claim] | None = None,
    taker: str | None = None,
    taker_near: bool = False,
) -> list[str]:
    """Who receives: the states named as takers, else the other party, else whom the text was just about."""

    objects = _objects(parties, cues or [], sentence)
    inherits = any(c.status == "inherit" for c in cues or [])
    by_supplier = by_supplier or {}

    def codes(role: str | None) -> list[str]:
        out: list[str] = []
        for p in parties:
            if p.role == role and p.code != supplier and p.code not in out:
                # A state with no role of its own takes only as the object of a transfer word
                # ("they helped Azerbaijan", "buyers have included Chad and Peru").
                if role is None and id(p) not in objects:
                    continue
                out.append(p.code)
        return out

    for role in (RECIPIENT, PARTNER, None):
        found = codes(role)
        if found:
            return found
    if _THAT_COUNTRY.search(clause):
        # "deliveries ... to that country": the state the text was just speaking of.
        for claim in reversed(recent):
            if claim.recipient != supplier:
                return [claim.recipient]
        # With no claim yet, only a pointing "that country" reaches back to a taker named
        # without equipment; "the country" is too loose for that.
        if (
            taker is not None
            and taker != supplier
            and re.search(r"\b(?:that|this)\s+(?:country|nation)\b", clause, re.I)
        ):
            return [taker]
    if any(p.role == RECIPIENT for p in parties):
        return []  # the taker named is the supplier itself: a domestic order, not a transfer
    if _UNNAMED_TAKERS.search(clause):
        return []  # "deals with five countries": the takers are not named here
    in_use = [c for c in cues or [] if c.direction == "receive" and _DESCRIBES.match(c.text)]
    if in_use and any(p.code == supplier and p.text and p.role in (None, PARTNER) for p in parties):
        return []  # "300 of them are used by the PAF and the Pakistan Army": the maker's own forces
    for claim in reversed(recent):
        if claim.supplier == supplier:
            return [claim.recipient]
    if inherits and supplier in by_supplier:
        return [by_supplier[supplier].recipient]  # "the agreement includes": the deal this supplier made
    if inherits and taker is not None and taker != supplier and taker_near:
        # "A firm agreed to sell 30 trucks to Ghana. The contract covers ten armoured cars":
        # the taker of the deal just named, though it named no equipment of its own.
        return [taker]
    # Offers in a competition often name only the bidders: the buyer is the one
    # the previous sentences were about.
    if set(statuses) <= {"planned", "interest"}:
        if recent and recent[-1].recipient != supplier:
            return [recent[-1].recipient]
        if topic and topic != supplier:
            return [topic]  # the buyer the whole article is about ("Peru's fighter jet dilemma")
    # When the sentences just before all speak of one recipient, a new supplier named
    # without one ("Britain sent 14 Challenger 2 tanks") sends to it too.
    takers = {c.recipient for c in recent}
    if len(takers) == 1 and supplier not in takers:
        return list(takers)
    # A purchase with no buyer named ("a deal to purchase 24 F-16s from Lockheed Martin") in
    # an article about one state: that state buys.
    buying = any(
        c.direction == "receive" and not c.modifier and _ACQUIRING.search(c.text) for c in cues or []
    )
    if buying and topic and topic != supplier:
        return [topic]
    return []


def merge_claims(claims: list[Claim]) -> list[Claim]:
    """One claim per supplier, recipient, system and stage; later stages hide earlier ones."""
    best: dict[tuple[str, str, str, str], Claim] = {}
    for claim in claims:
        if claim.supplier == claim.recipient:
            continue  # a state using its own weapons is not a transfer
        key = claim.key()
        kept = best.get(key)
        if kept is None or _better(claim, kept):
            if kept is not None and claim.variant is None:
                claim.variant = kept.variant  # keep the most specific name the document gave
            best[key] = claim
        elif kept.variant is None:
            kept.variant = claim.variant
    out = []
    for (supplier, recipient, system, status), claim in best.items():
        later = [
            other
            for (s, r, sy, st), other in best.items()
            if (s, r, sy) == (supplier, recipient, system)
            and _STAGE[st] > _STAGE[status]
            and other.deal == claim.deal
        ]
        if not later:
            out.append(claim)
    # A stage named without a variant takes the first variant the document gave for that deal.
    names: dict[tuple[str, str, str | None], str | None] = {}
    for claim in sorted(out, key=lambda c: c.start):
        names.setdefault((claim.supplier, claim.recipient, claim.system), claim.variant)
        if names[(claim.supplier, claim.recipient, claim.system)] is None:
            names[(claim.supplier, claim.recipient, claim.system)] = claim.variant
    for claim in out:
        claim.variant = claim.variant or names[(claim.supplier, claim.recipient, claim.system)]
    return sorted(out, key=lambda c: (c.start, c.supplier, c.recipient, c.system or "", c.status))


def _better(new: Claim, old: Claim) -> bool:
    """Whether a duplicate claim states the deal more precisely than the one kept."""

    # A count first, and a count stated as the whole ("a total of 27") before a batch; then
    # the latest dated event, since an article's news is usually its latest deal ("ordered 24
    # in 2015 ... bought 30 more in 2021"); then a total over an increment.
    def rank(c: Claim) -> tuple[bool, bool, int, bool]:
        whole = c.quantity is not None and bool(
            re.search(rf"\b(?:a total of|total of|cumulative|all)\s+(?:\w+\s+)?{c.quantity}\b", c.evidence)
        )
        return (c.quantity is not None, whole, c.year or 0, not c.incremental)

    return rank(new) > rank(old)
