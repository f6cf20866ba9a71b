"""On PostgreSQL the database itself refuses to change or remove access audit rows.

(SQLite has no such guard that survives Django's test flush; there the application
refuses — `AccessEvent.save`/`delete` and its queryset — and `pathways audit verify`
finds anything changed behind its back.)
"""

from django.db import migrations

TABLES = ("sharing_accessevent", "sharing_accesseventperson")

CREATE = """
CREATE OR REPLACE FUNCTION pathways_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the access audit is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
""" + "".join(
    f"""
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION pathways_audit_append_only();
"""
    for table in TABLES
)

DROP = "".join(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};" for table in TABLES) + (
    "DROP FUNCTION IF EXISTS pathways_audit_append_only();"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("sharing", "0003_access_events")]

    operations = [migrations.RunPython(create, drop)]
