"""Linkage's models moved to the linkage app; their tables keep their names."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0008_linkfrequency_fillfactor"),
        ("linkage", "0001_moved_from_people"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='linkchange',
                    name='by',
                ),
                migrations.RemoveField(
                    model_name='linkchange',
                    name='review',
                ),
                migrations.RemoveField(
                    model_name='linkchange',
                    name='undone_by',
                ),
                migrations.DeleteModel(
                    name='LinkFrequency',
                ),
                migrations.RemoveField(
                    model_name='linkkey',
                    name='record',
                ),
                migrations.RemoveField(
                    model_name='linkreview',
                    name='decided_by',
                ),
                migrations.RemoveField(
                    model_name='linkreview',
                    name='record_a',
                ),
                migrations.RemoveField(
                    model_name='linkreview',
                    name='record_b',
                ),
                migrations.DeleteModel(
                    name='LinkRun',
                ),
                migrations.DeleteModel(
                    name='LinkChange',
                ),
                migrations.DeleteModel(
                    name='LinkKey',
                ),
                migrations.DeleteModel(
                    name='LinkReview',
                ),
            ],
        ),
    ]
