"""`armsledger report --out report.html`: one self-contained HTML page of the register and its analysis."""

from __future__ import annotations

import argparse
from pathlib import Path

from armsledger.analysis.dating import reference_date
from armsledger.analysis.entrapment import find_entrapment
from armsledger.analysis.relations import default_relations
from armsledger.analysis.report import build_report
from armsledger.commands.analyze import EMPTY, add_source_arguments, load_inputs
from armsledger.errors import InputError
from armsledger.knowledge import default_knowledge


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the command."""
    p = sub.add_parser(
        "report",
        help="write one self-contained HTML report",
        description="Write the register, the supply network, a map of flows, a timeline of claims "
        "and the entrapment findings to one HTML file that opens without a network.",
    )
    add_source_arguments(p)
    p.add_argument("--out", type=Path, required=True, metavar="FILE", help="the HTML file to write")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Build and write the report."""
    inputs = load_inputs(args)
    if inputs.rows.empty:
        print(EMPTY + " No report written.")
        return 0
    kb = default_knowledge()
    reference = reference_date(inputs.claims)
    findings = find_entrapment(inputs.rows, inputs.claims, default_relations(), kb, reference.day)
    page = build_report(
        inputs.rows,
        inputs.claims,
        findings,
        kb,
        source=inputs.source,
        documents=inputs.documents,
        reference=reference,
    )
    try:
        args.out.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{args.out}: cannot write ({exc.strerror})") from None
    print(f"wrote {args.out} ({len(page) // 1024} KiB): {len(inputs.rows)} rows, {len(findings)} finding(s)")
    return 0
