"""Web load: 50 concurrent clients for 60 s against the register page and /api/register, 100,000 claims stored.

Synthesises the claims straight into a SQLite store through the store API (documents of our own
template sentences, spread over suppliers, recipients and systems roughly as the arms trade is:
a few big suppliers, many recipients, each supplier's own systems), starts `uvicorn` on
127.0.0.1 with two workers, warms both up, then runs the clients (bounded in time and in
requests, loopback only) and prints requests per second, p50/p95/p99 latency and error counts
per target.

While the clients run, two editors race on one row every few seconds (bounded in rounds): both
correct the same field from the same old value, or one accepts and the other rejects the same
version of the row. Each round must end with one 201 and one 409, exactly the winner's edit
stored and the register showing it; anything else is counted as a lost edit. It measures; it
never asserts. The store and a JSON copy of the figures go to benchmarks/out/ (git ignores it).

    .venv/bin/python benchmarks/web_load.py [--claims 100000] [--clients 50] [--seconds 60] [--workers 2]
        [--edit-every 2] [--edit-rounds 25] [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from armsledger.commands.serve import WORKER_HEALTHCHECK
from armsledger.errors import InputError
from armsledger.knowledge import default_knowledge
from armsledger.model import Claim, Document
from armsledger.store import open_store
from armsledger.store.accounts import add_token, add_user
from armsledger.store.ledger import store_batch
from armsledger.store.queries import counts
from armsledger.web.auth import hash_password, new_token

OUT = Path(__file__).resolve().parent / "out"
CLAIMS_PER_DOC = 5
# Suppliers and their rough shares of the trade (the rest split what is left).
SUPPLIERS = {
    "USA": 40,
    "RUS": 16,
    "FRA": 10,
    "CHN": 6,
    "DEU": 5,
    "ITA": 4,
    "GBR": 3,
    "ESP": 3,
    "ISR": 3,
    "KOR": 3,
    "TUR": 2,
    "NLD": 1,
    "SWE": 1,
    "UKR": 1,
    "CHE": 1,
    "NOR": 1,
}
STATUSES = {"delivered": 45, "ordered": 35, "planned": 10, "interest": 7, "cancelled": 3}
VERBS = {
    "delivered": "delivered",
    "ordered": "ordered",
    "planned": "plans to supply",
    "interest": "offered",
    "cancelled": "cancelled the sale of",
}


def synthesise(count: int, seed: int = 7) -> list[tuple[Document, list[Claim]]]:
    """Documents of template sentences with one claim per sentence, at real offsets."""
    kb = default_knowledge()
    rng = random.Random(seed)
    states = sorted(c for c in kb.states if len(c) == 3 and c not in SUPPLIERS)
    # Recipients: a long tail, some states buying far more than others.
    recipient_weights = [1.0 / (1 + i) ** 0.6 for i in range(len(states))]
    rng.shuffle(recipient_weights)
    by_maker: dict[str, list[Any]] = defaultdict(list)
    for system in kb.systems.values():
        by_maker[system.state].append(system)
    every = list(kb.systems.values())
    suppliers, weights = list(SUPPLIERS), list(SUPPLIERS.values())
    items: list[tuple[Document, list[Claim]]] = []
    for n in range(-(-count // CLAIMS_PER_DOC)):
        year = rng.randint(2000, 2024)
        sentences, specs = [], []
        for _ in range(CLAIMS_PER_DOC):
            supplier = rng.choices(suppliers, weights)[0]
            recipient = rng.choices(states, recipient_weights)[0]
            system = rng.choice(by_maker.get(supplier) or every)
            status = rng.choices(list(STATUSES), list(STATUSES.values()))[0]
            quantity = rng.choice([2, 4, 6, 8, 12, 16, 24, 36, 48, 100])
            claim_year = year - rng.randint(0, 3)
            sentence = (
                f"{kb.state_name(supplier)} {VERBS[status]} {quantity} {system.designation} "
                f"to {kb.state_name(recipient)} in {claim_year}."
            )
            sentences.append(sentence)
            specs.append((supplier, recipient, system, status, quantity, claim_year, sentence))
        text = " ".join(sentences) + f" (Bulletin {n}.)"
        doc = Document(
            id=f"load-{n:06d}",
            text=text,
            published=f"{year}-06-{1 + n % 28:02d}",
            title=f"Bulletin {n}",
            url=f"https://example.org/load/{n}",
        )
        claims, at = [], 0
        for supplier, recipient, system, status, quantity, claim_year, sentence in specs:
            start = text.index(sentence, at)
            at = start + len(sentence)
            claims.append(
                Claim(
                    supplier,
                    recipient,
                    system.designation,
                    system.category,
                    quantity,
                    "sale",
                    status,
                    claim_year,
                    sentence,
                    start,
                    at,
                    doc.id,
                )
            )
        items.append((doc, claims))
    return items


def make_store(path: Path, count: int) -> dict[str, str]:
    """Build the store (if not kept from a previous run) and two editors; their API tokens."""
    started = time.perf_counter()
    store = open_store(path)
    try:
        with store.reading() as session:
            have = counts(session)["claims"]
        if have < count:
            items = synthesise(count)
            for i in range(0, len(items), 4000):
                store_batch(store, items[i : i + 4000])
                print(
                    f"  stored {min(i + 4000, len(items)) * CLAIMS_PER_DOC:,} claims "
                    f"({time.perf_counter() - started:.0f} s)",
                    flush=True,
                )
        with store.reading() as session:
            print(f"store: {counts(session)} (ready in {time.perf_counter() - started:.0f} s)")
        tokens = {}
        for name in ("editor-a", "editor-b"):
            with contextlib.suppress(InputError):  # kept from an earlier run
                add_user(store, name, "editor", hash_password("load-test-password"))
            token, digest = new_token()
            add_token(store, name, digest, "web_load")
            tokens[name] = token
        return tokens
    finally:
        store.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "ARMSLEDGER_DB": str(db),
        "ARMSLEDGER_SECRET": "web-load-benchmark",
        "ARMSLEDGER_DATA_DIR": str(db.parent),
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "armsledger.web.app:app_from_environment",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        os.environ.get("WEB_LOAD_LOG_LEVEL", "warning"),
        # As `armsledger serve` sets it: a worker reading the store must not be killed as hung.
        "--timeout-worker-healthcheck",
        str(WORKER_HEALTHCHECK),
        # Longer than any wait in the run: a connection the server closes as idle just as a client
        # reuses it is the harness's error, not the app's.
        "--timeout-keep-alive",
        "75",
        "--no-access-log",
    ]
    return subprocess.Popen(command, env=env)


def targets(rng: random.Random, suppliers: list[str]) -> tuple[str, str]:
    """A request of the mix: the register page or the API, with the filters and pages an analyst uses."""
    choice = rng.random()
    params: dict[str, str] = {}
    if choice < 0.35:
        params["supplier"] = rng.choice(suppliers)
    elif choice < 0.55:
        params["status"] = rng.choice(list(STATUSES))
        params["year"] = str(rng.randint(2000, 2024))
    elif choice < 0.7:
        params["sort"] = rng.choice(["confidence", "number_ordered", "year_of_order", "supplier"])
        params["order"] = rng.choice(["asc", "desc"])
    params["page"] = str(rng.randint(1, 20))
    kind = "page" if rng.random() < 0.5 else "api"
    path = "/register" if kind == "page" else "/api/register"
    return kind, path + "?" + "&".join(f"{k}={v}" for k, v in params.items())


async def warm(base: str, workers: int) -> None:
    """Make every worker read the store and sort it each way once: the run measures serving, not first reads."""
    sorts = ["key", "confidence", "number_ordered", "year_of_order", "supplier"]
    paths = [
        f"/api/register?sort={s}&order={o}&supplier=USA&status=ordered&year=2010"
        for s in sorts
        for o in ("asc", "desc")
    ]
    async with httpx.AsyncClient(base_url=base, timeout=300) as client:
        for _ in range(3):
            await asyncio.gather(*(client.get(p) for p in ["/register", "/api/register"] * (4 * workers)))
        for _ in range(2 * workers):
            await asyncio.gather(*(client.get(p) for p in paths))


async def load(
    base: str, clients: int, seconds: float, max_requests: int, editors: dict[str, Any]
) -> dict[str, Any]:
    """Run the clients, and the editors' races beside them; latencies and errors per target, the races."""
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    statuses: dict[int, int] = defaultdict(int)
    failures: dict[str, int] = defaultdict(int)
    sent = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client_loop(n: int, client: httpx.AsyncClient) -> None:
        nonlocal sent
        rng = random.Random(n)
        while time.perf_counter() < deadline and sent < max_requests:
            sent += 1
            kind, path = targets(rng, list(SUPPLIERS))
            began = time.perf_counter()
            try:
                response = await client.get(path)
                statuses[response.status_code] += 1
                if response.status_code != 200:
                    errors[kind] += 1
            except httpx.HTTPError as err:
                errors[kind] += 1
                failures[type(err).__name__] += 1
            latencies[kind].append(time.perf_counter() - began)

    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        _, races = await asyncio.gather(
            asyncio.gather(*(client_loop(n, client) for n in range(clients))),
            conflict_rounds(base, until=deadline - 1.0, **editors),
        )
    return {
        "races": races,
        "elapsed": time.perf_counter() - started,
        "latencies": latencies,
        "errors": errors,
        "statuses": dict(statuses),
        "failures": dict(failures),
    }


