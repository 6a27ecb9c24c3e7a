"""The HTML pages without a browser: what they show, escaping, sign-in, curation forms, CSRF and headers."""

from __future__ import annotations

import csv
import html as html_module
import io
import re
import subprocess
import sys

import pytest

from armsledger.cli import main
from test_web_support import (
    COMMENTS,
    NASAMS,
    PASSWORD,
    RAFALE,
    TB2,
    Ledger,
    TestClient,
    csrf_of,
    ledger,
    shared_ledger,
    sign_in,
)

__all__ = ["ledger", "shared_ledger"]


@pytest.fixture(scope="module")
def web(shared_ledger: Ledger) -> TestClient:
    return shared_ledger.client()


def cells(html: str, table: str) -> list[list[str]]:
    """The text of each body row of a table, tags stripped."""
    body = html.split(f'id="{table}"', 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S)
    return [
        [
            html_module.unescape(re.sub(r"<[^>]+>|\s+", " ", c)).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)
        ]
        for r in rows
    ]


def test_register_page_filters_sorts_pages_and_offers_csv(web: TestClient) -> None:
    html = web.get("/register").text
    assert [r[0] for r in cells(html, "register")] == [RAFALE, NASAMS, TB2]
    filtered = web.get("/register?category=aircraft&sort=confidence&order=desc").text
    assert [r[0] for r in cells(filtered, "register")] == [RAFALE, TB2]
    assert "2 rows match" in filtered
    assert (
        'href="/register?category=aircraft&amp;sort=confidence" class="sorted"' in filtered
    )  # toggles to asc
    paged = web.get("/register?per_page=2").text
    assert "page 1 of 2" in paged and 'href="/register?page=2&amp;per_page=2"' in paged
    assert web.get("/register?not_in_sipri=1").text.count("not in SIPRI") >= 2
    bad = web.get("/register?status=shipped")
    assert bad.status_code == 400 and "status &#39;shipped&#39;: expected one of" in bad.text


def test_csv_holds_every_filtered_row_in_the_shown_order(web: TestClient) -> None:
    response = web.get("/register.csv?category=aircraft&sort=key&order=desc&per_page=1")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["key"] for r in rows] == [TB2, RAFALE]
    assert rows[1]["number_ordered"] == "12" and rows[1]["sipri"] == "also in SIPRI (line 1)"


def test_row_page_highlights_each_source_sentence_escaped(web: TestClient) -> None:
    html = web.get(f"/rows/{RAFALE}").text
    marks = re.findall(r'<mark class="focus"[^>]*>(.*?)</mark>', html, re.S)
    assert marks == [
        "France sold 12 Rafale jets to Croatia; the file was tagged &#34;&lt;b&gt;R-12&lt;/b&gt;&#34; by the "
        "ministry"
    ]
    assert "<b>R-12</b>" not in html
    assert "largest exact total" in html or "rule" in html
    nasams = web.get(f"/rows/{NASAMS}").text
    assert len(re.findall(r'<mark class="focus"', nasams)) == 2
    assert f'<span class="skipped" title="skipped: not reporting">{COMMENTS}</span>' in nasams
    assert "No analyst has edited this row." in nasams
    assert 'action="/edits"' not in nasams  # no curation forms for an anonymous reader


def test_document_page_marks_every_claim_and_dims_skipped_text(web: TestClient) -> None:
    html = web.get("/documents/w4").text
    assert re.findall(r'<mark class="claim"[^>]*>(.*?)</mark>', html) == [
        "Turkey delivered six Bayraktar TB2 drones to Ukraine in 2019",
        "Kyiv later ordered more",
    ]
    assert [r[1] for r in cells(html, "claims")] == [TB2, TB2]
    assert 'class="skipped"' in web.get("/documents/w1").text
    assert web.get("/documents/none").status_code == 404


