"""Rules that carry extraction past the tuning articles, each on sentences we wrote.

Every test states one way English reporting phrases a transfer (or seems to and does
not), with suppliers, systems and recipients other than the seeds' ones.
"""

from armsledger.extract import extract
from armsledger.extract.acronyms import local_acronyms
from armsledger.extract.items import variant_of
from armsledger.extract.mentions import find_mentions
from armsledger.knowledge import default_knowledge
from armsledger.model import Document


def claims(text: str, published: str | None = None) -> set[tuple]:
    """Supplier, recipient, system as the claims file writes it, quantity and status."""
    doc = Document(id="t", text=text, published=published)
    return {
        (c.supplier, c.recipient, c.to_json()["system"] or f"({c.category})", c.quantity, c.status)
        for c in extract(doc)
    }


def test_in_service_with_a_list_makes_each_state_a_user() -> None:
    text = "The K9 is a self-propelled howitzer made by Hanwha.\nIt is in service with Norway, Estonia and India."
    assert claims(text) == {("KOR", code, "K9", None, "delivered") for code in ("NOR", "EST", "IND")}


def test_from_right_after_the_goods_names_the_supplier() -> None:
    text = (
        "Germany delivered Leopard 2 tanks to Ukraine in March.\n"
        "Officials in Kyiv said Challenger 2 tanks from the UK were now there too, having arrived in March."
    )
    assert ("GBR", "UKR", "Challenger 2", None, "delivered") in claims(text)


def test_orders_from_a_list_name_the_buyers() -> None:
    assert claims(
        "Lockheed Martin holds orders for the F-16 Block 70, including from Bulgaria and Jordan."
    ) == {
        ("USA", "BGR", "F-16 Block 70", None, "ordered"),
        ("USA", "JOR", "F-16 Block 70", None, "ordered"),
    }


def test_an_acronym_the_document_defines_stands_for_its_state() -> None:
    kb = default_knowledge()
    text = "The Royal Bahraini Air Force (RBAF) flies F-16s. The RBAF received two more jets."
    local = local_acronyms(text, kb, find_mentions)
    assert local["RBAF"].value == "BHR"
    assert ("USA", "BHR", "F-16", 2, "delivered") in claims(
        "The Royal Bahraini Air Force (RBAF) is modernising.\nThe RBAF received two F-16 jets from the United States."
    )


def test_a_wire_agency_in_brackets_is_no_acronym() -> None:
    kb = default_knowledge()
    assert "AP" not in local_acronyms("Oslo, Norway (AP) - Norway ordered tanks.", kb, find_mentions)


def test_armed_services_stand_for_their_state_but_not_after_another_state() -> None:
    kb = default_knowledge()
    values = [(m.text, m.value) for m in find_mentions("the RAAF and the Saudi Royal Navy", kb)]
    assert ("the RAAF", "AUS") in values
    assert ("Royal Navy", "GBR") not in values


def test_a_currency_prefix_is_not_a_state() -> None:
    kb = default_knowledge()
    assert not [m for m in find_mentions("a deal worth US$155 million", kb) if m.kind == "state"]


def test_semicolons_inside_a_list_keep_the_verb() -> None:
    text = "Egypt's orders from China include a survey ship; 20 VT-4 tanks, and 12 J-10CE fighters."
    found = claims(text)
    assert ("CHN", "EGY", "VT-4", 20, "ordered") in found
    assert ("CHN", "EGY", "J-10CE", 12, "ordered") in found


def test_generic_nouns_do_not_cross_kinds_of_ship() -> None:
    text = (
        "China delivered two Hangor-class submarines to Pakistan.\n"
        "They join four frigates that China sent to Pakistan in past years."
    )
    found = claims(text)
    assert ("CHN", "PAK", "(ships)", 4, "delivered") in found
    assert ("CHN", "PAK", "Hangor-class", 2, "delivered") in found


def test_a_replaced_fleet_is_a_past_delivery_by_its_own_maker() -> None:
    assert claims(
        "Bulgaria ordered eight F-16 Block 70 jets from the United States to replace its MiG-29s."
    ) == {
        ("USA", "BGR", "F-16 Block 70", 8, "ordered"),
        ("RUS", "BGR", "MiG-29", None, "delivered"),
    }


def test_what_is_fired_at_is_not_transferred() -> None:
    assert claims("Ukraine received NASAMS from Norway and shot down Shahed drones with them.") == {
        ("NOR", "UKR", "NASAMS", None, "delivered")
    }


