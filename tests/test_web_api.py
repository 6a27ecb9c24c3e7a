"""The JSON API on a real SQLite store: every route, its filters, bad values as 4xx, and who may do what."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from armsledger.curation import new_edit
from armsledger.store import open_store
from armsledger.store.ledger import record_edit
from test_web_support import NASAMS, RAFALE, TB2, Ledger, TestClient, ledger, shared_ledger, sign_in

__all__ = ["ledger", "shared_ledger"]  # fixtures used below


@pytest.fixture(scope="module")
def api(shared_ledger: Ledger) -> TestClient:
    """A client for the read-only tests."""
    return shared_ledger.client()


def keys(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [r["key"] for r in response.json()["rows"]]


def test_register_answers_rows_total_and_page(api: TestClient) -> None:
    body = api.get("/api/register").json()
    assert (body["total"], body["page"], body["pages"], body["per_page"]) == (3, 1, 1, 50)
    assert [r["key"] for r in body["rows"]] == [RAFALE, NASAMS, TB2]
    nasams = body["rows"][1]
    assert (nasams["number_ordered"], nasams["number_delivered"], nasams["status"]) == (8, 4, "delivered")
    assert nasams["documents"] == ["w1", "w2"] and nasams["sipri"] == "not in SIPRI"
    assert nasams["provenance"]["number_ordered"]["documents"] == ["w1"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("supplier=NOR", [NASAMS]),
        ("supplier=nor", [NASAMS]),
        ("supplier=Norway", [NASAMS]),
        ("recipient=UKR", [TB2]),
        ("system=rafa", [RAFALE]),
        ("category=aircraft", [RAFALE, TB2]),
        ("status=delivered", [NASAMS, TB2]),
        ("year=2021", [RAFALE, NASAMS]),
        ("year=2018-2019", [TB2]),
        ("confidence=0.7", [NASAMS]),
        ("not_in_sipri=1", [NASAMS, TB2]),
        ("category=aircraft&status=delivered", [TB2]),
        ("sort=confidence&order=desc", [NASAMS, RAFALE, TB2]),
        ("sort=number_ordered", [TB2, NASAMS, RAFALE]),
        ("sort=supplier&order=desc", [TB2, NASAMS, RAFALE]),
        ("per_page=2&page=2", [TB2]),
        ("per_page=2&page=9", []),
        ("supplier=USA", []),
    ],
)
def test_register_filters_sort_and_pages(api: TestClient, query: str, expected: list[str]) -> None:
    assert keys(api.get(f"/api/register?{query}")) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("status=shipped", "status 'shipped': expected one of interest, planned"),
        ("category=tanks", "category 'tanks': expected one of aircraft"),
        ("year=20x1", "year '20x1': expected a year such as 2019"),
        ("year=2021-2019", "the range runs backwards"),
        ("confidence=2", "confidence '2': expected the least confidence, from 0 to 1"),
        ("confidence=high", "confidence 'high'"),
        ("supplier=Atlantis!", "supplier 'Atlantis!': expected a state code"),
        ("sort=price", "sort 'price': expected one of key, supplier"),
        ("order=up", "order 'up': expected asc or desc"),
        ("page=0", "page '0': expected a whole number from 1"),
        ("per_page=5000", "per_page '5000': expected a whole number from 1 to 500"),
        ("not_in_sipri=maybe", "not_in_sipri 'maybe': expected 1 or 0"),
    ],
)
def test_bad_register_values_are_400_with_a_message(api: TestClient, query: str, message: str) -> None:
    response = api.get(f"/api/register?{query}")
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_row_has_fields_with_provenance_sources_and_history(api: TestClient) -> None:
    row = api.get(f"/api/rows/{NASAMS}").json()
    fields = {f["name"]: f for f in row["fields"]}
    assert fields["number_ordered"]["value"] == 8 and fields["number_ordered"]["claims"]
    assert fields["number_delivered"]["documents"] == ["w2"]
    assert fields["supplier"]["editable"] is True
    assert [s["document"]["doc"] for s in row["sources"]] == ["w1", "w2"]
    first = row["sources"][0]
    assert (
        first["claims"][0]["evidence"] == "Norway agreed to sell eight NASAMS batteries to Lithuania in 2020"
    )
    assert first["document"]["skipped"] and "runs" not in first
    assert row["history"] == [] and row["rejected"] is False
    assert (row["supplier_name"], row["recipient_name"]) == ("Norway", "Lithuania")


def test_unknown_things_are_404_with_a_hint(api: TestClient) -> None:
    response = api.get("/api/rows/NOR/LTU/nasam")
    assert response.status_code == 404 and "did you mean NOR/LTU/nasams" in response.json()["error"]
    assert api.get("/api/claims/c-0000").status_code == 404
    assert api.get("/api/documents/nope").status_code == 404
    assert "no state or group 'XXQ'" in api.get("/api/states/XXQ").json()["error"]
    assert api.get("/api/jobs/nope", headers={}).status_code == 401
    assert api.get("/api/nothing-here").status_code == 404


def test_claims_all_by_document_by_row_and_one(api: TestClient) -> None:
    every = api.get("/api/claims").json()
    assert every["total"] == 5 and len(every["claims"]) == 5
    assert api.get("/api/claims?per_page=2&page=3").json()["claims"][0]["doc"] == "w4"
    of_doc = api.get("/api/claims?doc=w4").json()["claims"]
    assert [c["evidence"] for c in of_doc] == [
        "Turkey delivered six Bayraktar TB2 drones to Ukraine in 2019",
        "Kyiv later ordered more",
    ]
    assert {c["row"] for c in of_doc} == {TB2}
    of_row = api.get(f"/api/claims?row={NASAMS}").json()
    assert [c["doc"] for c in of_row["claims"]] == ["w1", "w2"]
    one = api.get(f"/api/claims/{of_doc[0]['key']}").json()
    assert (one["start"], one["end"], one["quantity"]) == (0, 60, 6)
    assert api.get("/api/claims?doc=w1&row=x/y/z").status_code == 400
    assert api.get("/api/claims?per_page=0").status_code == 400


def test_document_has_text_skipped_spans_and_claims(api: TestClient) -> None:
    body = api.get("/api/documents/w1").json()
    start = body["text"].index("Comments:")
    assert body["skipped"] == [[start, len(body["text"])]]
    assert [c["row"] for c in body["claims"]] == [NASAMS]
    assert body["published"] == "2020-11-02" and "runs" not in body


def test_state_has_suppliers_clients_relations_and_findings(api: TestClient) -> None:
    ukraine = api.get("/api/states/ukr").json()
    assert ukraine["code"] == "UKR" and ukraine["name"] == "Ukraine"
    assert [s["state"] for s in ukraine["suppliers"]] == ["TUR"] and ukraine["clients"] == []
    assert any("Russia" in c["conflict"] and "RUS" in c["opponents"] for c in ukraine["conflicts"])
    assert [(f["guarantor"], f["supplier"], f["adversary"]) for f in ukraine["findings"]] == [
        ("USA", "TUR", "RUS")
    ]
    turkey = api.get("/api/states/TUR").json()
    assert any(a["alliance"] == "NATO" for a in turkey["alliances"])
    assert turkey["clients"][0]["systems"] == ["Bayraktar TB2"]


def test_findings_network_timeline_and_search(api: TestClient) -> None:
    findings = api.get("/api/findings").json()
    assert findings["total"] == 1
    assert findings["findings"][0]["evidence"][0]["sentence"].startswith("Turkey delivered six")
    assert api.get("/api/findings?state=FRA").json()["total"] == 0
    network = api.get("/api/network").json()
    assert {(p["supplier"], p["recipient"]) for p in network["pairs"]} == {
        ("NOR", "LTU"),
        ("FRA", "HRV"),
        ("TUR", "UKR"),
    }
    # A row counts in its order year (else its first delivery year): NASAMS in 2020, Rafale in 2021.
    assert [p["supplier"] for p in api.get("/api/network?from=2020&to=2020").json()["pairs"]] == ["NOR"]
    assert "from 2022 is after to 2021" in api.get("/api/network?from=2022&to=2021").json()["error"]
    soon = api.get("/api/network?from=soon")
    assert soon.status_code == 400 and soon.json() == {
        "error": "from 'soon': expected a year such as 2019",
        "status": 400,
    }
    by_status = api.get("/api/timeline").json()["by_status"]
    assert {r["year"]: r["total"] for r in by_status}["2021"] == 2
    hits = api.get("/api/search?q=NASAMS").json()
    assert {h["ref"] for h in hits["results"] if h["kind"] == "document"} == {"w1", "w2"}
    assert {h["row"] for h in hits["results"] if h["kind"] == "claim"} == {NASAMS}
    assert api.get('/api/search?q="unclosed').status_code == 400
    assert api.get("/api/search").json() == {"error": "q: Field required", "status": 400}


def test_openapi_document_lists_the_api(api: TestClient) -> None:
    spec = api.get("/openapi.json").json()
    for path in (
        "/api/register",
        "/api/rows/{key}",
        "/api/claims",
        "/api/claims/{key}",
        "/api/documents/{doc_id}",
        "/api/states/{code}",
        "/api/findings",
        "/api/edits",
        "/api/search",
        "/api/ingest",
        "/api/jobs/{job_id}",
        "/api/network",
        "/api/timeline",
        "/api/me",
    ):
        assert path in spec["paths"], path
    assert {p["name"] for p in spec["paths"]["/api/register"]["get"]["parameters"]} >= {
        "supplier",
        "recipient",
        "system",
        "category",
        "status",
        "year",
        "confidence",
        "not_in_sipri",
    }
    assert api.get("/docs").status_code == 404  # the interactive docs would load a CDN


def test_who_am_i(shared_ledger: Ledger, api: TestClient) -> None:
    assert api.get("/api/me").json() == {"name": None, "role": None, "via": "anonymous"}
    assert api.get("/api/me", headers=shared_ledger.auth("eve")).json() == {
        "name": "eve",
        "role": "editor",
        "via": "token",
    }
    bad = api.get("/api/me", headers={"Authorization": "Bearer alt_nope"})
    assert bad.status_code == 401 and bad.json()["error"] == "the API token is unknown or revoked"
    assert bad.headers["www-authenticate"] == "Bearer"
    assert api.get("/api/me", headers={"Authorization": "Basic eve:pw"}).status_code == 401


def correction(field: str, value: Any, expected: Any, why: str = "checked the contract") -> dict[str, Any]:
    return {
        "action": "correct",
        "target": NASAMS,
        "field": field,
        "value": value,
        "expected": expected,
        "why": why,
    }


def test_editors_correct_and_viewers_and_strangers_are_refused(ledger: Ledger) -> None:
    api = ledger.client()
    body = correction("number_ordered", 10, 8)
    assert api.post("/api/edits", json=body).status_code == 401
    refused = api.post("/api/edits", json=body, headers=ledger.auth("vic"))
    assert refused.status_code == 403 and refused.json()["error"] == "vic is a viewer; this needs editor"
    made = api.post("/api/edits", json=body, headers=ledger.auth("eve"))
    assert made.status_code == 201, made.text
    assert (made.json()["who"], made.json()["old_value"], made.json()["new_value"]) == ("eve", 8, 10)
    row = api.get(f"/api/rows/{NASAMS}").json()
    assert row["number_ordered"] == 10
    assert row["history"][0]["why"] == "checked the contract" and row["history"][0]["status"] == "applied"
    fields = {f["name"]: f for f in row["fields"]}
    assert fields["number_ordered"]["rule"].startswith("set to 10 by eve on ")
    edits = api.get("/api/edits").json()
    assert edits["total"] == 1 and edits["edits"][0]["field"] == "number_ordered"
    assert api.get(f"/api/edits?target={TB2}").json()["total"] == 0


def test_the_second_editor_from_the_same_old_value_gets_409(ledger: Ledger) -> None:
    api = ledger.client()
    first = api.post("/api/edits", json=correction("number_delivered", 5, 4), headers=ledger.auth("eve"))
    second = api.post("/api/edits", json=correction("number_delivered", 6, 4), headers=ledger.auth("ed2"))
    assert first.status_code == 201 and second.status_code == 409
    assert (
        "number_delivered is now 5, not 4 as you saw: eve set number_delivered to 5 at "
        in second.json()["error"]
    )
    assert second.json()["error"].endswith(
        "Nothing was recorded; look at the row again and correct it from its value now."
    )
    assert api.get(f"/api/rows/{NASAMS}").json()["number_delivered"] == 5
    assert [e["who"] for e in api.get("/api/edits").json()["edits"]] == ["eve"]


def test_concurrent_corrections_one_wins_one_is_told(ledger: Ledger) -> None:
    api = ledger.client()
    results: dict[str, int] = {}
    start = threading.Barrier(2)

    def edit(who: str, value: int) -> None:
        start.wait()
        results[who] = api.post(
            "/api/edits", json=correction("year_of_order", value, 2020), headers=ledger.auth(who)
        ).status_code

    threads = [threading.Thread(target=edit, args=(w, v)) for w, v in (("eve", 2019), ("ed2", 2018))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results.values()) == [201, 409]
    winner = next(w for w, s in results.items() if s == 201)
    edits = api.get("/api/edits").json()["edits"]
    assert [e["who"] for e in edits] == [winner]
    assert api.get(f"/api/rows/{NASAMS}").json()["year_of_order"] == {"eve": 2019, "ed2": 2018}[winner]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"action": "correct", "target": NASAMS, "field": "price", "value": 1, "why": "x"},
            "field 'price' cannot",
        ),
        (
            {"action": "correct", "target": NASAMS, "field": "number_ordered", "value": "many", "why": "x"},
            "number_ordered must be a whole number",
        ),
        (
            {"action": "correct", "target": NASAMS, "field": "status", "value": "sold", "why": "x"},
            "status must be one of",
        ),
        (
            {"action": "correct", "target": NASAMS, "field": "number_ordered", "value": 3, "why": " "},
            "why: give a reason",
        ),
        ({"action": "approve", "target": NASAMS, "why": "x"}, "action 'approve': expected one of"),
        ({"action": "accept", "target": "NOR/LTU/none", "why": "x"}, "no register row 'NOR/LTU/none'"),
        (
            {"action": "merge", "target": NASAMS, "other": NASAMS, "why": "x"},
            "cannot merge row NOR/LTU/nasams with itself",
        ),
        (
            {"action": "split", "target": NASAMS, "claims": [], "why": "x"},
            "split: give a row key and the claims",
        ),
        ({"action": "accept", "target": "c-nothing", "why": "x"}, "no claim 'c-nothing'"),
    ],
)
def test_bad_edits_are_400_with_a_message(ledger: Ledger, body: dict[str, Any], message: str) -> None:
    response = ledger.client().post("/api/edits", json=body, headers=ledger.auth("eve"))
    assert response.status_code == 400, response.text
    assert message in response.json()["error"]


def test_malformed_edit_bodies_are_422(ledger: Ledger) -> None:
    api = ledger.client()
    missing = api.post("/api/edits", json={"action": "accept"}, headers=ledger.auth("eve"))
    assert missing.status_code == 422 and "target: Field required" in missing.json()["error"]
    assert (
        api.post(
            "/api/edits",
            content=b"{not json",
            headers={**ledger.auth("eve"), "content-type": "application/json"},
        ).status_code
        == 422
    )


def version(api: TestClient, target: str) -> str:
    """The version of a row or claim as a script reads it."""
    path = f"/api/rows/{target}" if "/" in target else f"/api/claims/{target}"
    return str(api.get(path).json()["version"])


def decide(api: TestClient, auth: dict[str, str], **body: Any) -> Any:
    """Post an edit, with the target's current version unless the body brings its own."""
    body.setdefault("version", version(api, body["target"]))
    return api.post("/api/edits", json=body, headers=auth)


