"""places

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 12:14:54.974239

"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    # Reviewed: the directory lists approved places by name and filters them by region and kind,
    # hence the two status-led indexes; a place is one per (name, provider, region), which the
    # CSV import matches on; tags live in place_offers with a check on the known values.
    op.create_table(
        "places",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=150), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("provider", sa.String(length=150), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=True),
        sa.Column("age_group", sa.String(length=20), nullable=False),
        sa.Column("website", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "age_group IN ('kinderen', 'volwassenen', 'alle_leeftijden')",
            name=op.f("ck_places_age_group"),
        ),
        sa.CheckConstraint(
            "kind IN ('logeren', 'dagbesteding', 'wonen', 'deeltijdwonen')",
            name=op.f("ck_places_kind"),
        ),
        sa.CheckConstraint(
            "status IN ('voorgesteld', 'goedgekeurd')", name=op.f("ck_places_status")
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["users.id"],
            name=op.f("fk_places_approved_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_places_municipality_id_municipalities"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["users.id"],
            name=op.f("fk_places_proposed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["regions.id"],
            name=op.f("fk_places_region_id_regions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_places")),
        sa.UniqueConstraint("name", "provider", "region_id", name="uq_places_name_provider_region"),
    )
    with op.batch_alter_table("places", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_places_approved_by_id"), ["approved_by_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_places_municipality_id"), ["municipality_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_places_proposed_by_id"), ["proposed_by_id"], unique=False
        )
        batch_op.create_index("ix_places_status_name", ["status", "name"], unique=False)
        batch_op.create_index(
            "ix_places_status_region_kind", ["status", "region_id", "kind"], unique=False
        )

    op.create_table(
        "place_offers",
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("offer", sa.String(length=30), nullable=False),
        sa.CheckConstraint(
            "offer IN ('nachtzorg', 'wakkere_nacht', 'sondevoeding', 'tillift', 'verpleegkundige_zorg', 'snoezelruimte')",
            name=op.f("ck_place_offers_offer"),
        ),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["places.id"],
            name=op.f("fk_place_offers_place_id_places"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("place_id", "offer", name=op.f("pk_place_offers")),
    )
    with op.batch_alter_table("place_offers", schema=None) as batch_op:
        batch_op.create_index("ix_place_offers_offer", ["offer"], unique=False)


def downgrade():
    with op.batch_alter_table("place_offers", schema=None) as batch_op:
        batch_op.drop_index("ix_place_offers_offer")

    op.drop_table("place_offers")
    with op.batch_alter_table("places", schema=None) as batch_op:
        batch_op.drop_index("ix_places_status_region_kind")
        batch_op.drop_index("ix_places_status_name")
        batch_op.drop_index(batch_op.f("ix_places_proposed_by_id"))
        batch_op.drop_index(batch_op.f("ix_places_municipality_id"))
        batch_op.drop_index(batch_op.f("ix_places_approved_by_id"))

    op.drop_table("places")
