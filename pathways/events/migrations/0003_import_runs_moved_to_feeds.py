"""Import runs and their rows moved to the feeds app; their tables keep their names."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0002_event_source_hash"),
        ("feeds", "0001_moved_from_events"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='importrun',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='rejectedrow',
                    name='run',
                ),
                migrations.DeleteModel(
                    name='SupersededRow',
                ),
                migrations.DeleteModel(
                    name='ImportRun',
                ),
                migrations.DeleteModel(
                    name='RejectedRow',
                ),
            ],
        ),
    ]