def test_merge_split_accept_reject_through_the_api(ledger: Ledger) -> None:
    api = ledger.client()
    auth = ledger.auth("eve")
    claims = api.get(f"/api/rows/{NASAMS}").json()["claims"]
    split = decide(api, auth, action="split", target=NASAMS, claims=[claims[1]], why="a separate delivery")
    assert split.status_code == 201, split.text
    keys_now = [r["key"] for r in api.get("/api/register?supplier=NOR").json()["rows"]]
    assert len(keys_now) == 2 and keys_now[0] == NASAMS and keys_now[1].startswith(NASAMS + "/split-")
    merged = decide(api, auth, action="merge", target=NASAMS, other=keys_now[1], why="one deal after all")
    assert merged.status_code == 201
    assert [r["key"] for r in api.get("/api/register?supplier=NOR").json()["rows"]] == [NASAMS]
    assert decide(api, auth, action="reject", target=RAFALE, why="not a sale").status_code == 201
    assert RAFALE not in keys(api.get("/api/register"))
    assert api.get(f"/api/rows/{RAFALE}").json()["rejected"] is True
    assert decide(api, auth, action="accept", target=TB2, why="two sources").status_code == 201
    assert api.get(f"/api/rows/{TB2}").json()["accepted"] is True
    claim = api.get(f"/api/rows/{TB2}").json()["claims"][1]
    assert version(api, claim) == "0"  # no edit of the claim yet
    assert decide(api, auth, action="reject", target=claim, why="too vague").status_code == 201
    assert api.get(f"/api/rows/{TB2}").json()["claims"] == api.get(f"/api/rows/{TB2}").json()["claims"][:1]
    assert version(api, claim) == api.get(f"/api/edits?target={claim}").json()["edits"][0]["uid"]