def test_a_speaker_who_says_it_is_the_actor() -> None:
    assert claims(
        "Denmark's defence ministry said last week that it was selling 16 second-hand F-16s to Argentina."
    ) == {("DNK", "ARG", "F-16", 16, "ordered")}
    assert claims("Athens has announced its intention to acquire 20 F-35 jets from Washington.") == {
        ("USA", "GRC", "F-35", 20, "planned")
    }


def test_a_list_of_buyers_before_to_buy_acts_together() -> None:
    assert claims("Chile and Peru each signed deals to buy four A-29 aircraft from Embraer.") == {
        ("BRA", "CHL", "A-29 Super Tucano", 4, "ordered"),
        ("BRA", "PER", "A-29 Super Tucano", 4, "ordered"),
    }
    # A weapon carried by platforms: the platforms stay, unless they are themselves on order.
    assert (
        claims("Exocet already arms Gowind-class corvettes and will also be fitted on the FREMM frigates.")
        == set()
    )
    text = "Exocet missiles will then be installed aboard the four new FREMM frigates on order for the Greek navy."
    assert claims(text) == {("FRA", "GRC", "Exocet", None, "ordered"), ("ITA", "GRC", "FREMM", 4, "ordered")}
    assert claims("Turkey arms Azerbaijan with Bayraktar TB2 drones.") == {
        ("TUR", "AZE", "Bayraktar TB2", None, "delivered")
    }
    assert claims("This package is to supply the Qatari Armed Forces with Hawk jets.") == {
        ("GBR", "QAT", "Hawk", None, "ordered")
    }
    # A purchase naming no buyer, in an article about one state: that state buys.
    text = (
        "Morocco is modernising its army.\nMorocco's budget grew this year.\n"
        "Officials in Morocco expect more spending.\nA deal to purchase 24 F-16 jets from Lockheed Martin is signed."
    )
    assert ("USA", "MAR", "F-16", 24, "ordered") in claims(text)
    # A company named like a weapon is the company; "U.S.-designated" names no party.
    assert claims("The Czech firm Excalibur Group will send 16 T-72 tanks to Ukraine.") == {
        ("CZE", "UKR", "T-72", 16, "ordered")
    }
    assert claims("Iran sent drones to Venezuela that U.S.-designated groups could use.") == {
        ("IRN", "VEN", "(aircraft)", None, "delivered")
    }
    assert claims("Spain wants to sell C-295 aircraft to Egypt.") == {
        ("ESP", "EGY", "C-295", None, "interest")
    }
    # Parts on a platform go to the platform's buyer when one is named, else to its maker.
    assert claims(
        "The Italian air force plans to order G550 jets equipped with Israeli EL/M-2075 radars."
    ) == {
        ("USA", "ITA", "Gulfstream G550", None, "planned"),
        ("ISR", "ITA", "EL/M-2075 Phalcon", None, "planned"),
    }
    # A demonym before "customer" stands for the buying state.
    assert ("UKR", "IRQ", "BTR-4", 40, "delivered") in claims(
        "In May Kyiv handed 40 BTR-4 vehicles over to the Iraqi customer."
    )
    # The choice passed over is a deal the buyer decided against.
    assert claims("Poland selected the K2 as its new main battle tank, in preference to the Leopard 2.") == {
        ("KOR", "POL", "K2 Black Panther", None, "planned"),
        ("DEU", "POL", "Leopard 2", None, "cancelled"),
    }
    # A group named before a system its foreign arm builds: the catalog knows the state.
    assert claims("Lima is negotiating for 150 Iveco Guarani armoured vehicles.") == {
        ("BRA", "PER", "Guarani", 150, "planned")
    }
    assert claims("Iveco has agreed a contract to sell 40 LMV vehicles to Lebanon.") == {
        ("ITA", "LBN", "Lince", 40, "ordered")
    }
    # A contract named with its taker but no equipment passes both on to its contents.
    text = (
        "Iveco agreed to sell 30 vehicles to the Lebanese army.\nThe contract includes ten VBTP-MR vehicles."
    )
    assert claims(text) == {("BRA", "LBN", "Guarani", 10, "ordered")}
    # A speaker reporting another state's goods is not their giver.
    assert claims(
        'Israeli Defence Minister Dan Levi said on Monday that his cabinet had learned that "Iranian missiles are being shipped" to Venezuela.'
    ) == {("IRN", "VEN", "(missiles)", None, "delivered")}
    # An aside between dashes belongs to its clause; "operational in" names users.
    text = "Three allies — Poland, Norway and Estonia — use the K9, while the K10 resupply vehicles are also operational in Norway."
    assert claims(text) == {
        ("KOR", "POL", "K9", None, "delivered"),
        ("KOR", "NOR", "K9", None, "delivered"),
        ("KOR", "EST", "K9", None, "delivered"),
        ("KOR", "NOR", "K10", None, "delivered"),
    }
    # "Purchasers" are buyers, and a state that joins them is one too.
    assert claims("Iraq now joins Egypt as purchasers of K9 howitzers from South Korea.") == {
        ("KOR", "IRQ", "K9", None, "ordered"),
        ("KOR", "EGY", "K9", None, "ordered"),
    }
    # A group's national arm stands for that state; the buyer that awards a contract takes.
    text = (
        "General Dynamics Land Systems (GDLS) Canada secured an order from Saudi Arabia for LAV 6 vehicles."
    )
    assert claims(text) == {("CAN", "SAU", "LAV 6", None, "ordered")}
    # A list that pairs each item with its own taker.
    assert claims("Washington cleared an F-16 sale to Turkey and F-35s to Greece.") == {
        ("USA", "TUR", "F-16", None, "planned"),
        ("USA", "GRC", "F-35", None, "planned"),
    }
    assert claims("Seoul sold 48 K9 howitzers to Norway and 18 K2 tanks to Poland.") == {
        ("KOR", "NOR", "K9", 48, "ordered"),
        ("KOR", "POL", "K2 Black Panther", 18, "ordered"),
    }
    # Without "each", a count over several parties is their total, no one party's count.
    assert claims(
        "Spain, Poland and Portugal are to send Ukraine a total of 48 Leopard 2 tanks between them."
    ) == {
        ("ESP", "UKR", "Leopard 2", None, "ordered"),
        ("POL", "UKR", "Leopard 2", None, "ordered"),
        ("PRT", "UKR", "Leopard 2", None, "ordered"),
    }
    assert claims("Lockheed has 120 F-16 orders from Bahrain, Jordan and Taiwan.") == {
        ("USA", "BHR", "F-16", None, "ordered"),
        ("USA", "JOR", "F-16", None, "ordered"),
        ("USA", "TWN", "F-16", None, "ordered"),
    }


