"""Initial schema: documents, claims, transfers and their links, edits, SIPRI rows, full-text search.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create every table; on SQLite also the FTS5 index over document text and evidence."""
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("doc_id", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("url", sa.Text()),
        sa.Column("published", sa.String(10)),
        sa.Column("title", sa.Text()),
        sa.Column("source", sa.Text()),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("skipped", sa.JSON(), nullable=False),
    )
    op.create_index("ix_documents_doc_id", "documents", ["doc_id"])
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(40), nullable=False, unique=True),
        sa.Column(
            "document_id", sa.Integer(), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("group_key", sa.Text(), nullable=False),
        sa.Column("supplier", sa.String(80), nullable=False),
        sa.Column("recipient", sa.String(80), nullable=False),
        sa.Column("system", sa.Text()),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("quantity", sa.Integer()),
        sa.Column("deal", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("year", sa.Integer()),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("start_offset", sa.Integer(), nullable=False),
        sa.Column("end_offset", sa.Integer(), nullable=False),
        sa.Column("incremental", sa.Boolean(), nullable=False),
        sa.Column("vague_quantity", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_claims_document_id", "claims", ["document_id"])
    op.create_index("ix_claims_group_key", "claims", ["group_key"])
    op.create_table(
        "transfers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.Text(), nullable=False, unique=True),
        sa.Column("group_key", sa.Text(), nullable=False),
        sa.Column("supplier", sa.String(80), nullable=False),
        sa.Column("recipient", sa.String(80), nullable=False),
        sa.Column("system", sa.Text()),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("number_ordered", sa.Integer()),
        sa.Column("year_of_order", sa.Integer()),
        sa.Column("number_delivered", sa.Integer()),
        sa.Column("years_of_delivery", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("deal", sa.String(20), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("claim_keys", sa.JSON(), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("provenance", sa.JSON(), nullable=False),
    )
    op.create_index("ix_transfers_group_key", "transfers", ["group_key"])
    op.create_table(
        "transfer_claims",
        sa.Column(
            "transfer_id", sa.Integer(), sa.ForeignKey("transfers.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("claim_id", sa.Integer(), sa.ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_index("ix_transfer_claims_claim_id", "transfer_claims", ["claim_id"])
    op.create_table(
        "edits",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uid", sa.String(32), nullable=False, unique=True),
        sa.Column("target_kind", sa.String(10), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("field", sa.String(40)),
        sa.Column("old_value", sa.JSON()),
        sa.Column("new_value", sa.JSON()),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
    )
    op.create_index("ix_edits_target", "edits", ["target"])
    op.create_table(
        "sipri_rows",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("recipient_name", sa.String(200), nullable=False),
        sa.Column("supplier_name", sa.String(200), nullable=False),
        sa.Column("recipient", sa.String(200), nullable=False),
        sa.Column("supplier", sa.String(200), nullable=False),
        sa.Column("year_of_order", sa.Integer()),
        sa.Column("year_of_order_uncertain", sa.Boolean(), nullable=False),
        sa.Column("number_ordered", sa.Integer()),
        sa.Column("number_ordered_uncertain", sa.Boolean(), nullable=False),
        sa.Column("designation", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("number_delivered", sa.Integer()),
        sa.Column("number_delivered_uncertain", sa.Boolean(), nullable=False),
        sa.Column("years_of_delivery", sa.JSON(), nullable=False),
        sa.Column("condition", sa.String(60), nullable=False),
        sa.Column("comments", sa.Text(), nullable=False),
        sa.Column("tiv_per_unit", sa.Float()),
        sa.Column("tiv_total", sa.Float()),
        sa.Column("tiv_delivered", sa.Float()),
    )
    op.create_index("ix_sipri_pair", "sipri_rows", ["supplier", "recipient"])
    op.create_index("ix_sipri_rows_recipient", "sipri_rows", ["recipient"])
    op.create_index("ix_sipri_rows_supplier", "sipri_rows", ["supplier"])
    if op.get_bind().dialect.name == "sqlite":
        # kind is 'document' or 'claim'; ref is the document id or the claim key.
        op.execute("CREATE VIRTUAL TABLE search_index USING fts5(kind UNINDEXED, ref UNINDEXED, body)")


def downgrade() -> None:
    """Drop everything this revision created."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_index")
    for table in ("sipri_rows", "edits", "transfer_claims", "transfers", "claims", "documents"):
        op.drop_table(table)
