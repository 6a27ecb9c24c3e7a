"""The web app in headless Chromium: sign in, filter, open a row, see its sentence, correct it, rebuild, keep it.

The server runs on 127.0.0.1 in a thread over a store built by the real `build` from documents
written here; every request to anywhere else is blocked and counted. Screenshots of the main
pages go to artifacts/screenshots/.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from armsledger.store import open_store
from armsledger.store.accounts import add_user
from armsledger.store.build import build
from armsledger.web.auth import hash_password
from armsledger.web.settings import Settings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is a dev dependency")
uvicorn = pytest.importorskip("uvicorn")
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="needs Debian's chromium (scripts/ensure-chromium.sh installs it)"
)
SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
PASSWORD = "browser pass 42"
# Our own sentences; the reader comments under the first one are skipped text.
DOCUMENTS = {
    "nasams.txt": "Norway agreed to sell eight NASAMS air defence batteries to Lithuania in 2021. "
    "The first batteries arrived in Vilnius in 2022.\n",
    "tb2.txt": "Turkey delivered 12 Bayraktar TB2 drones to Ukraine in 2020. Officials in Kyiv said more would "
    "follow.\n\nComments\nGreat reporting, thanks! Reply\n",
    "rafale.txt": "France signed a contract to supply 18 Rafale fighter jets to Greece in 2021.\n",
}
NASAMS_SENTENCE = "Norway agreed to sell eight NASAMS air defence batteries to Lithuania in 2021."


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A built store, an editor and an admin, and the app served on a free loopback port."""
    from armsledger.web.app import create_app

    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in DOCUMENTS.items():
        (docs / name).write_text(text, encoding="utf-8")
    db = tmp_path / "browser.db"
    store = open_store(db)
    try:
        build(store, [docs])
        for name, role in (("eve", "editor"), ("ada", "admin")):
            add_user(store, name, role, hash_password(PASSWORD))
    finally:
        store.close()
    settings = Settings(
        db=str(db), data_dir=tmp_path, secret="browser-test", ingest_roots=(tmp_path.resolve(),)
    )
    port = free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "the server did not start"
    try:
        yield f"http://127.0.0.1:{port}", docs
    finally:
        srv.should_exit = True
        thread.join(timeout=15)


def sign_in(page: sync_api.Page, base: str, name: str, then: str) -> None:
    page.goto(f"{base}/login?next={then}")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{base}{then}")