def test_a_company_does_not_supply_a_rival_states_system() -> None:
    found = claims(
        "After Thailand selected the Gripen, Lockheed Martin revised its offer to the Thai air force."
    )
    assert ("USA", "THA", "Gripen", None, "planned") not in found


def test_tensions_with_a_state_make_it_no_recipient() -> None:
    found = claims("The delivery of Yak-130 jets to Iran could raise tensions with Israel.")
    assert found == {("RUS", "IRN", "Yak-130", None, "delivered")}


def test_bought_in_a_state_names_the_supplier() -> None:
    assert ("FRA", "MAR", "FREMM", None, "ordered") in claims(
        "Morocco operates a FREMM it acquired in France."
    )


def test_designation_shapes_the_catalog_lacks() -> None:
    found = claims(
        "China offered two 053H2 frigates to Bangladesh and Japan offered its Mogami-class frigates to Australia."
    )
    assert ("CHN", "BGD", "053H2", 2, "planned") in found
    assert ("JPN", "AUS", "Mogami-class", None, "planned") in found


def test_variants_as_written_and_the_catalog_name_otherwise() -> None:
    assert variant_of("Su-30MKIs", "Su-30") == "Su-30MKI"
    assert variant_of("Gripen C/Ds", "Gripen") == "Gripen C/D"
    assert variant_of("S26T", "Hangor-class") == "S26T"
    assert variant_of("F-16s", "F-16") is None
    assert variant_of("Bayraktar TV2", "Bayraktar TB2") is None  # a spelling, not a variant
    assert variant_of("JF-17 Thunder", "JF-17") is None  # a nickname
    assert variant_of("K9 howitzers", "K9") is None


def test_a_supplier_named_by_the_document_beats_the_catalog_maker() -> None:
    text = (
        "The Netherlands is selling 12 used F-16 jets to Romania.\n"
        "The purchase of the F-16s was approved by Romania's parliament in May."
    )
    found = claims(text)
    assert all(supplier == "NLD" for supplier, *_ in found)


