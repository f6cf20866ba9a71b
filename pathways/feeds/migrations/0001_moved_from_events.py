"""Import runs and their rows, moved from the events app; their tables keep their names."""

import functools

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _content_types(apps, schema_editor, *, old, new, models):  # noqa: ANN001
    """Admin permissions and log entries follow the models to their new app (unless a
    content type is there already: Django made one after an earlier migrate)."""
    content_type = apps.get_model("contenttypes", "ContentType")
    there = set(content_type.objects.filter(app_label=new).values_list("model", flat=True))
    content_type.objects.filter(app_label=old, model__in=set(models) - there).update(
        app_label=new
    )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("events", "0002_event_source_hash"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables stay where they are: only Django's idea of which app holds
        # the models changes (docs/decisions/0009-app-layers.md).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ImportRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=16)),
                        ('file_name', models.CharField(max_length=500)),
                        ('started_at', models.DateTimeField(auto_now_add=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('status', models.CharField(choices=[('running', 'Running'), ('finished', 'Finished'), ('failed', 'Failed')], default='running', max_length=16)),
                        ('operator', models.CharField(blank=True, max_length=150)),
                        ('rows_read', models.PositiveIntegerField(default=0)),
                        ('created', models.PositiveIntegerField(default=0)),
                        ('updated', models.PositiveIntegerField(default=0)),
                        ('unchanged', models.PositiveIntegerField(default=0)),
                        ('rejected', models.PositiveIntegerField(default=0)),
                        ('error', models.TextField(blank=True, help_text='Why the whole file was refused, if it was.')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'events_importrun',
                        'ordering': ['-started_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='RejectedRow',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('line', models.PositiveIntegerField()),
                        ('column', models.CharField(blank=True, max_length=100)),
                        ('reason', models.CharField(max_length=500)),
                        ('row', models.JSONField(default=dict)),
                        ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rejected_rows', to='feeds.importrun')),
                    ],
                    options={
                        'db_table': 'events_rejectedrow',
                        'ordering': ['run', 'line'],
                    },
                ),
                migrations.CreateModel(
                    name='SupersededRow',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=16)),
                        ('key', models.CharField(max_length=200)),
                        ('content', models.JSONField()),
                        ('replaced_at', models.DateTimeField(auto_now_add=True)),
                        ('run', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, to='feeds.importrun')),
                    ],
                    options={
                        'db_table': 'events_supersededrow',
                        'indexes': [models.Index(fields=['kind', 'key'], name='events_supe_kind_89318e_idx')],
                    },
                ),
            ],
        ),
        migrations.RunPython(
            functools.partial(_content_types, old='events', new='feeds', models=['importrun', 'rejectedrow', 'supersededrow']),
            functools.partial(_content_types, old='feeds', new='events', models=['importrun', 'rejectedrow', 'supersededrow']),
        ),
    ]