async def pick_rows(base: str, count: int) -> list[str]:
    """Rows for the editors to race on: Norway's and Sweden's, which the load's filters rarely touch."""
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        found: list[str] = []
        for supplier in ("NOR", "SWE", "CHE", "NLD"):
            body = (await client.get("/api/register", params={"supplier": supplier, "per_page": 500})).json()
            found += [r["key"] for r in body["rows"] if r["number_ordered"] is not None]
        return found[:count]


async def race(client: httpx.AsyncClient, tokens: dict[str, str], key: str, kind: str) -> dict[str, Any]:
    """Two editors at once on one row, from the same view of it; what each was told and what was kept."""
    row = (await client.get(f"/api/rows/{key}")).json()
    before = {e["uid"] for e in (await client.get("/api/edits", params={"target": key})).json()["edits"]}
    old = row["number_ordered"]
    if kind == "correct":
        bodies = [
            {"action": "correct", "target": key, "field": "number_ordered", "value": old + n, "expected": old}
            for n in (1, 2)
        ]
    else:
        bodies = [{"action": a, "target": key, "version": row["version"]} for a in ("accept", "reject")]
    for n, body in enumerate(bodies, 1):
        body["why"] = f"load test, editor {n}"
    answers = await asyncio.gather(
        *(
            client.post("/api/edits", json=body, headers={"Authorization": f"Bearer {token}"})
            for body, token in zip(bodies, tokens.values(), strict=True)
        )
    )
    codes = [a.status_code for a in answers]
    stored = [
        e
        for e in (await client.get("/api/edits", params={"target": key})).json()["edits"]
        if e["uid"] not in before
    ]
    now = (await client.get(f"/api/rows/{key}")).json()
    winners = [b for b, c in zip(bodies, codes, strict=True) if c == 201]
    kept = len(winners) == 1 and len(stored) == 1 and stored[0]["action"] == winners[0]["action"]
    if kept and kind == "correct":
        kept = now["number_ordered"] == winners[0]["value"] == stored[0]["new_value"]
    elif kept:
        kept = (now["accepted"], now["rejected"]) == (
            (True, False) if winners[0]["action"] == "accept" else (False, True)
        )
    return {
        "row": key,
        "kind": kind,
        "answers": codes,
        "told": [a.json().get("error", "") for a in answers if a.status_code == 409],
        "lost": not (sorted(codes) == [201, 409] and kept),
    }


