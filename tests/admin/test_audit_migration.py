"""b16e1a1c2d3e gives existing audit events their organisation and their applicant's name, where it can tell."""

import subprocess
from datetime import datetime, timezone

import sqlalchemy as sa

from portal.config import database_url as sqlalchemy_url
from tests.support.databases import ROOT, flask_command


def _insert(connection, table_name, **values):
    """Insert a row, with a plain value for each other column the table requires."""
    table = sa.Table(table_name, sa.MetaData(), autoload_with=connection)
    plain = {sa.Boolean: False, sa.Integer: 0, sa.DateTime: datetime(2026, 11, 1, tzinfo=timezone.utc)}
    for column in table.columns:
        if column.name in values or column.nullable or column.server_default is not None or column.primary_key:
            continue
        kind = next((value for type_, value in plain.items() if isinstance(column.type, type_)), None)
        values[column.name] = kind if kind is not None else "[]" if isinstance(column.type, sa.JSON) else "x"
    return connection.execute(table.insert().values(**values)).inserted_primary_key[0]


def test_existing_events_get_their_organisation_and_applicant(tmp_path):
    url = f"sqlite:///{tmp_path}/audit.db"
    argv, env = flask_command(url, "db", "upgrade", "b16e0a1c2d3e")
    subprocess.run(argv, env=env, cwd=ROOT, check=True, capture_output=True)
    engine = sa.create_engine(sqlalchemy_url(url))
    with engine.begin() as connection:
        nan = _insert(connection, "organisation", slug="nan", name_th="น่าน", sector="media", region="north",
                      channels="[]", expertise="[]", visibility="{}")
        applied = _insert(connection, "application", name_th="ใหม่", sector="media", region="north",
                          applicant_name="มาลี", applicant_email="malee@nan.example", status="pending",
                          possible_duplicates="[]")
        events = {"by_target": ("organisation.updated", "organisation", nan, {}),
                  "by_slug": ("agreement.signed", "agreement", 99, {"organisation": "nan"}),
                  "applicant": ("application.withdrawn", "application", applied, {}),
                  "nothing": ("auth.login", "user", 5, {})}
        ids = {name: _insert(connection, "audit_event", action=action, target_type=kind, target_id=target,
                             details=details, ip="")
               for name, (action, kind, target, details) in events.items()}
    argv, env = flask_command(url, "db", "upgrade")
    done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    with engine.connect() as connection:
        rows = {row.id: row for row in connection.execute(sa.text(
            "SELECT id, organisation_id, actor_name FROM audit_event"))}
    engine.dispose()
    assert rows[ids["by_target"]].organisation_id == nan and rows[ids["by_slug"]].organisation_id == nan
    assert rows[ids["applicant"]].actor_name == "มาลี" and rows[ids["applicant"]].organisation_id is None
    assert rows[ids["nothing"]].organisation_id is None and rows[ids["nothing"]].actor_name == ""