def test_decisions_need_the_version_the_editor_read(ledger: Ledger) -> None:
    api = ledger.client()
    missing = api.post(
        "/api/edits", json={"action": "accept", "target": TB2, "why": "ok"}, headers=ledger.auth("eve")
    )
    assert missing.status_code == 400 and missing.json()["error"].startswith(
        f"version: accept carries the version of {TB2} you saw"
    )
    no_expected = api.post(
        "/api/edits",
        json={"action": "correct", "target": TB2, "field": "number_ordered", "value": 7, "why": "ok"},
        headers=ledger.auth("eve"),
    )
    assert no_expected.status_code == 400 and "expected: a correction carries the value" in no_expected.text
    made_up = decide(api, ledger.auth("eve"), action="accept", target=TB2, why="ok", version="123")
    assert made_up.status_code == 409 and "changed since you read it" in made_up.json()["error"]
    assert api.get("/api/edits").json()["total"] == 0


def test_accept_then_reject_by_another_editor_is_a_409_not_both(ledger: Ledger) -> None:
    api = ledger.client()
    seen = version(api, RAFALE)  # both editors read the row now
    first = decide(api, ledger.auth("eve"), action="accept", target=RAFALE, why="the contract", version=seen)
    second = decide(api, ledger.auth("ed2"), action="reject", target=RAFALE, why="a rumour", version=seen)
    assert (first.status_code, second.status_code) == (201, 409)
    message = second.json()["error"]
    assert message.startswith(f"{RAFALE} changed since you read it: eve accepted {RAFALE} at ")
    assert "saying \u201cthe contract\u201d" in message and "armsledger" not in message.replace(RAFALE, "")
    row = api.get(f"/api/rows/{RAFALE}").json()
    assert (row["accepted"], row["rejected"]) == (True, False)
    assert [e["action"] for e in api.get(f"/api/edits?target={RAFALE}").json()["edits"]] == ["accept"]
    # Having read the accepted row, the second editor may still reject it: the later decision stands,
    # and the earlier one says it was superseded.
    again = decide(api, ledger.auth("ed2"), action="reject", target=RAFALE, why="a rumour after all")
    assert again.status_code == 201, again.text
    row = api.get(f"/api/rows/{RAFALE}").json()
    assert (row["accepted"], row["rejected"]) == (False, True)
    accept, reject = row["history"]
    assert accept["note"] == f"superseded by the later reject by ed2 on {reject['at'][:10]}"
    assert reject["note"] == ""