def test_demonstrations_to_a_buyer_are_interest_and_building_for_a_state_supplies() -> None:
    assert claims("Embraer demonstrated the A-29 to the Ghana Air Force.") == {
        ("BRA", "GHA", "A-29 Super Tucano", None, "interest")
    }
    assert claims("Over the years Russia built Kilo submarines for Vietnam and for Algeria.") == {
        ("RUS", "VNM", "Kilo", None, "delivered"),
        ("RUS", "DZA", "Kilo", None, "delivered"),
    }


def test_counts_past_describing_words_and_capitalised_number_words() -> None:
    assert claims("Four F-35 jets landed in Norway, sent by the United States.") == {
        ("USA", "NOR", "F-35", 4, "delivered")
    }
    assert ("KOR", "POL", "FA-50", 48, "ordered") in claims(
        "Poland signed a contract to buy 48 units of FA-50 jets from South Korea."
    )
    assert ("POL", "UKR", "T-72", 200, "delivered") in claims(
        "Warsaw gave more than 200 of its own T-72 tanks to Kyiv."
    )
    assert ("CHN", "PAK", "(ships)", 4, "delivered") in claims(
        "China supplied four modern naval frigates to Pakistan."
    )
    assert variant_of("Saab Gripen C", "Gripen") == "Gripen C"
    assert variant_of("Saab Gripen", "Gripen") is None


def test_plans_approvals_and_requests_are_planned() -> None:
    assert claims(
        "Washington's State Department cleared a possible $1.2 billion HIMARS sale to Romania."
    ) == {("USA", "ROU", "HIMARS", None, "planned")}
    assert claims("Warsaw has requested 16 ATACMS missiles from the United States.") == {
        ("USA", "POL", "ATACMS", 16, "planned")
    }
    assert claims("Hanoi and Moscow are close to signing a deal for 12 more Su-30MK2 fighters.") == {
        ("RUS", "VNM", "Su-30MK2", 12, "planned")
    }
    assert claims("In 2021 Indonesia said it intended to acquire six FREMM frigates from Italy.") == {
        ("ITA", "IDN", "FREMM", 6, "planned")
    }
    text = (
        "India is negotiating with several states including Vietnam and Indonesia to export BrahMos missiles."
    )
    assert claims(text) == {
        ("IND", "VNM", "BrahMos", None, "planned"),
        ("IND", "IDN", "BrahMos", None, "planned"),
    }


def test_a_state_without_a_role_takes_only_as_an_object() -> None:
    # Australia is neither after the verb nor its subject: it is not the buyer.
    assert claims("Citing Australia's experience, Norway ordered NASAMS launchers from Kongsberg.") == set()
    assert claims("Other buyers of the K9 have included Egypt and Estonia.") == {
        ("KOR", "EGY", "K9", None, "ordered"),
        ("KOR", "EST", "K9", None, "ordered"),
    }


def test_the_article_topic_is_the_buyer_of_competing_offers() -> None:
    text = (
        "Peru must choose a new fighter.\n"
        "Peru's air force has a small budget.\n"
        "Officials in Peru expect a decision soon.\n"
        "The contenders: the Gripen from Saab and the F-16 from Lockheed Martin."
    )
    found = claims(text)
    assert ("USA", "PER", "F-16", None, "planned") in found
    assert ("SWE", "PER", "Gripen", None, "planned") in found


def test_the_country_is_the_state_just_spoken_of() -> None:
    text = (
        "Denmark is replacing its fleet with F-35s.\n"
        "Denmark is selling 24 used F-16 jets to Argentina.\n"
        "The country has since promised aircraft of this type to Ukraine as well."
    )
    assert ("DNK", "UKR", "F-16", None, "ordered") in claims(text)
    text = "Washington cleared a HIMARS sale to Romania.\nThat country intends to buy 54 HIMARS launchers."
    assert ("USA", "ROU", "HIMARS", 54, "planned") in claims(text)


def test_this_missile_is_only_the_sellers_own() -> None:
    text = (
        "Ukraine received Javelin missiles from the United States.\n"
        "Turkey has developed a standoff missile.\n"
        "Ankara has also sold this missile to Baku, officials say."
    )
    assert ("TUR", "AZE", "(missiles)", None, "ordered") in claims(text)


