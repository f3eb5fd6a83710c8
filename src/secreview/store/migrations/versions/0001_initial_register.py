"""The initial register: users, tokens, sessions, systems, versions, drafts, reviews,
sign-offs, decisions, waivers and the audit log, with append-only triggers.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from secreview.store.models import APPEND_ONLY

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('system_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_action_subject_at', ['action', 'subject', 'at'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('name', name=op.f('uq_users_name'))
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    op.create_table('systems',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('owner_board', sa.String(length=200), nullable=True),
    sa.Column('management_object', sa.String(length=200), nullable=True),
    sa.Column('capability', sa.String(length=200), nullable=True),
    sa.Column('system_owner', sa.String(length=200), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('latest_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_systems_created_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_systems'))
    )
    op.create_table('web_sessions',
    sa.Column('id_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('csrf_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_web_sessions_user_id_users')),
    sa.PrimaryKeyConstraint('id_hash', name=op.f('pk_web_sessions'))
    )
    op.create_table('description_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('system_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('parent_number', sa.Integer(), nullable=True),
    sa.Column('yaml_text', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_description_versions_author_id_users')),
    sa.ForeignKeyConstraint(['system_id'], ['systems.id'], name=op.f('fk_description_versions_system_id_systems')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_description_versions')),
    sa.UniqueConstraint('system_id', 'number', name=op.f('uq_description_versions_system_id'))
    )
    with op.batch_alter_table('description_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_description_versions_system_id'), ['system_id'], unique=False)

    op.create_table('drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('system_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('base_number', sa.Integer(), nullable=False),
    sa.Column('yaml_text', sa.Text(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['system_id'], ['systems.id'], name=op.f('fk_drafts_system_id_systems')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_drafts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drafts')),
    sa.UniqueConstraint('system_id', 'user_id', name=op.f('uq_drafts_system_id'))
    )
    op.create_table('waivers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('system_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.String(length=200), nullable=False),
    sa.Column('justification', sa.Text(), nullable=False),
    sa.Column('accepted_by_name', sa.String(length=200), nullable=False),
    sa.Column('accepted_by_role', sa.String(length=200), nullable=False),
    sa.Column('accepted_on', sa.Date(), nullable=False),
    sa.Column('expires', sa.Date(), nullable=False),
    sa.Column('risk_owner_name', sa.String(length=200), nullable=True),
    sa.Column('risk_owner_role', sa.String(length=200), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_waivers_created_by_users')),
    sa.ForeignKeyConstraint(['system_id'], ['systems.id'], name=op.f('fk_waivers_system_id_systems')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waivers'))
    )
    with op.batch_alter_table('waivers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waivers_system_id'), ['system_id'], unique=False)

    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_decisions_user_id_users')),
    sa.ForeignKeyConstraint(['version_id'], ['description_versions.id'], name=op.f('fk_decisions_version_id_description_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions'))
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisions_version_id'), ['version_id'], unique=False)

    op.create_table('review_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.String(length=32), nullable=False),
    sa.Column('overall_level', sa.String(length=32), nullable=True),
    sa.Column('review_date', sa.Date(), nullable=False),
    sa.Column('next_review', sa.Date(), nullable=True),
    sa.Column('profile_id', sa.String(length=100), nullable=False),
    sa.Column('profile_sha256', sa.String(length=64), nullable=False),
    sa.Column('rulesets', sa.JSON(), nullable=False),
    sa.Column('engine_version', sa.String(length=32), nullable=False),
    sa.Column('waivers_sha256', sa.String(length=64), nullable=True),
    sa.Column('review_json', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['description_versions.id'], name=op.f('fk_review_results_version_id_description_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_results'))
    )
    with op.batch_alter_table('review_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_results_version_id'), ['version_id'], unique=False)

    op.create_table('signoffs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=32), nullable=False),
    sa.Column('rulesets', sa.JSON(), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['review_results.id'], name=op.f('fk_signoffs_review_id_review_results')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_signoffs_user_id_users')),
    sa.ForeignKeyConstraint(['version_id'], ['description_versions.id'], name=op.f('fk_signoffs_version_id_description_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signoffs')),
    sa.UniqueConstraint('version_id', name=op.f('uq_signoffs_version_id'))
    )
    _append_only_triggers()


def _append_only_triggers() -> None:
    """Refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) on the history tables, in the
    database itself: the register's history cannot be rewritten by any client."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("""
            CREATE FUNCTION secreview_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'secreview: % is append-only: % refused', TG_TABLE_NAME, TG_OP;
            END;
            $$ LANGUAGE plpgsql
        """)
        for table in APPEND_ONLY:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION secreview_append_only()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION secreview_append_only()")
        return
    for table in APPEND_ONLY:
        for operation in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} "
                       f"ON {table} BEGIN SELECT RAISE(ABORT, "
                       f"'secreview: {table} is append-only: {operation} refused'); END")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS secreview_append_only()")
    op.drop_table('signoffs')
    with op.batch_alter_table('review_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_results_version_id'))

    op.drop_table('review_results')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decisions_version_id'))

    op.drop_table('decisions')
    with op.batch_alter_table('waivers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_waivers_system_id'))

    op.drop_table('waivers')
    op.drop_table('drafts')
    with op.batch_alter_table('description_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_description_versions_system_id'))

    op.drop_table('description_versions')
    op.drop_table('web_sessions')
    op.drop_table('systems')
    op.drop_table('api_tokens')
    op.drop_table('users')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_action_subject_at')

    op.drop_table('audit_log')