async def conflict_rounds(
    base: str, tokens: dict[str, str], rows: list[str], every: float, rounds: int, until: float
) -> list[dict[str, Any]]:
    """Race the editors on a fresh row every ``every`` seconds while the load runs (at most ``rounds`` times)."""
    results: list[dict[str, Any]] = []
    for n, key in enumerate(rows[:rounds]):
        if time.perf_counter() > until:
            break
        began = time.perf_counter()
        kind = "correct" if n % 2 == 0 else "decide"
        # A fresh connection each round: one left idle between rounds may be closed by the server.
        async with httpx.AsyncClient(base_url=base, timeout=120) as client:
            try:
                results.append(await race(client, tokens, key, kind))
            except httpx.HTTPError as err:  # no answer to judge: a failed round, not a lost edit
                results.append(
                    {"row": key, "kind": kind, "answers": [], "told": [], "lost": False, "failed": repr(err)}
                )
        await asyncio.sleep(max(0.0, every - (time.perf_counter() - began)))
    return results


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--edit-every", type=float, default=2.0, help="seconds between two editors' races")
    parser.add_argument("--edit-rounds", type=int, default=25, help="the most races in one run")
    parser.add_argument(
        "--keep", action="store_true", help="keep the store in benchmarks/out for the next run"
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    db = OUT / f"web_load_{args.claims}.db"
    if not args.keep:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    tokens = make_store(db, args.claims)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # Loopback only: this script loads the server it starts, never another machine.
    assert ipaddress.ip_address(urlsplit(base).hostname or "").is_loopback
    server = start_server(db, port, args.workers)
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/api/me", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        began = time.perf_counter()
        asyncio.run(warm(base, args.workers))
        print(
            f"server up on {base} with {args.workers} worker(s); warm-up {time.perf_counter() - began:.1f} s"
        )
        rows = asyncio.run(pick_rows(base, args.edit_rounds))
        editors = {"tokens": tokens, "rows": rows, "every": args.edit_every, "rounds": args.edit_rounds}
        result = asyncio.run(load(base, args.clients, args.seconds, args.max_requests, editors))
        elapsed = result["elapsed"]
        total = sum(len(v) for v in result["latencies"].values())
        print(
            f"\n{args.clients} clients, {elapsed:.1f} s, {total:,} requests, {total / elapsed:.1f} requests/s "
            f"in all; statuses {result['statuses']}"
            + (f"; failed connections {result['failures']}" if result["failures"] else "")
        )
        print(
            f"{'target':<16}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}"
        )
        for kind, label in (("page", "/register"), ("api", "/api/register")):
            values = result["latencies"][kind]
            print(
                f"{label:<16}{len(values):>10,}{len(values) / elapsed:>9.1f}{pct(values, 0.5):>9.1f}"
                f"{pct(values, 0.95):>9.1f}{pct(values, 0.99):>9.1f}{result['errors'][kind]:>8}"
            )
        every = [v for values in result["latencies"].values() for v in values]
        print(f"{'mean latency':<16}{statistics.mean(every) * 1000:>37.1f} ms")
        races = result["races"]
        lost = sum(r["lost"] for r in races)
        print(
            f"\ntwo editors raced {len(races)} times during the load "
            f"({sum(r['kind'] == 'correct' for r in races)} corrections of one field from one value, "
            f"{sum(r['kind'] == 'decide' for r in races)} accept-against-reject of one row version): "
            f"{sum(sorted(r['answers']) == [201, 409] for r in races)} ended 201 + 409; lost edits: {lost}"
            + (
                f"; {failed} round(s) without an answer"
                if (failed := sum("failed" in r for r in races))
                else ""
            )
        )
        for r in races[:2]:
            print(f"  {r['kind']} {r['row']}: {r['answers']}; told: {r['told'][0] if r['told'] else '-'}")
        for r in races:
            if r["lost"]:
                print(f"  UNEXPECTED: {r}")
        figures = {
            "claims": args.claims,
            "clients": args.clients,
            "seconds": round(elapsed, 1),
            "requests_per_second": round(total / elapsed, 1),
            "statuses": result["statuses"],
            "targets": {
                kind: {
                    "requests": len(result["latencies"][kind]),
                    "p50_ms": round(pct(result["latencies"][kind], 0.5), 1),
                    "p95_ms": round(pct(result["latencies"][kind], 0.95), 1),
                    "p99_ms": round(pct(result["latencies"][kind], 0.99), 1),
                    "errors": result["errors"][kind],
                }
                for kind in ("page", "api")
            },
            "races": len(races),
            "lost_edits": lost,
        }
        (OUT / f"web_load_{args.claims}.json").write_text(
            json.dumps(figures, indent=2) + "\n", encoding="utf-8"
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
