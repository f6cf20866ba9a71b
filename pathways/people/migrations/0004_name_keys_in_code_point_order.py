"""Name keys compare as code points on PostgreSQL, as they do on SQLite.

Search reads the keys starting with a word as the range [word, next word) of an index
(people.search). That range is exactly the keys with the prefix only when keys sort by
code point: under a language's collation "diaz" > "dia{" and the range would be empty.
Keys are machine keys (lower-case letters and digits), never shown, so nothing is lost.
Django's model has no vendor-neutral name for this collation, hence the raw SQL; an
AlterField of these columns must keep it.
"""

from django.db import migrations

COLUMNS = ("family_key", "given_key")


def _collate(collation: str):
    def alter(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for column in COLUMNS:
            schema_editor.execute(
                f'ALTER TABLE people_agencyrecord ALTER COLUMN {column} '
                f'TYPE varchar(200) COLLATE "{collation}"'
            )

    return alter


class Migration(migrations.Migration):
    dependencies = [("people", "0003_search_in_name_order")]

    operations = [migrations.RunPython(_collate("C"), _collate("default"))]
