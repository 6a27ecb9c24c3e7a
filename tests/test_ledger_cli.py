"""The issue's bar, through the command line on the shared corpora (whatever extraction finds today)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from armsledger.knowledge import default_knowledge
from test_store import cli


@pytest.fixture(scope="module")
def seeds(shared_dir: Path) -> Path:
    path = shared_dir / "corpus" / "seeds" / "corpus.jsonl"
    if not path.exists():
        pytest.skip(f"no seed corpus at {path}")
    return path


def _summary(stdout: str) -> tuple[int, int, int, int, int, int]:
    match = re.fullmatch(
        r"(\d+) documents read, (\d+) new, (\d+) already stored; (\d+) new claims; "
        r"(\d+) register rows \((\d+) touched\)(?:; \d+ new document\(s\) repeat a story[^\n]*)?\n",
        stdout,
    )
    assert match, stdout
    return tuple(int(g) for g in match.groups())  # type: ignore[return-value]


def test_building_twice_adds_nothing_and_the_register_is_byte_identical(tmp_path: Path, seeds: Path) -> None:
    first = cli("build", str(seeds), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    read, new, already, claims, rows, touched = _summary(first.stdout)
    assert (read, new, already) == (3, 3, 0)
    assert claims > 0 and rows > 0 and touched == rows
    assert (tmp_path / "armsledger.db").exists()  # the default store in the working folder
    registers = {
        fmt: cli("register", "--format", fmt, cwd=tmp_path).stdout for fmt in ("table", "csv", "json")
    }
    second = cli("build", str(seeds), cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert _summary(second.stdout) == (3, 0, 3, 0, rows, 0)
    for fmt, before in registers.items():
        assert cli("register", "--format", fmt, cwd=tmp_path).stdout == before, fmt
    assert len(json.loads(registers["json"])["rows"]) == rows


def test_seeds_and_dev_tb2_row_cites_several_documents_and_shows_its_rules(
    tmp_path: Path, shared_dir: Path, seeds: Path
) -> None:
    if "Bayraktar TB2" not in default_knowledge().systems:
        pytest.skip("the systems catalog (knowledge/data/systems.csv) does not name Bayraktar TB2")
    dev = shared_dir / "corpus" / "dev" / "corpus.jsonl"
    built = cli("build", str(seeds), str(dev), cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    rows = json.loads(cli("register", "--format", "json", cwd=tmp_path).stdout)["rows"]
    tb2 = [
        r
        for r in rows
        if (r["supplier"], r["recipient"]) == ("TUR", "UKR")
        and re.sub(r"[^a-z0-9]", "", (r["system"] or "").lower()) == "bayraktartb2"
    ]
    assert tb2, [r["key"] for r in rows if r["supplier"] == "TUR"]
    row = tb2[0]
    assert len(row["documents"]) > 1
    shown = cli("show", row["key"], cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    for name in (
        "number_ordered",
        "year_of_order",
        "number_delivered",
        "years_of_delivery",
        "status",
        "deal",
    ):
        assert re.search(rf"^  {name} +\S", shown.stdout, re.M), name
    assert shown.stdout.count("      rule: ") == 7  # six fields and the confidence
    cited = set(re.findall(r"^    c-[0-9a-f]{16}  doc (\S+) \[\d+:\d+\]", shown.stdout, re.M))
    assert cited == set(row["documents"]) and len(cited) > 1


def test_an_edit_survives_a_rebuild_from_scratch(tmp_path: Path, seeds: Path) -> None:
    assert cli("build", str(seeds), cwd=tmp_path).returncode == 0
    key = json.loads(cli("register", "--format", "json", cwd=tmp_path).stdout)["rows"][0]["key"]
    edited = cli(
        "edit",
        key,
        "--set",
        "number_ordered=99",
        "--who",
        "ana",
        "--why",
        "checked the contract",
        cwd=tmp_path,
    )
    assert edited.returncode == 0, edited.stderr
    assert cli("edit", "export", "edits.jsonl", cwd=tmp_path).returncode == 0

    def figure() -> int | None:
        rows = json.loads(cli("register", "--format", "json", cwd=tmp_path).stdout)["rows"]
        return next(r["number_ordered"] for r in rows if r["key"] == key)

    # Dropping the machine output keeps the edits table.
    rebuilt = cli("build", "--rebuild", str(seeds), cwd=tmp_path)
    assert rebuilt.returncode == 0 and _summary(rebuilt.stdout)[1] == 3
    assert figure() == 99
    # A new store from the same documents, with the edits carried over.
    for name in ("armsledger.db", "armsledger.db-wal", "armsledger.db-shm"):
        (tmp_path / name).unlink(missing_ok=True)
    assert cli("build", str(seeds), cwd=tmp_path).returncode == 0
    imported = cli("edit", "import", "edits.jsonl", cwd=tmp_path)
    assert imported.stdout == "1 edit(s) imported, 0 already present; 0 orphaned\n"
    assert figure() == 99
    table = cli("register", cwd=tmp_path).stdout
    assert "1 edit(s): 1 applied, 0 orphaned" in table


def test_an_orphaned_edit_is_reported_not_dropped(tmp_path: Path) -> None:
    one = tmp_path / "one.jsonl"
    one.write_text(
        json.dumps(
            {
                "id": "x1",
                "published": "2019-01-10",
                "text": "Turkey sold Ukraine six Bayraktar TB2 drones in 2019.",
            }
        )
        + "\n"
    )
    other = tmp_path / "other.jsonl"
    other.write_text(
        json.dumps(
            {
                "id": "x2",
                "published": "2021-05-24",
                "text": "Poland ordered 24 Bayraktar TB2 drones from Turkey in 2021.",
            }
        )
        + "\n"
    )
    assert cli("build", str(one), cwd=tmp_path).returncode == 0
    rows = json.loads(cli("register", "--format", "json", cwd=tmp_path).stdout)["rows"]
    if not rows:
        pytest.skip("extraction finds no claim in the one-sentence document")
    key = rows[0]["key"]
    assert cli("edit", key, "--accept", "--who", "ana", cwd=tmp_path).returncode == 0
    assert cli("build", "--rebuild", str(other), cwd=tmp_path).returncode == 0
    table = cli("register", cwd=tmp_path).stdout
    assert "1 edit(s): 0 applied, 1 orphaned" in table
    assert f"(accept {key} by ana): row {key} no longer exists" in table
    listing = cli("edits", cwd=tmp_path).stdout
    assert "orphaned" in listing and key in listing


def test_unreadable_inputs_are_reported_and_the_rest_is_built(tmp_path: Path, seeds: Path) -> None:
    result = cli("build", str(tmp_path / "missing.jsonl"), str(seeds), cwd=tmp_path)
    assert result.returncode == 1
    assert "missing.jsonl: no such file or folder" in result.stderr
    assert _summary(result.stdout)[:2] == (3, 3)


def test_seeds_then_dev_and_dev_then_seeds_give_the_same_register(
    tmp_path: Path, shared_dir: Path, seeds: Path
) -> None:
    dev = shared_dir / "corpus" / "dev" / "corpus.jsonl"
    registers = []
    for name, order in (("a", (seeds, dev)), ("b", (dev, seeds))):
        db = str(tmp_path / f"{name}.db")
        for path in order:  # two builds, one after the other
            assert cli("build", str(path), "--db", db).returncode == 0
        registers.append(
            {fmt: cli("register", "--format", fmt, "--db", db).stdout for fmt in ("table", "csv", "json")}
        )
    for fmt in ("table", "csv", "json"):
        assert registers[0][fmt] == registers[1][fmt], fmt
    assert json.loads(registers[0]["json"])["rows"]


WIRE = (
    "Turkey has agreed to sell twelve Bayraktar TB2 drones to Ukraine, the two governments said on "
    "Tuesday. The drones will be delivered over the next two years with ground stations, spare parts "
    "and training for Ukrainian crews at a base in western Turkey, officials in Ankara said. The deal "
    "follows months of talks between the two defence ministries as Kyiv seeks to modernise its forces."
)


def test_build_counts_a_wire_story_and_its_edited_reprint_as_one_source(tmp_path: Path) -> None:
    corpus = tmp_path / "wire.jsonl"
    reprint = WIRE.replace("on Tuesday", "this week") + " More may follow, a minister added."
    corpus.write_text(
        "".join(
            json.dumps(r) + "\n"
            for r in (
                {"id": "wire", "published": "2019-01-15", "text": WIRE},
                {"id": "reprint", "published": "2019-01-16", "text": reprint},
            )
        )
    )
    built = cli("build", str(corpus), cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert built.stdout.rstrip().endswith(
        "; 1 new document(s) repeat a story already stored (one source each)"
    )
    rows = json.loads(cli("register", "--format", "json", cwd=tmp_path).stdout)["rows"]
    both = [r for r in rows if r["documents"] == ["wire", "reprint"]]
    if not both:
        pytest.skip("extraction finds no claim common to the two texts")
    assert both[0]["independent_sources"] == 1
    shown = cli("show", both[0]["key"], cwd=tmp_path).stdout
    assert "in 2 document(s), 1 independent source(s) (1 document(s) repeat another's story)" in shown
    docs = json.loads(cli("show", both[0]["key"], "--format", "json", cwd=tmp_path).stdout)
    assert docs["independent_sources"] == 1