def shot(page: sync_api.Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_sign_in_filter_open_correct_rebuild_and_the_edit_survives(server: tuple[str, Path]) -> None:
    base, docs = server
    blocked: list[str] = []
    problems: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page(viewport={"width": 1360, "height": 900})

            def guard(route: sync_api.Route) -> None:
                if route.request.url.startswith(base):
                    route.continue_()
                else:
                    blocked.append(route.request.url)
                    route.abort()

            page.route("**/*", guard)
            page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
            page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)

            page.goto(f"{base}/register")
            assert page.locator("#register tbody tr").count() == 3
            shot(page, "register")

            sign_in(page, base, "eve", "/register")
            assert "eve (editor)" in page.inner_text("header")

            # Filter the register to Norway's rows.
            page.select_option("select[name=supplier]", "NOR")
            page.click("#filters button[type=submit]")
            page.wait_for_url("**supplier=NOR**")
            rows = page.locator("#register tbody tr")
            assert rows.count() == 1
            assert rows.first.locator("td").nth(1).inner_text() == "NOR"
            shot(page, "register-filtered")

            # Open the row: its sentence is highlighted inside the document's text.
            rows.first.locator("td a").first.click()
            page.wait_for_selector("mark.focus")
            key = page.inner_text("#row-key")
            assert key.startswith("NOR/LTU/")
            highlighted = page.inner_text(".doctext mark.focus")
            assert highlighted.strip() and highlighted.strip() in NASAMS_SENTENCE
            assert "The first batteries arrived" in page.inner_text(".doctext")
            shot(page, "row")

            # Correct the number ordered, with a reason.
            cell = page.locator("#field-number_ordered td.value")
            current = cell.inner_text().strip()
            wanted = str(int(current) + 2) if current.isdigit() else "10"
            form = page.locator("form[data-field=number_ordered]")
            form.locator("input[name=value]").fill(wanted)
            form.locator("input[name=why]").fill("the ministry's release gives this figure")
            form.locator("button[type=submit]").click()
            page.wait_for_selector(".flash")
            assert cell.inner_text().strip() == wanted
            assert "the ministry's release gives this figure" in page.inner_text("#history")

            # An admin rebuilds the store from scratch with the same build; the edit is applied again.
            page.click("header button:has-text('Sign out')")
            sign_in(page, base, "ada", "/ingest")
            shot(page, "ingest")
            page.fill("#paths-form textarea[name=paths]", str(docs))
            page.check("#paths-form input[name=rebuild]")
            page.click("#paths-form button[type=submit]")
            page.wait_for_selector("#job[data-state=done]", timeout=120_000)
            assert page.inner_text("#job-summary").startswith("3 documents read, 3 new")
            shot(page, "job")

            page.goto(f"{base}/rows/{key}")
            assert page.locator("#field-number_ordered td.value").inner_text().strip() == wanted
            assert "applied" in page.inner_text("#history")
            assert page.locator(".doctext mark.focus").count() >= 1

            # The other main pages, for the record.
            page.goto(f"{base}/documents/tb2")
            assert page.locator("#doctext mark.claim").count() >= 1
            assert "Great reporting" in page.inner_text("#doctext .skipped")
            shot(page, "document")
            page.goto(f"{base}/states/UKR")
            shot(page, "state")
            for name in ("network", "map", "timeline"):
                page.goto(f"{base}/{name}")
                page.wait_for_selector(f"#{name}-plot .main-svg", timeout=30_000)
                assert page.evaluate(f"() => document.getElementById('{name}-plot').data.length") >= 1
                shot(page, name)
            page.goto(f"{base}/entrapment")
            assert "guarantees Turkey" in page.inner_text("#findings")
            shot(page, "entrapment")
            page.goto(f"{base}/search?q=Rafale")
            assert page.locator("#results mark").count() >= 1
            shot(page, "search")
            page.goto(f"{base}/edits")
            shot(page, "edits")
        finally:
            browser.close()
    assert blocked == []
    assert problems == []


def test_two_editors_on_one_row_and_the_pages_without_javascript(server: tuple[str, Path]) -> None:
    base, _ = server
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            # Two editors open the same row; the first accepts it, the second then rejects it from
            # the page read before: told on the row's page, and the row stays accepted.
            first = browser.new_context(viewport={"width": 1360, "height": 900}).new_page()
            second = browser.new_context(viewport={"width": 1360, "height": 900}).new_page()
            sign_in(first, base, "eve", "/register")
            sign_in(second, base, "ada", "/register")
            first.goto(f"{base}/register?supplier=NOR")
            key = first.locator("#register tbody tr td a").first.inner_text()
            for page in (first, second):
                page.goto(f"{base}/rows/{key}")
            first.fill("#decide-row input[name=why]", "two sources agree")
            first.click("#decide-row button[value=accept]")
            first.wait_for_selector(".flash")
            second.fill("#decide-row input[name=why]", "a rumour")
            second.click("#decide-row button[value=reject]")
            second.wait_for_selector("#edit-error")
            told = second.inner_text("#edit-error")
            assert told.startswith(f"{key} changed since you read it: eve accepted {key}"), told
            assert "armsledger" not in told.replace(key, "")
            assert second.locator(".badge.good").inner_text() == "accepted"
            shot(second, "row-conflict")

            # The network page with the three-column tables: nothing wider than its column.
            first.goto(f"{base}/network")
            first.wait_for_selector("#network-plot .main-svg", timeout=30_000)
            overflow = first.evaluate(
                "() => [...document.querySelectorAll('.cols > section')]"
                ".filter(s => s.scrollWidth > s.clientWidth + 1).map(s => s.querySelector('h2').innerText)"
            )
            assert overflow == []
            still = browser.new_context(viewport={"width": 1360, "height": 900}, java_script_enabled=False)
            page = still.new_page()
            page.goto(f"{base}/network")
            box = page.locator("#network-plot svg.network-svg").bounding_box()
            assert box and box["width"] > 600 and box["height"] > 250
            assert page.locator("#network-plot svg text").count() >= 6
            shot(page, "network-without-javascript")
            page.goto(f"{base}/timeline")
            assert page.locator("#timeline-plot").bounding_box()["height"] < 120  # no empty chart box
            shot(page, "timeline-without-javascript")
        finally:
            browser.close()