def test_state_network_map_timeline_entrapment_search_and_edits_pages(web: TestClient) -> None:
    ukraine = web.get("/states/UKR").text
    assert "Ukraine" in ukraine and "Russia-Ukraine war" in ukraine
    assert "The United States guarantees Turkey through NATO" in ukraine
    network = web.get("/network").text
    assert (
        'data-figure="network-plot-data"' in network
        and '<script src="/assets/plotly.min.js" defer>' in network
    )
    assert {r[0] for r in cells(network, "pairs")} == {"FRA", "NOR", "TUR"}
    # Without JavaScript the graph is a still SVG drawn on the server, its labels escaped text.
    svg = network.split('<svg class="network-svg"', 1)[1].split("</svg>", 1)[0]
    assert re.findall(r"<text[^>]*>([^<]+)</text>", svg) and {
        "FRA",
        "HRV",
        "NOR",
        "LTU",
        "TUR",
        "UKR",
    } == set(re.findall(r"<text[^>]*>([^<]+)</text>", svg))
    assert len(re.findall(r"<line ", svg)) == 3 and svg.count("<circle ") == 6
    assert "<script" not in svg
    assert "The chart needs JavaScript" in web.get("/timeline").text  # no still picture: the tables follow
    assert 'id="map-plot-data"' in web.get("/map").text
    assert cells(web.get("/timeline").text, "by-status")[0][0] == "2019"
    assert "score 1.778" in web.get("/entrapment").text
    assert "No findings." in web.get("/entrapment?state=FRA").text
    search = web.get("/search?q=Rafale").text
    assert "<mark>Rafale</mark>" in search and f"/rows/{RAFALE}" in search
    assert web.get("/search?q=%22open").status_code == 400
    assert "No edits yet." in web.get("/edits").text
    assert web.get("/network?from=2030&to=2020").status_code == 400
    assert web.get("/states/QQQ").status_code == 404


def test_plotly_comes_from_the_installed_package(web: TestClient) -> None:
    response = web.get("/assets/plotly.min.js")
    assert response.status_code == 200 and "plotly" in response.text[:2000].lower()
    assert (
        web.get("/assets/plotly.min.js", headers={"If-None-Match": response.headers["etag"]}).status_code
        == 304
    )
    for page in ("/register", "/network", "/map", f"/rows/{NASAMS}"):
        # Nothing the page loads comes from elsewhere (links to the sources' own pages are fine).
        assert not re.search(r"""(?:src=|<link[^>]*href=)["'](?:https?:)?//""", web.get(page).text), page


def test_every_response_carries_the_security_headers(web: TestClient) -> None:
    headers = web.get("/register").headers
    assert headers["content-security-policy"].startswith("default-src 'self'; script-src 'self'")
    assert (headers["x-content-type-options"], headers["x-frame-options"]) == ("nosniff", "DENY")
    assert "content-security-policy" in web.get("/api/register").headers


