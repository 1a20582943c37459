"""Access codes: store a keyed hash (HMAC with ACCESS_CODE_KEY) instead of plain SHA-256.

A data migration, no schema change: each stored plain SHA-256 ``h`` becomes
``"h1:" + base64url(HMAC-SHA256(ACCESS_CODE_KEY, h))``, so existing codes keep
working without anybody knowing them. It needs the same ``ACCESS_CODE_KEY``
as the app (environment, or the instance folder's ``access_code_key``: run
``wellbeing db upgrade`` with the app's settings).

The downgrade cannot restore the plain hashes (that is the point of the key):
it leaves the keyed hashes in place, and codes issued before the upgrade stop
working under the old version. Take a backup before upgrading if a rollback
may be needed (docs/security.md).

Revision ID: security_0001
Revises: planner2_0001
Create Date: 2026-12-06 17:00:00

"""
from alembic import op
from flask import current_app

from survey_app.services.access_codes import rehash_legacy


# revision identifiers, used by Alembic.
revision = 'security_0001'
down_revision = 'planner2_0001'
branch_labels = None
depends_on = None


def upgrade():
    rehash_legacy(op.get_bind(), current_app.config["ACCESS_CODE_KEY"])


def downgrade():
    pass  # irreversible by design: see the module docstring