def test_suppliers_after_each_item_and_the_makers_own_among_them() -> None:
    text = "Manila expects contracts for 16 Black Hawk helicopters from the US and six T129 ATAK helicopters from Turkey."
    found = claims(text)
    assert ("USA", "PHL", "UH-60 Black Hawk", 16, "ordered") in found
    assert ("TUR", "PHL", "T129 ATAK", 6, "ordered") in found


def test_an_agreement_that_includes_goes_to_its_suppliers_buyer() -> None:
    text = (
        "Poland signed a $1.4 billion agreement with the United States for 116 M1A1 Abrams tanks.\n"
        "Poland gave 240 T-72 tanks to Ukraine last year.\n"
        "Ukraine praised the gift.\n"
        "The agreement also includes 12 M88A2 recovery vehicles."
    )
    assert ("USA", "POL", "M88A2", 12, "ordered") in claims(text)


def test_an_institute_is_no_state_and_a_use_verb_needs_an_object() -> None:
    kb = default_knowledge()
    text = "The Stockholm International Peace Research Institute (SIPRI) keeps a database."
    assert "SIPRI" not in local_acronyms(text, kb, find_mentions)
    assert claims("Egypt's army still uses versions of the US-built M109 howitzer.") == {
        ("USA", "EGY", "M109", None, "delivered")
    }
    assert claims(
        "Ottawa stopped selling drone cameras to Turkey after allegations of use by Azerbaijani troops."
    ) == {("CAN", "TUR", "(sensors)", None, "cancelled")}


def test_two_makers_of_one_item_are_no_parties_and_letters_are_no_goods() -> None:
    assert claims("The base was used by US and British submarines during the Cold War.") == set()
    assert claims("Athens returned the signed Letter of Acceptance for 20 F-35 jets to Washington.") == {
        ("USA", "GRC", "F-35", 20, "ordered")
    }
    # A comma ends a clause: the US is no subject of the procurement.
    found = claims(
        "Turkey bought the S-400 from Russia, to the displeasure of the US, and the purchase angered Washington."
    )
    assert ("RUS", "TUR", "S-400", None, "ordered") in found
    assert not any(recipient == "USA" for _, recipient, *_ in found)


def test_future_deliveries_are_orders_and_failed_deals_cancelled() -> None:
    found = claims(
        "Germany handed Ukraine a first IRIS-T system in October; three more systems are expected to follow next year."
    )
    assert {(s, r, system, status) for s, r, system, _, status in found} == {
        ("DEU", "UKR", "IRIS-T", "delivered")
    }
    assert claims("The deal will see Norway's Kongsberg deliver NSM missiles to Germany.") == {
        ("NOR", "DEU", "NSM", None, "ordered")
    }
    assert claims("Later reports said that the deal for Su-35 jets from Russia to Iran fell apart.") == {
        ("RUS", "IRN", "Su-35", None, "cancelled")
    }


def test_handing_over_supplies_and_a_speaker_is_the_unnamed_side() -> None:
    assert claims("Belarus said it would hand over eight MiG-29 jets to Serbia.") == {
        ("BLR", "SRB", "MiG-29", 8, "ordered")
    }
    assert claims("Serbia's president said that Belarus had agreed to sell Buk systems.") == {
        ("BLR", "SRB", "Buk", None, "ordered")
    }
    assert claims("Serbia will get Buk systems from Russia.") == {("RUS", "SRB", "Buk", None, "ordered")}


def test_a_weapons_own_platform_is_not_transferred_and_selected_by_takes() -> None:
    text = "NSM is the standard missile on the Norwegian navy's frigates and corvettes and was also selected by the U.S. Navy, Poland and Romania."
    assert claims(text) == {("NOR", code, "NSM", None, "planned") for code in ("USA", "POL", "ROU")}


def test_in_use_including_in_a_choice_of_armies_and_commitments() -> None:
    assert claims("ATMOS howitzers are in use across Africa, including in Cameroon and Uganda.") == {
        ("ISR", "CMR", "ATMOS", None, "delivered"),
        ("ISR", "UGA", "ATMOS", None, "delivered"),
    }
    assert claims("Patria AMV is the choice of the Polish, Croatian and Slovenian armies.") == {
        ("FIN", code, "Patria AMV", None, "ordered") for code in ("POL", "HRV", "SVN")
    }
    assert claims("Paris committed a further 12 Caesar howitzers to Kyiv.") == {
        ("FRA", "UKR", "Caesar", 12, "ordered")
    }


