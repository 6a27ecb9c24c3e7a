"""Independent sources: documents' site, author, source group and MinHash signature; band keys; settings.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02

Documents stored before this revision have no signature (``source_key`` stays NULL); the next
build computes their signatures and groups first, and reconciles the rows they touch.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the document columns, the band table and the rows' count of independent sources."""
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("site", sa.Text()))
        batch.add_column(sa.Column("author", sa.Text()))
        batch.add_column(sa.Column("source_group", sa.Text()))
        batch.add_column(sa.Column("source_key", sa.String(64)))
        batch.add_column(sa.Column("minhash", sa.LargeBinary()))
    op.create_index("ix_documents_source_key", "documents", ["source_key"])
    op.create_table(
        "document_bands",
        sa.Column(
            "document_id",
            sa.Integer(),
            sa.ForeignKey("documents.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("band", sa.SmallInteger(), primary_key=True),
        sa.Column("band_key", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_document_bands_band_key", "document_bands", ["band_key"])
    op.create_table(
        "store_settings",
        sa.Column("name", sa.String(60), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    with op.batch_alter_table("transfers") as batch:
        batch.add_column(sa.Column("independent_sources", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    """Drop what this revision added.

    Columns are dropped in place (ALTER TABLE ... DROP COLUMN, SQLite 3.35 and later): recreating the
    documents table, as batch mode would, cascades the delete to every claim that refers to it.
    """
    op.drop_column("transfers", "independent_sources")
    op.drop_table("store_settings")
    op.drop_index("ix_document_bands_band_key", table_name="document_bands")
    op.drop_table("document_bands")
    op.drop_index("ix_documents_source_key", table_name="documents")
    for name in ("minhash", "source_key", "source_group", "author", "site"):
        op.drop_column("documents", name)
