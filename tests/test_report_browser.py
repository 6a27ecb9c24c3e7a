"""The report opens in headless Chromium with the network blocked and draws its graph, map and timeline."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from armsledger.cli import main

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is a dev dependency")
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="needs Debian's chromium (scripts/ensure-chromium.sh installs it)"
)

# Boxes of the drawn labels of a plot, and how many pairs of them overlap on screen.
OVERLAPS = """id => {
    const boxes = [...document.querySelectorAll('#' + id + ' .textpoint text')]
        .filter(t => t.textContent.trim()).map(t => t.getBoundingClientRect());
    let overlaps = 0;
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i], b = boxes[j];
        if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) overlaps++;
    }
    return {labels: boxes.length, overlaps};
}"""


def test_report_renders_offline(shared_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert (
        main(
            [
                "report",
                str(shared_dir / "corpus" / "seeds" / "corpus.jsonl"),
                str(shared_dir / "corpus" / "dev" / "corpus.jsonl"),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    blocked: list[str] = []
    errors: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 900})

            def guard(route: sync_api.Route) -> None:
                url = route.request.url
                if url.startswith(("file:", "data:", "blob:")):
                    route.continue_()
                else:
                    blocked.append(url)
                    route.abort()

            page.route("**/*", guard)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(out.as_uri())
            page.wait_for_selector("#timeline-plot .main-svg", timeout=20_000)
            counts = page.evaluate("""() => Object.fromEntries(['network-plot', 'map-plot', 'timeline-plot'].map(
                id => [id, {svg: document.querySelectorAll('#' + id + ' .main-svg').length,
                            traces: (document.getElementById(id).data || []).length}]))""")
            for name in ("network-plot", "map-plot", "timeline-plot"):
                assert counts[name]["svg"] >= 1 and counts[name]["traces"] >= 1, (name, counts)
            # The network draws one dot per state, and no two of its labels cover each other.
            states = page.evaluate("() => document.getElementById('network-plot').data.at(-1).x.length")
            assert states >= 5
            network_labels = page.evaluate(OVERLAPS, "network-plot")
            assert network_labels == {"labels": states, "overlaps": 0}
            # The map draws the flows over the countries' image, each with an arrowhead towards its recipient.
            assert page.locator("#map-plot .imagelayer image").count() == 1
            assert page.locator("#map-plot .scatterlayer .trace").count() >= 3
            arrows = page.evaluate("""() => document.getElementById('map-plot').data.filter(
                t => Array.isArray(t.marker?.symbol) && t.marker.symbol.includes('arrow')).length""")
            assert arrows >= 10
            assert page.evaluate(OVERLAPS, "map-plot")["overlaps"] <= 2
            # The timeline's years are numbers on a linear axis, so years without claims show as gaps.
            axis = page.evaluate("() => document.getElementById('timeline-plot')._fullLayout.xaxis.type")
            assert axis == "linear"
            ticks = [t.strip() for t in page.locator("#timeline-plot .xtick text").all_text_contents()]
            assert "2000" in ticks and "2020" in ticks
            assert page.locator("#timeline-plot .bars path").count() >= 3
            assert page.locator("#register-table tbody tr").count() >= 10
            assert page.locator("#bundle-table tbody tr").count() >= 1
            assert "four more agreements" in page.inner_text("#bundles")
            entrapment = page.inner_text("#entrapment")
            assert (
                "The United States guarantees Turkey" in entrapment
                and "Undated transfers are judged at" in entrapment
            )
            # Evidence that opens with its own quotation mark is not quoted twice.
            assert "““" not in entrapment and '"“' not in entrapment
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        finally:
            browser.close()
    assert blocked == [] and errors == []
    assert (tmp_path / "report.png").stat().st_size > 50_000
