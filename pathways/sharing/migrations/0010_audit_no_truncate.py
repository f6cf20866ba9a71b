"""TRUNCATE empties a table without firing row triggers, so the append-only audit needs a
statement trigger for it too. Test databases set `pathways.audit_maintenance = on` on
their connections (settings.py), because Django empties tables between transactional
tests with TRUNCATE; nothing else sets it."""

from django.db import migrations

TABLES = ("sharing_accessevent", "sharing_accesseventperson")

CREATE = """
CREATE OR REPLACE FUNCTION pathways_audit_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('pathways.audit_maintenance', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the access audit is append-only: TRUNCATE on % refused', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
""" + "".join(
    f"""
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION pathways_audit_no_truncate();
"""
    for table in TABLES
)

DROP = "".join(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};" for table in TABLES) + (
    "DROP FUNCTION IF EXISTS pathways_audit_no_truncate();"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("sharing", "0009_recent_custody_condition")]

    operations = [migrations.RunPython(create, drop)]