def test_second_hand_givers_headline_subjects_and_gapped_shares() -> None:
    text = (
        "Norway will transfer six F-16 jets to Ukraine\n"
        "Denmark intends to send 19 of the jets, Belgium – 30, and the Netherlands – 24."
    )
    found = claims(text)
    assert ("NOR", "UKR", "F-16", 6, "ordered") in found
    assert {(s, r, system) for s, r, system, _, _ in found} >= {
        ("DNK", "UKR", "F-16"),
        ("NLD", "UKR", "F-16"),
        ("BEL", "UKR", "F-16"),
    }
    assert claims("Eighteen Dutch F-16s were sold to Romania.") == {("NLD", "ROU", "F-16", 18, "ordered")}
    assert claims("Chile acquired 12 Dutch F-16s.") == {("NLD", "CHL", "F-16", 12, "ordered")}
    assert claims("Poland ordered 32 American F-35s.") == {("USA", "POL", "F-35", 32, "ordered")}
    assert claims(
        "Washington approved the arms requested by Taipei, among them 60 BAE Systems Inc. M109A7 howitzers."
    ) == {("USA", "TWN", "M109A7", 60, "planned")}
    assert claims("Europe is buying Patriot systems, with Germany ordering four more.") == {
        ("USA", "DEU", "Patriot", 4, "ordered")
    }
    assert claims("Poland received its first K2 tanks in 2022; three more are due next year.") == {
        ("KOR", "POL", "K2 Black Panther", None, "delivered")
    }
    # A system in a list keeps its own noun; only a bare one is an appositive of the noun before.
    assert claims(
        "India sold Armenia ammunition, Konkurs anti-tank missiles and Pinaka rocket launchers."
    ) == {
        ("IND", "ARM", "(other)", None, "ordered"),
        ("IND", "ARM", "Konkurs", None, "ordered"),
        ("IND", "ARM", "Pinaka", None, "ordered"),
    }
    assert claims("Baykar sold drones, the Bayraktar TB2, to Poland.") == {
        ("TUR", "POL", "Bayraktar TB2", None, "ordered")
    }
    # A sentence with no equipment, about another supplier, says nothing of the focus system.
    text = (
        "Poland ordered 24 Bayraktar TB2 drones from Turkey.\nThe United States has sold to Poland as well."
    )
    assert claims(text) == {("TUR", "POL", "Bayraktar TB2", 24, "ordered")}
    # A refusal belongs to the state that would have given, also in the possessive.
    assert claims("Israel refused to transfer air defence systems to Ukraine.") == {
        ("ISR", "UKR", "(air-defence)", None, "cancelled")
    }
    assert claims("Ukraine was dismayed by Israel's refusal to sell Iron Dome batteries to Kyiv.") == {
        ("ISR", "UKR", "Iron Dome", None, "cancelled")
    }
    assert claims("Critics were alarmed by Turkey's purchase of S-400 systems from Russia.") == {
        ("RUS", "TUR", "S-400", None, "ordered")
    }
    assert claims("For years Russia has armed Syria with T-90 tanks.") == {
        ("RUS", "SYR", "T-90", None, "delivered")
    }
    assert claims("The CV90, manufactured by BAE Systems, is in service with Estonia.") == {
        ("SWE", "EST", "CV90", None, "delivered")
    }


def test_makers_in_brackets_pronoun_subjects_and_awarded_contracts() -> None:
    text = (
        "Athens had bids from Spain (Navantia), France (Naval Group) and the UK to sell frigates to Greece."
    )
    found = claims(text)
    assert {(s, r) for s, r, *_ in found} == {("ESP", "GRC"), ("FRA", "GRC"), ("GBR", "GRC")}
    text = "Minsk has sold weapons to Sudan for decades.\nIn 2004, it delivered to that country twelve BMP-2 vehicles."
    assert ("BLR", "SDN", "BMP-2", 12, "delivered") in claims(text)
    assert claims("Kuala Lumpur awarded a deal to Korea Aerospace Industries for 18 FA-50 jets.") >= {
        ("KOR", "MYS", "FA-50", 18, "ordered")
    }
    assert claims("SLOVAKIA WILL DONATE 13 combat jets to Ukraine") == {
        ("SVK", "UKR", "(aircraft)", 13, "ordered")
    }


def test_a_time_phrase_between_subject_and_verb() -> None:
    assert claims("Latvia on Monday signed a contract to buy Norwegian air defence systems.") == {
        ("NOR", "LVA", "(air-defence)", None, "ordered")
    }
