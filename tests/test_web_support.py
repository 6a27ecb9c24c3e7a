"""What the web tests share: a small store of our own documents and claims, accounts, clients, sign-in.

No tests here; the web test modules import these helpers and fixtures.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from armsledger.model import Claim, Document, Span
from armsledger.sipri import SipriRecord
from armsledger.store import Store, open_store
from armsledger.store.accounts import add_token, add_user
from armsledger.store.ledger import replace_sipri, store_batch
from armsledger.web.auth import hash_password, new_token
from armsledger.web.settings import Settings

with warnings.catch_warnings():
    # Starlette suggests another HTTP client for its TestClient; httpx is the one installed.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PASSWORD = "correct horse 7"
NASAMS = "NOR/LTU/nasams"
RAFALE = "FRA/HRV/rafale"
TB2 = "TUR/UKR/bayraktartb2"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# Reader comments under the first story: skipped text, dimmed on the document page.
COMMENTS = "Comments: Great news for the region! Reply"


def doc(doc_id: str, text: str, published: str, skipped: list[Span] | None = None) -> Document:
    """A document of our own sentences."""
    return Document(
        id=doc_id,
        text=text,
        published=published,
        url=f"https://example.org/{doc_id}",
        title=f"Story {doc_id}",
        skipped=skipped or [],
    )


def claim(
    d: Document,
    phrase: str,
    supplier: str,
    recipient: str,
    system: str | None,
    category: str,
    quantity: int | None,
    status: str,
    year: int | None,
) -> Claim:
    """A claim whose evidence is a phrase of the document, at its real offsets."""
    start = d.text.index(phrase)
    return Claim(
        supplier,
        recipient,
        system,
        category,
        quantity,
        "sale",
        status,
        year,
        phrase,
        start,
        start + len(phrase),
        d.id,
    )


def batch() -> list[tuple[Document, list[Claim]]]:
    """Four documents and five claims about three deals, written for these tests."""
    t1 = f"Norway agreed to sell eight NASAMS batteries to Lithuania in 2020. {COMMENTS}"
    w1 = doc("w1", t1, "2020-11-02", [Span(t1.index(COMMENTS), len(t1))])
    w2 = doc("w2", "Lithuania took delivery of four NASAMS batteries from Norway in 2021.", "2021-09-14")
    w3 = doc(
        "w3",
        'France sold 12 Rafale jets to Croatia; the file was tagged "<b>R-12</b>" by the ministry.',
        "2021-11-25",
    )
    w4 = doc(
        "w4",
        "Turkey delivered six Bayraktar TB2 drones to Ukraine in 2019. Kyiv later ordered more.",
        "2019-12-01",
    )
    return [
        (
            w1,
            [
                claim(
                    w1,
                    "Norway agreed to sell eight NASAMS batteries to Lithuania in 2020",
                    "NOR",
                    "LTU",
                    "NASAMS",
                    "air-defence",
                    8,
                    "ordered",
                    2020,
                )
            ],
        ),
        (
            w2,
            [
                claim(
                    w2,
                    "Lithuania took delivery of four NASAMS batteries from Norway in 2021",
                    "NOR",
                    "LTU",
                    "NASAMS",
                    "air-defence",
                    4,
                    "delivered",
                    2021,
                )
            ],
        ),
        (
            w3,
            [
                claim(
                    w3,
                    'France sold 12 Rafale jets to Croatia; the file was tagged "<b>R-12</b>" by the ministry',
                    "FRA",
                    "HRV",
                    "Rafale",
                    "aircraft",
                    12,
                    "ordered",
                    2021,
                )
            ],
        ),
        (
            w4,
            [
                claim(
                    w4,
                    "Turkey delivered six Bayraktar TB2 drones to Ukraine in 2019",
                    "TUR",
                    "UKR",
                    "Bayraktar TB2",
                    "aircraft",
                    6,
                    "delivered",
                    2019,
                ),
                claim(
                    w4,
                    "Kyiv later ordered more",
                    "TUR",
                    "UKR",
                    "Bayraktar TB2",
                    "aircraft",
                    None,
                    "ordered",
                    None,
                ),
            ],
        ),
    ]


def sipri_row() -> SipriRecord:
    """One imported SIPRI row: the Rafale deal, so the other two rows are 'not in SIPRI'."""
    return SipriRecord(
        1,
        "Croatia",
        "France",
        "HRV",
        "FRA",
        2021,
        False,
        12,
        False,
        "Rafale",
        "FGA aircraft",
        None,
        False,
        [],
        "Second hand",
        "",
        None,
        None,
        None,
    )


@dataclass
class Ledger:
    """A store with the test documents, accounts and one API token per account."""

    path: Path
    store: Store
    tokens: dict[str, str]
    data_dir: Path

    def settings(self, **changes: object) -> Settings:
        """Settings for an app over this store."""
        values: dict[str, object] = {
            "db": str(self.path),
            "data_dir": self.data_dir,
            "secret": "test-secret",
            "ingest_roots": (self.data_dir.resolve(),),
            "build_batch": 2,
        }
        values.update(changes)
        return Settings(**values)  # type: ignore[arg-type]

    def client(self, **changes: object) -> TestClient:
        """A client of a fresh app over this store."""
        from armsledger.web.app import create_app

        return TestClient(create_app(self.settings(**changes), self.store))

    def auth(self, name: str) -> dict[str, str]:
        """The Authorization header of an account's token."""
        return {"Authorization": f"Bearer {self.tokens[name]}"}


ACCOUNTS = {"vic": "viewer", "eve": "editor", "ed2": "editor", "ada": "admin"}


def make_ledger(folder: Path) -> Ledger:
    """Build the test store in a folder, with a viewer, two editors and an admin."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "web.db"
    store = open_store(path)
    store_batch(store, batch())
    replace_sipri(store, "sipri-test.csv", [sipri_row()])
    tokens = {}
    hashed = hash_password(PASSWORD)
    for name, role in ACCOUNTS.items():
        add_user(store, name, role, hashed)
        token, digest = new_token()
        add_token(store, name, digest, "tests")
        tokens[name] = token
    return Ledger(path, store, tokens, folder)


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    """A fresh test store (for tests that write)."""
    made = make_ledger(tmp_path / "ledger")
    yield made
    made.store.close()


@pytest.fixture(scope="module")
def shared_ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    """One test store for the tests of a module that only read."""
    made = make_ledger(tmp_path_factory.mktemp("web") / "ledger")
    yield made
    made.store.close()


def csrf_of(html: str) -> str:
    """The CSRF token in a page's forms."""
    match = CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match[1]


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Sign in through the form; the session's CSRF token."""
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"name": name, "password": password, "csrf_token": token, "next": "/register"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/register").text)
