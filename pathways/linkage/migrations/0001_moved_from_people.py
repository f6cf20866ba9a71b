"""Linkage's models, moved from the people app; their tables keep their names."""

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


# A merge's record of what moved names each row's model; two models moved app.
RENAMED = {"referrals.Alert": "alerts.Alert", "sharing.Consent": "referrals.Consent"}


def _renamed_in_moves(apps, schema_editor, *, renamed):  # noqa: ANN001
    """Rows a merge or split moved are named by model label, for an undo to find them."""
    link_change = apps.get_model("linkage", "LinkChange")
    for change in link_change.objects.iterator(chunk_size=1000):
        rows = change.moves.get("rows", [])
        if any(row[0] in renamed for row in rows):
            change.moves["rows"] = [[renamed.get(row[0], row[0]), *row[1:]] for row in rows]
            change.save(update_fields=["moves"])


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("people", "0008_linkfrequency_fillfactor"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables stay where they are: only Django's idea of which app holds
        # the models changes (docs/decisions/0009-app-layers.md).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='LinkRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('match', 'matching records never matched'), ('full', 'full re-link')], max_length=8)),
                        ('status', models.CharField(choices=[('running', 'Running'), ('finished', 'Finished'), ('failed', 'Failed')], default='running', max_length=8)),
                        ('operator', models.CharField(blank=True, max_length=150)),
                        ('stage', models.CharField(blank=True, max_length=100)),
                        ('started_at', models.DateTimeField(auto_now_add=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('summary', models.JSONField(blank=True, default=dict)),
                        ('error', models.TextField(blank=True)),
                    ],
                    options={
                        'db_table': 'people_linkrun',
                        'ordering': ['-started_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='LinkFrequency',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('field', models.CharField(max_length=16)),
                        ('value', models.CharField(max_length=500)),
                        ('records', models.IntegerField(default=0)),
                    ],
                    options={
                        'db_table': 'people_linkfrequency',
                        'constraints': [models.UniqueConstraint(fields=('field', 'value'), name='one_frequency_per_value')],
                    },
                ),
                migrations.CreateModel(
                    name='LinkReview',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('probability', models.FloatField(null=True)),
                        ('match_weight', models.FloatField(null=True)),
                        ('why', models.CharField(max_length=200)),
                        ('status', models.CharField(choices=[('pending', 'waiting for a decision'), ('accepted', 'same person: linked'), ('rejected', 'different people: kept apart')], default='pending', max_length=16)),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('reason', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('record_a', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='people.agencyrecord')),
                        ('record_b', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='people.agencyrecord')),
                    ],
                    options={
                        'db_table': 'people_linkreview',
                    },
                ),
                migrations.CreateModel(
                    name='LinkChange',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('merge', 'Merge'), ('split', 'Split')], max_length=8)),
                        ('person_id', models.BigIntegerField(db_index=True)),
                        ('other_person_id', models.BigIntegerField(db_index=True)),
                        ('moves', models.JSONField()),
                        ('reason', models.TextField()),
                        ('at', models.DateTimeField(auto_now_add=True)),
                        ('undone_at', models.DateTimeField(blank=True, null=True)),
                        ('by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('undone_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('review', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='changes', to='linkage.linkreview')),
                    ],
                    options={
                        'db_table': 'people_linkchange',
                    },
                ),
                migrations.CreateModel(
                    name='LinkKey',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.BigIntegerField()),
                        ('record', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='people.agencyrecord')),
                    ],
                    options={
                        'db_table': 'people_linkkey',
                        'indexes': [models.Index(fields=['key', 'record'], name='linkkey_lookup')],
                    },
                ),
                migrations.AddIndex(
                    model_name='linkreview',
                    index=models.Index(fields=['status', '-probability'], name='linkreview_queue'),
                ),
                migrations.AddConstraint(
                    model_name='linkreview',
                    constraint=models.UniqueConstraint(fields=('record_a', 'record_b'), name='one_review_per_pair'),
                ),
            ],
        ),
        migrations.RunPython(
            functools.partial(_content_types, old='people', new='linkage', models=['linkkey', 'linkfrequency', 'linkreview', 'linkchange', 'linkrun']),
            functools.partial(_content_types, old='linkage', new='people', models=['linkkey', 'linkfrequency', 'linkreview', 'linkchange', 'linkrun']),
        ),
        migrations.RunPython(
            functools.partial(_renamed_in_moves, renamed=RENAMED),
            functools.partial(
                _renamed_in_moves, renamed={v: k for k, v in RENAMED.items()}
            ),
        ),
    ]