def test_two_editors_racing_on_one_row_one_wins_one_is_told(ledger: Ledger) -> None:
    api = ledger.client()
    seen = version(api, TB2)
    claims = api.get(f"/api/rows/{TB2}").json()["claims"]
    bodies = {
        "eve": {"action": "accept", "target": TB2, "why": "two sources", "version": seen},
        "ed2": {
            "action": "split",
            "target": TB2,
            "claims": claims[1:],
            "why": "a later order",
            "version": seen,
        },
    }
    results: dict[str, Any] = {}
    start = threading.Barrier(2)

    def post(who: str) -> None:
        start.wait()
        results[who] = api.post("/api/edits", json=bodies[who], headers=ledger.auth(who))

    threads = [threading.Thread(target=post, args=(who,)) for who in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in results.values()) == [201, 409]
    winner = next(w for w, r in results.items() if r.status_code == 201)
    loser = next(w for w, r in results.items() if r.status_code == 409)
    assert f"{winner} " in results[loser].json()["error"]
    assert [e["who"] for e in api.get("/api/edits").json()["edits"]] == [winner]


def test_merge_needs_the_current_version_too(ledger: Ledger) -> None:
    api = ledger.client()
    seen = version(api, NASAMS)
    fix = api.post(
        "/api/edits", json=correction("number_delivered", 5, 4), headers=ledger.auth("eve")
    )  # the row changes under the second editor
    assert fix.status_code == 201
    merge = decide(
        api, ledger.auth("ed2"), action="merge", target=NASAMS, other=RAFALE, why="same", version=seen
    )
    assert merge.status_code == 409 and "eve set number_delivered to 5" in merge.json()["error"]