def test_sign_in_wrong_password_and_sign_out(ledger: Ledger) -> None:
    web = ledger.client()
    form = web.get("/login?next=/rows/x").text
    token = csrf_of(form)
    wrong = web.post(
        "/login", data={"name": "eve", "password": "nope", "csrf_token": token, "next": "/register"}
    )
    assert wrong.status_code == 401 and "Wrong name or password." in wrong.text
    nobody = web.post("/login", data={"name": "zed", "password": "nope", "csrf_token": token})
    assert nobody.status_code == 401
    forged = web.post("/login", data={"name": "eve", "password": PASSWORD, "csrf_token": "x"})
    assert forged.status_code == 403 and "CSRF" in forged.text
    evil = web.post(
        "/login",
        data={"name": "eve", "password": PASSWORD, "csrf_token": token, "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert evil.headers["location"] == "/register"  # only local redirects
    cookie = evil.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    page = web.get("/register").text
    assert "eve (editor)" in page and "Signed in as eve (editor)." in page
    web.post("/logout", data={"csrf_token": csrf_of(page)})
    assert "Sign in</a>" in web.get("/register").text


def test_an_editor_corrects_a_field_from_the_row_page(ledger: Ledger) -> None:
    web = ledger.client()
    token = sign_in(web, "eve")
    page = web.get(f"/rows/{NASAMS}").text
    assert 'data-field="number_ordered"' in page and 'name="expected" value="8"' in page
    form = {
        "csrf_token": token,
        "action": "correct",
        "target": NASAMS,
        "field": "number_ordered",
        "expected": "8",
        "value": "10",
        "why": "the ministry's own figure",
    }
    assert web.post("/edits", data={**form, "csrf_token": "stale"}).status_code == 403
    done = web.post("/edits", data=form, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/rows/{NASAMS}"
    after = web.get(f"/rows/{NASAMS}").text
    assert "Recorded: correct number_ordered = 10" in after
    assert cells(after, "history")[0][1:6] == [
        "eve",
        NASAMS,
        "correct",
        "number_ordered: 8 → 10",
        "the ministry's own figure",
    ]
    # A second editor with the page read before the change is told, on the row's page.
    other = ledger.client()
    stale = {**form, "csrf_token": sign_in(other, "ed2"), "value": "9"}
    conflict = other.post("/edits", data=stale)
    assert conflict.status_code == 409
    assert (
        "number_ordered is now 10, not 8 as you saw" in conflict.text and 'id="edit-error"' in conflict.text
    )
    missing_reason = other.post("/edits", data={**stale, "expected": "10", "why": ""})
    assert missing_reason.status_code == 400 and "give a reason" in missing_reason.text


def test_viewers_get_no_forms_and_cannot_post(ledger: Ledger) -> None:
    web = ledger.client()
    token = sign_in(web, "vic")
    assert 'action="/edits"' not in web.get(f"/rows/{NASAMS}").text
    refused = web.post(
        "/edits", data={"csrf_token": token, "action": "accept", "target": NASAMS, "why": "ok"}
    )
    assert refused.status_code == 403 and "vic is a viewer; this needs editor" in refused.text
    assert web.get("/ingest").status_code == 403
    anonymous = ledger.client()
    assert anonymous.get("/ingest", follow_redirects=False).headers["location"] == "/login?next=%2Fingest"


def test_ingest_page_uploads_and_shows_the_job(ledger: Ledger) -> None:
    web = ledger.client()
    token = sign_in(web, "eve")
    form = web.get("/ingest").text
    assert 'enctype="multipart/form-data"' in form and "rebuild from scratch" not in form  # admins only
    started = web.post(
        "/ingest",
        data={"csrf_token": token},
        files=[("files", ("x.txt", b"Peru ordered 4 radars from Spain in 2022.", "text/plain"))],
        follow_redirects=False,
    )
    assert started.status_code == 303 and started.headers["location"].startswith("/jobs/")
    job = web.get(started.headers["location"]).text
    assert 'id="job"' in job and "x.txt" in job
    admin = ledger.client()
    sign_in(admin, "ada")
    assert "rebuild from scratch" in admin.get("/ingest").text


def test_user_command_adds_accounts_and_mints_tokens(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(ledger.path)
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long password\n"))
    assert main(["user", "add", "nora", "--role", "editor", "--password-stdin", "--db", db]) == 0
    assert "user nora added (editor)" in capsys.readouterr().out
    assert main(["user", "token", "nora", "--db", db]) == 0
    token = capsys.readouterr().out.strip()
    assert (
        ledger.client().get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()["role"]
        == "editor"
    )
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    assert main(["user", "add", "tim", "--role", "viewer", "--password-stdin", "--db", db]) == 1
    assert "the password is too short" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long password\n"))
    assert main(["user", "add", "nora", "--role", "viewer", "--password-stdin", "--db", db]) == 1
    assert "user 'nora' already exists" in capsys.readouterr().err
    assert main(["user", "role", "nora", "admin", "--db", db]) == 0
    assert main(["user", "list", "--db", db]) == 0
    assert "nora\tadmin" in capsys.readouterr().out
    assert main(["user", "revoke", "nora", "--db", db]) == 0
    assert ledger.client().get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert main(["user", "token", "ghost", "--db", db]) == 1


def test_serve_refuses_bad_options_plainly(tmp_path: object) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "armsledger.cli", "serve", "--port", "70000"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and "--port 70000: expected a port from 1 to 65535" in result.stderr
    assert "Traceback" not in result.stderr


def test_sign_out_ends_the_session_for_a_copied_cookie_too(ledger: Ledger) -> None:
    web = ledger.client()
    token = sign_in(web, "eve")
    copied = web.cookies.get("armsledger_session")
    other = ledger.client()  # another browser of the same user
    sign_in(other, "eve")
    assert web.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    replay = ledger.client()
    replay.cookies.set("armsledger_session", copied)
    assert replay.get("/api/me").json()["name"] is None
    assert replay.get("/ingest", follow_redirects=False).status_code == 303  # to the sign-in form
    assert other.get("/api/me").json()["name"] is None  # every session of the user ends
    sign_in(web, "eve")
    assert web.get("/api/me").json()["name"] == "eve"


def test_a_bad_ingest_comes_back_to_the_form_with_the_reason(ledger: Ledger) -> None:
    web = ledger.client()
    token = sign_in(web, "eve")
    bad_type = web.post(
        "/ingest",
        data={"csrf_token": token},
        files=[("files", ("tool.exe", b"MZ", "application/octet-stream"))],
    )
    assert bad_type.status_code == 400 and 'id="upload-form"' in bad_type.text
    assert (
        "tool.exe: not a file type armsledger reads" in bad_type.text and 'id="ingest-error"' in bad_type.text
    )
    nul = web.post("/ingest", data={"csrf_token": token, "paths": "/srv/a\x00b"})
    assert nul.status_code == 400 and "holds a NUL byte" in nul.text and 'id="paths-form"' in nul.text
    outside = web.post("/ingest", data={"csrf_token": token, "paths": "/srv/news"})
    assert outside.status_code == 400 and ">/srv/news</textarea>" in outside.text  # kept to fix


def test_a_merged_away_row_page_sends_the_reader_on(ledger: Ledger) -> None:
    web = ledger.client()
    token = sign_in(web, "eve")
    version = re.search(r'name="version" value="([^"]+)"', web.get(f"/rows/{TB2}").text)
    assert version
    form = {
        "csrf_token": token,
        "action": "merge",
        "target": TB2,
        "other": RAFALE,
        "why": "one file",
        "version": version[1],
    }
    assert web.post("/edits", data=form, follow_redirects=False).status_code == 303
    gone = web.get(f"/rows/{RAFALE}", follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"] == f"/rows/{TB2}"
    landed = web.get(gone.headers["location"]).text
    assert f"row {RAFALE} was merged into {TB2} by eve on " in html_module.unescape(landed)


def test_decisions_from_a_stale_page_are_told_on_the_row_page(ledger: Ledger) -> None:
    eve, ed2 = ledger.client(), ledger.client()
    eve_token, ed2_token = sign_in(eve, "eve"), sign_in(ed2, "ed2")
    seen = re.findall(r'name="version" value="([^"]+)"', ed2.get(f"/rows/{NASAMS}").text)[0]
    accept = {"csrf_token": eve_token, "action": "accept", "target": NASAMS, "why": "ok", "version": seen}
    assert eve.post("/edits", data=accept, follow_redirects=False).status_code == 303
    reject = {**accept, "csrf_token": ed2_token, "action": "reject", "why": "no"}
    told = ed2.post("/edits", data=reject)
    assert told.status_code == 409 and 'id="edit-error"' in told.text
    assert f"{NASAMS} changed since you read it: eve accepted {NASAMS}" in html_module.unescape(told.text)
    assert "armsledger show" not in told.text
    assert "accepted" in told.text and "rejected by an analyst" not in told.text


def test_edits_page_is_paged(ledger: Ledger) -> None:
    web = ledger.client()
    token = sign_in(web, "eve")
    for target in (NASAMS, RAFALE, TB2):
        version = re.findall(r'name="version" value="([^"]+)"', web.get(f"/rows/{target}").text)[0]
        form = {
            "csrf_token": token,
            "action": "accept",
            "target": target,
            "why": "checked",
            "version": version,
        }
        assert web.post("/edits", data=form, follow_redirects=False).status_code == 303
    first = web.get("/edits?per_page=2").text
    assert "page 1 of 2" in first and [r[2] for r in cells(first, "edits")] == [TB2, RAFALE]
    assert [r[2] for r in cells(web.get("/edits?per_page=2&page=2").text, "edits")] == [NASAMS]
    assert web.get("/edits?page=x").status_code == 400


def test_a_minted_token_is_shown_once_after_a_redirect(ledger: Ledger) -> None:
    web = ledger.client()
    token = sign_in(web, "vic")
    made = web.post(
        "/account/tokens", data={"csrf_token": token, "label": "notebook"}, follow_redirects=False
    )
    assert made.status_code == 303 and made.headers["location"] == "/account"
    page = web.get("/account")
    secret = re.search(r'<code class="token" id="new-token">([^<]+)</code>', page.text)
    assert secret and page.headers["cache-control"] == "no-store"
    assert 'id="new-token"' not in web.get("/account").text  # shown once
    assert (
        ledger.client().get("/api/me", headers={"Authorization": f"Bearer {secret[1]}"}).json()["name"]
        == "vic"
    )


def test_unpacked_upload_limit_is_a_setting() -> None:
    from armsledger.errors import InputError
    from armsledger.web.settings import load_settings

    assert load_settings(env={"ARMSLEDGER_MAX_UNPACKED_MB": "50"}).max_unpacked_bytes == 50 * 1024 * 1024
    assert load_settings(env={}).max_unpacked_bytes == 200 * 1024 * 1024
    for bad in ("lots", "0", "inf"):
        with pytest.raises(InputError, match=f"ARMSLEDGER_MAX_UNPACKED_MB='{bad}'"):
            load_settings(env={"ARMSLEDGER_MAX_UNPACKED_MB": bad})


def test_findings_name_further_adversaries_and_quote_a_sentence_once() -> None:
    from pathlib import Path
    from types import SimpleNamespace

    from jinja2 import Environment, FileSystemLoader

    import armsledger.web.views as views

    finding = SimpleNamespace(
        guarantor="USA", supplier="TUR", recipient="UKR", adversary="RUS", also_against=["IRN"]
    )
    assert views._names(finding, "IRN") and views._names(finding, "RUS") and not views._names(finding, "FRA")
    folder = Path(views.__file__).parent / "templates"
    env = Environment(loader=FileSystemLoader(str(folder)), autoescape=True)
    env.globals["url_for"] = lambda *a, **k: "/"
    evidence = [
        {"sentence": "“Ukraine is using Turkish drones,” she said.", "doc": "d1", "start": 0, "end": 44},
        {"sentence": "Turkey sold drones to Ukraine.", "doc": "d1", "start": 45, "end": 75},
    ]
    row = {
        **vars(finding),
        "score": 1.0,
        "alliance": "NATO",
        "relation": "war",
        "explanation": "x",
        "transfers": [],
        "evidence": evidence,
    }
    html = env.get_template("findings.html").render(findings=[row], state=None)
    assert "““" not in html and "“Ukraine is using Turkish drones,” she said." in html
    assert "“Turkey sold drones to Ukraine.”" in html
