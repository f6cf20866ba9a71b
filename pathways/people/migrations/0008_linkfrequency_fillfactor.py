"""Room on each page of `LinkFrequency` for the counts' next versions.

Matching adds a batch's counts to a few thousand rows; with 30% of each page left
free, PostgreSQL writes each new version beside the old one without touching
the indexes (a HOT update), which made those writes three times quicker at a million
records. `pathways link --full` rewrites the table, so existing pages follow after it.
"""

from django.db import migrations


def leave_room(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE people_linkfrequency SET (fillfactor = 70)")


def fill_pages(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE people_linkfrequency RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("people", "0007_linkkey_without_constraint")]

    operations = [migrations.RunPython(leave_room, fill_pages)]