def test_a_correction_that_changes_nothing_is_refused(ledger: Ledger) -> None:
    same = ledger.client().post(
        "/api/edits", json=correction("number_ordered", 8, 8), headers=ledger.auth("eve")
    )
    assert same.status_code == 400
    assert same.json()["error"] == f"{NASAMS}: number_ordered is already 8; a correction must change it"


def test_reasons_are_capped_and_bad_characters_refused(ledger: Ledger) -> None:
    api = ledger.client()
    eve = {**ledger.auth("eve"), "content-type": "application/json"}
    long = api.post("/api/edits", json=correction("number_ordered", 9, 8, why="x" * 2001), headers=eve)
    assert long.status_code == 400
    assert long.json()["error"] == "why: the reason is 2,001 characters; keep it to 2,000"
    # json.dumps writes the lone surrogate as the escape a client would send.
    body = json.dumps({"action": "accept", "target": TB2, "why": "\ud800", "version": "0"})
    surrogate = api.post("/api/edits", content=body.encode(), headers=eve)
    assert surrogate.status_code == 400
    assert surrogate.json() == {
        "error": "why: the text holds a lone surrogate (U+D800), which is not a character; send plain UTF-8 text",
        "status": 400,
    }
    nul = api.post("/api/edits", json=correction("system", "NASAMS\x00", "NASAMS"), headers=eve)
    assert nul.status_code == 400 and "value: the text holds a NUL byte" in nul.json()["error"]
    assert (
        api.post("/api/edits", json=correction("number_ordered", "\u00b2", 8), headers=eve).status_code == 400
    )
    assert api.get("/api/edits").json()["total"] == 0


def test_a_browser_session_must_send_its_csrf_token(ledger: Ledger) -> None:
    api = ledger.client()
    token = sign_in(api, "eve")
    body = correction("number_ordered", 9, 8)
    refused = api.post("/api/edits", json=body)
    assert refused.status_code == 403 and "CSRF" in refused.json()["error"]
    assert api.post("/api/edits", json=body, headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert api.post("/api/edits", json=body, headers={"X-CSRF-Token": token}).status_code == 201


def test_closed_reading_needs_a_viewer(ledger: Ledger) -> None:
    api = ledger.client(public_read=False)
    for path in (
        "/api/register",
        f"/api/rows/{NASAMS}",
        "/api/claims",
        "/api/documents/w1",
        "/api/states/NOR",
        "/api/findings",
        "/api/edits",
        "/api/search?q=NASAMS",
        "/api/network",
        "/api/timeline",
        "/api/me",
    ):
        refused = api.get(path)
        assert refused.status_code == 401, path
        assert refused.json()["error"] == "sign in as a viewer to do this"
        assert api.get(path, headers=ledger.auth("vic")).status_code == 200, path
    page = api.get("/register?supplier=NOR", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=%2Fregister%3Fsupplier%3DNOR"


def wait_for(api: TestClient, job: str, auth: dict[str, str]) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state = api.get(f"/api/jobs/{job}", headers=auth).json()
        if state["state"] in ("done", "failed"):
            return state
        time.sleep(0.1)
    raise AssertionError(f"job {job} did not finish")


def test_ingest_uploads_run_the_build_and_report_progress(ledger: Ledger) -> None:
    api = ledger.client()
    auth = ledger.auth("eve")
    files = [
        (
            "files",
            (
                "note.txt",
                b"Poland ordered 96 Apache helicopters from the United States in 2024.\n",
                "text/plain",
            ),
        ),
        (
            "files",
            (
                "more.jsonl",
                b'{"id": "j1", "text": "Spain sent 20 trucks to Morocco in 2022."}\n',
                "application/json",
            ),
        ),
    ]
    started = api.post("/api/ingest", files=files, headers=auth)
    assert started.status_code == 202, started.text
    job = started.json()
    assert (
        job["inputs"] == ["note.txt", "more.jsonl"]
        and started.headers["location"] == f"/api/jobs/{job['id']}"
    )
    done = wait_for(api, job["id"], auth)
    assert done["state"] == "done", done
    assert (done["read"], done["new"]) == (2, 2)
    assert done["message"].startswith("2 documents read, 2 new, 0 already stored")
    assert api.get("/api/documents/j1").json()["text"].startswith("Spain sent 20 trucks")
    again = wait_for(api, api.post("/api/ingest", files=files[:1], headers=auth).json()["id"], auth)
    assert (again["read"], again["new"]) == (1, 0)


def test_ingest_paths_under_the_ingest_roots_only(ledger: Ledger, tmp_path: Path) -> None:
    api = ledger.client()
    auth = ledger.auth("eve")
    inside = ledger.data_dir / "inbox"
    inside.mkdir()
    (inside / "a.txt").write_text("Chile bought two frigates from Australia in 2023.\n", encoding="utf-8")
    done = wait_for(
        api, api.post("/api/ingest", data={"paths": str(inside)}, headers=auth).json()["id"], auth
    )
    assert (done["state"], done["new"]) == ("done", 1)
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("x", encoding="utf-8")
    refused = api.post("/api/ingest", data={"paths": str(outside)}, headers=auth)
    assert refused.status_code == 400 and "outside the folders open to ingest" in refused.json()["error"]
    assert (
        "give an absolute path"
        in api.post("/api/ingest", data={"paths": "inbox/a.txt"}, headers=auth).json()["error"]
    )
    assert (
        "no such file"
        in api.post("/api/ingest", data={"paths": str(inside / "b.txt")}, headers=auth).json()["error"]
    )
    assert "no path given" in api.post("/api/ingest", data={"paths": " "}, headers=auth).json()["error"]


def test_ingest_refuses_wrong_types_big_uploads_and_wrong_roles(ledger: Ledger) -> None:
    api = ledger.client(max_upload_bytes=2000)
    eve = ledger.auth("eve")
    exe = api.post(
        "/api/ingest", files=[("files", ("tool.exe", b"MZ", "application/octet-stream"))], headers=eve
    )
    assert exe.status_code == 400 and "tool.exe: not a file type armsledger reads" in exe.json()["error"]
    big = api.post("/api/ingest", files=[("files", ("big.txt", b"x" * 5000, "text/plain"))], headers=eve)
    assert big.status_code == 413 and "too large: at most" in big.json()["error"]
    assert not (ledger.data_dir / "uploads").exists() or not any((ledger.data_dir / "uploads").iterdir())
    small = [("files", ("a.txt", b"Peru ordered tanks.", "text/plain"))]
    assert api.post("/api/ingest", files=small, headers=ledger.auth("vic")).status_code == 403
    assert api.post("/api/ingest", files=small).status_code == 401
    rebuild = api.post("/api/ingest", files=small, data={"rebuild": "true"}, headers=eve)
    assert rebuild.status_code == 403 and "needs admin" in rebuild.json()["error"]
    assert api.get("/api/jobs/whatever", headers=ledger.auth("vic")).status_code == 403


def test_edits_made_elsewhere_show_at_once(ledger: Ledger) -> None:
    api = ledger.client()
    assert api.get(f"/api/rows/{RAFALE}").json()["number_ordered"] == 12
    other = open_store(ledger.path)  # another connection, as another server process or the CLI would be
    try:
        record_edit(
            other,
            new_edit(
                "row", RAFALE, "correct", "cli-user", "from the CLI", field="number_ordered", new_value=24
            ),
        )
    finally:
        other.close()
    assert api.get(f"/api/rows/{RAFALE}").json()["number_ordered"] == 24


def test_ingest_refuses_paths_with_nul_bytes_or_past_any_length(ledger: Ledger) -> None:
    api = ledger.client()
    eve = ledger.auth("eve")
    nul = api.post("/api/ingest", data={"paths": f"{ledger.data_dir}/a\x00b.txt"}, headers=eve)
    assert nul.status_code == 400
    assert (
        nul.json()["error"]
        == f"path on line 1 ({ledger.data_dir}/a\\x00b.txt): holds a NUL byte; no file is named so"
    )
    long = api.post("/api/ingest", data={"paths": "/" + "a" * 5000}, headers=eve)
    assert (
        long.status_code == 400 and "(5,001 characters)): longer than 4096 characters" in long.json()["error"]
    )
    # A name longer than the file system allows, under an ingest root: refused, not a 500.
    too_long_name = api.post("/api/ingest", data={"paths": f"{ledger.data_dir}/{'b' * 300}.txt"}, headers=eve)
    assert too_long_name.status_code == 400
    assert "not a usable path on the server (File name too long)" in too_long_name.json()["error"]


def gzipped(body: bytes) -> bytes:
    import gzip

    return gzip.compress(body, compresslevel=9)


def test_gzipped_uploads_are_bounded_once_unpacked(ledger: Ledger) -> None:
    api = ledger.client(max_unpacked_bytes=3 * 1024 * 1024)
    eve = ledger.auth("eve")
    bomb = gzipped(b'{"id": "x", "text": "a"}\n' * 200_000)  # about 5 MB unpacked, a few KB packed
    assert len(bomb) < 100_000
    refused = api.post(
        "/api/ingest", files=[("files", ("bomb.jsonl.gz", bomb, "application/gzip"))], headers=eve
    )
    assert refused.status_code == 400
    assert refused.json()["error"] == (
        "bomb.jsonl.gz: unpacks to more than 3 MB (ARMSLEDGER_MAX_UNPACKED_MB); split it into smaller files"
    )
    one_line = gzipped(b'{"id": "y", "text": "' + b"z" * (17 * 1024 * 1024) + b'"}\n')
    wide = ledger.client().post(
        "/api/ingest", files=[("files", ("wide.jsonl.gz", one_line, "application/gzip"))], headers=eve
    )
    assert wide.status_code == 400 and "holds a line longer than 16 MB once unpacked" in wide.json()["error"]
    assert not any((ledger.data_dir / "uploads").iterdir())  # nothing kept of refused uploads
    fine = gzipped(b'{"id": "g1", "text": "Spain sent 20 trucks to Morocco in 2022."}\n')
    started = api.post(
        "/api/ingest", files=[("files", ("fine.jsonl.gz", fine, "application/gzip"))], headers=eve
    )
    assert started.status_code == 202
    assert wait_for(api, started.json()["id"], eve)["new"] == 1


def test_jobs_report_their_total_when_it_is_known(ledger: Ledger) -> None:
    api = ledger.client()
    eve = ledger.auth("eve")
    files = [
        ("files", ("a.txt", b"Peru ordered 4 radars from Spain in 2022.", "text/plain")),
        ("files", ("b.jsonl", b'{"id": "b1", "text": "x"}\n{"id": "b2", "text": "y"}\n', "application/json")),
    ]
    job = api.post("/api/ingest", files=files, headers=eve).json()
    done = wait_for(api, job["id"], eve)
    assert (done["total"], done["read"]) == (3, 3)
    packed = [("files", ("c.jsonl.gz", gzipped(b'{"id": "c1", "text": "z"}\n'), "application/gzip"))]
    unknown = wait_for(api, api.post("/api/ingest", files=packed, headers=eve).json()["id"], eve)
    assert unknown["total"] is None and unknown["read"] == 1


def test_closed_reading_refuses_a_claim_and_keeps_the_api_description_open(ledger: Ledger) -> None:
    api = ledger.client(public_read=False)
    claim = ledger.client().get(f"/api/rows/{TB2}").json()["claims"][0]
    refused = api.get(f"/api/claims/{claim}")
    assert refused.status_code == 401 and refused.json() == {
        "error": "sign in as a viewer to do this",
        "status": 401,
    }
    assert api.get(f"/api/claims/{claim}", headers=ledger.auth("vic")).json()["row"] == TB2
    # The OpenAPI document describes the API, not the ledger: scripts read it to learn how to sign in.
    spec = api.get("/openapi.json")
    assert spec.status_code == 200 and "/api/register" in spec.json()["paths"]


def test_an_editor_asking_for_an_unknown_job_gets_404(ledger: Ledger) -> None:
    missing = ledger.client().get("/api/jobs/0123abcd", headers=ledger.auth("eve"))
    assert missing.status_code == 404 and missing.json() == {
        "error": "no ingest job '0123abcd'",
        "status": 404,
    }


def test_a_row_merged_away_says_where_it_went(ledger: Ledger) -> None:
    api = ledger.client()
    assert (
        decide(api, ledger.auth("eve"), action="merge", target=TB2, other=RAFALE, why="one file").status_code
        == 201
    )
    gone = api.get(f"/api/rows/{RAFALE}")
    assert gone.status_code == 404
    assert gone.json()["error"].startswith(f"row {RAFALE} was merged into {TB2} by eve on ")
    assert gone.json()["error"].endswith(f"; its claims are in {TB2} now")


def test_edits_come_a_page_at_a_time(ledger: Ledger) -> None:
    api = ledger.client()
    for target in (NASAMS, RAFALE, TB2):
        assert (
            decide(api, ledger.auth("eve"), action="accept", target=target, why="checked").status_code == 201
        )
    first = api.get("/api/edits?per_page=2").json()
    assert (first["total"], first["page"], first["pages"], len(first["edits"])) == (3, 1, 2, 2)
    assert [e["target"] for e in api.get("/api/edits?per_page=2&page=2").json()["edits"]] == [TB2]
    assert (
        api.get("/api/edits?per_page=5000").json()["error"]
        == "per_page '5000': expected a whole number from 1 to 1000"
    )


def test_documents_list_pages_and_filters(api: TestClient) -> None:
    every = api.get("/api/documents").json()
    assert (every["total"], every["page"], every["pages"], every["per_page"]) == (4, 1, 1, 50)
    assert [d["doc"] for d in every["documents"]] == ["w1", "w2", "w3", "w4"]
    assert [d["claims"] for d in every["documents"]] == [1, 1, 1, 2]
    assert every["documents"][0]["published"] == "2020-11-02" and "text" not in every["documents"][0]
    assert [d["doc"] for d in api.get("/api/documents?q=nasams+lithuania").json()["documents"]] == [
        "w1",
        "w2",
    ]
    assert [d["doc"] for d in api.get("/api/documents?q=100%25").json()["documents"]] == []  # % is a letter
    assert [d["doc"] for d in api.get("/api/documents?site=example.org&since=2021").json()["documents"]] == [
        "w2",
        "w3",
    ]
    assert [d["doc"] for d in api.get("/api/documents?until=2020").json()["documents"]] == ["w1", "w4"]
    assert [d["doc"] for d in api.get("/api/documents?per_page=3&page=2").json()["documents"]] == ["w4"]
    assert api.get("/api/documents?site=elsewhere.net").json()["total"] == 0
    bad = api.get("/api/documents?since=June")
    assert bad.status_code == 400
    assert bad.json()["error"] == "since 'June': expected a date such as 2021, 2021-06 or 2021-06-30"
    assert "since 2022 is after until 2021" in api.get("/api/documents?since=2022&until=2021").json()["error"]


def test_states_list_codes_with_their_rows(api: TestClient) -> None:
    body = api.get("/api/states").json()
    assert body["total"] == 6
    assert body["states"][0] == {
        "code": "FRA",
        "name": "France",
        "as_supplier": 1,
        "as_recipient": 0,
        "rows": 1,
    }
    assert {s["code"] for s in body["states"]} == {"FRA", "HRV", "LTU", "NOR", "TUR", "UKR"}


def test_new_lists_follow_the_reading_permission(ledger: Ledger) -> None:
    api = ledger.client(public_read=False)
    for path in ("/api/documents", "/api/states"):
        assert api.get(path).status_code == 401, path
        assert api.get(path, headers=ledger.auth("vic")).status_code == 200, path


def test_state_names_in_any_case_filter_the_register(api: TestClient) -> None:
    assert keys(api.get("/api/register?supplier=turkey")) == [TB2]
    assert keys(api.get("/api/register?supplier=TURKEY&recipient=ukraine")) == [TB2]
    assert keys(api.get("/api/register?recipient=  lithuania ")) == [NASAMS]


def test_openapi_declares_sign_in_errors_and_replies(api: TestClient) -> None:
    spec = api.get("/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearer"] == {**schemes["bearer"], "type": "http", "scheme": "bearer"}
    assert schemes["session"]["in"] == "cookie"
    paths = spec["paths"]
    assert paths["/api/edits"]["post"]["security"] == [{"bearer": []}, {"session": []}]
    assert paths["/api/register"]["get"]["security"] == [{}, {"bearer": []}, {"session": []}]
    post = paths["/api/edits"]["post"]["responses"]
    assert set(post) >= {"201", "400", "401", "403", "409", "413", "422"}
    assert post["409"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
    assert post["201"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/EditOut"}
    assert set(paths["/api/jobs/{job_id}"]["get"]["responses"]) == {"200", "401", "403", "404"}
    assert "422" not in paths["/api/register"]["get"]["responses"]  # a bad URL value is a 400
    assert spec["components"]["schemas"]["ErrorOut"]["required"] == ["error", "status"]
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    assert {"/api/documents", "/api/states"} <= set(paths)
    assert "version" in spec["components"]["schemas"]["EditIn"]["properties"]


def test_stored_edit_statuses_match_the_whole_register(ledger: Ledger) -> None:
    """Edits are checked against the rows they can touch only; what is stored must equal a full reading."""
    from armsledger.store.queries import curated_register, load_edits

    api = ledger.client()
    eve = ledger.auth("eve")
    claims = api.get(f"/api/rows/{NASAMS}").json()["claims"]
    assert decide(api, eve, action="accept", target=RAFALE, why="checked").status_code == 201
    assert (
        decide(api, eve, action="split", target=NASAMS, claims=claims[1:], why="two deals").status_code == 201
    )
    split = next(k for k in keys(api.get("/api/register?supplier=NOR")) if k != NASAMS)
    assert decide(api, eve, action="reject", target=claims[1], why="a duplicate").status_code == 201
    assert decide(api, eve, action="merge", target=TB2, other=RAFALE, why="one file").status_code == 201
    assert decide(api, eve, action="accept", target=NASAMS, why="fine").status_code == 201
    with ledger.store.reading() as session:
        whole = curated_register(session).outcomes
        stored = {e.uid: (e.status, e.note) for e in load_edits(session)}
    assert stored == {uid: whole.get(uid, ("applied", "")) for uid in stored}
    assert stored[api.get(f"/api/edits?target={RAFALE}").json()["edits"][0]["uid"]][0] == "orphaned"
    gone = api.get(f"/api/rows/{split}").json()
    assert gone.get("rejected") is True, gone  # its one claim was rejected


def test_every_decision_changes_the_version_even_one_that_changes_nothing(ledger: Ledger) -> None:
    api = ledger.client()
    assert decide(api, ledger.auth("eve"), action="accept", target=TB2, why="checked").status_code == 201
    seen = version(api, TB2)  # both editors read the accepted row
    again = decide(api, ledger.auth("eve"), action="accept", target=TB2, why="checked twice", version=seen)
    late = decide(api, ledger.auth("ed2"), action="reject", target=TB2, why="no", version=seen)
    assert (again.status_code, late.status_code) == (201, 409)
    assert "eve accepted TUR/UKR/bayraktartb2" in late.json()["error"]
    assert api.get(f"/api/rows/{TB2}").json()["accepted"] is True


def test_sorts_and_filters_follow_each_edit(ledger: Ledger) -> None:
    """A snapshot keeps the last one's sorts and indexes only where no edit changed them."""
    api = ledger.client()
    eve = ledger.auth("eve")
    assert keys(api.get("/api/register?sort=number_ordered")) == [TB2, NASAMS, RAFALE]
    assert keys(api.get("/api/register?status=ordered")) == [RAFALE]
    assert keys(api.get("/api/register?sort=confidence&order=desc")) == [NASAMS, RAFALE, TB2]
    assert api.post("/api/edits", json=correction("number_ordered", 100, 8), headers=eve).status_code == 201
    assert keys(api.get("/api/register?sort=number_ordered")) == [TB2, RAFALE, NASAMS]
    assert keys(api.get("/api/register?sort=confidence&order=desc")) == [NASAMS, RAFALE, TB2]
    status = {**correction("status", "ordered", "delivered"), "target": TB2}
    assert api.post("/api/edits", json=status, headers=eve).status_code == 201
    assert keys(api.get("/api/register?status=ordered")) == [RAFALE, TB2]
    assert decide(api, eve, action="accept", target=RAFALE, why="checked").status_code == 201
    assert keys(api.get("/api/register?sort=number_ordered")) == [TB2, RAFALE, NASAMS]
    assert decide(api, eve, action="reject", target=RAFALE, why="a rumour").status_code == 201
    assert keys(api.get("/api/register?sort=number_ordered")) == [TB2, NASAMS]
    assert keys(api.get("/api/register?status=ordered")) == [TB2]
