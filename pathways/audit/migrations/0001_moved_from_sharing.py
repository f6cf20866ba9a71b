"""The access audit's models, moved from the sharing app; their tables keep their names."""

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
        ("sharing", "0010_audit_no_truncate"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables stay where they are: only Django's idea of which app holds
        # the models changes (docs/decisions/0009-app-layers.md).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AccessEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('seq', models.BigIntegerField(unique=True)),
                        ('at', models.DateTimeField()),
                        ('username', models.CharField(blank=True, max_length=150)),
                        ('roles', models.CharField(blank=True, max_length=500)),
                        ('person_id', models.BigIntegerField(db_index=True, null=True)),
                        ('people_count', models.PositiveIntegerField(default=0)),
                        ('action', models.CharField(max_length=64)),
                        ('channel', models.CharField(max_length=16)),
                        ('categories', models.CharField(blank=True, max_length=500)),
                        ('purpose', models.CharField(blank=True, max_length=500)),
                        ('decision', models.CharField(choices=[('allowed', 'Allowed'), ('refused', 'Refused')], max_length=8)),
                        ('basis', models.TextField(blank=True)),
                        ('client_address', models.CharField(blank=True, max_length=64)),
                        ('request_id', models.CharField(blank=True, max_length=64)),
                        ('detail', models.CharField(blank=True, max_length=500)),
                        ('prev_hash', models.CharField(max_length=64)),
                        ('hash', models.CharField(max_length=64)),
                        ('user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'sharing_accessevent',
                        'ordering': ['-seq'],
                    },
                ),
                migrations.CreateModel(
                    name='AccessEventPerson',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('person_id', models.BigIntegerField(db_index=True)),
                        ('event', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='people', to='audit.accessevent')),
                    ],
                    options={
                        'db_table': 'sharing_accesseventperson',
                    },
                ),
                migrations.AddIndex(
                    model_name='accessevent',
                    index=models.Index(fields=['user', 'at'], name='sharing_acc_user_id_41e67c_idx'),
                ),
                migrations.AddIndex(
                    model_name='accessevent',
                    index=models.Index(fields=['at'], name='sharing_acc_at_56b6c3_idx'),
                ),
                migrations.AddConstraint(
                    model_name='accesseventperson',
                    constraint=models.UniqueConstraint(fields=('event', 'person_id'), name='one_row_per_person_looked_at'),
                ),
            ],
        ),
        migrations.RunPython(
            functools.partial(_content_types, old='sharing', new='audit', models=['accessevent', 'accesseventperson']),
            functools.partial(_content_types, old='audit', new='sharing', models=['accessevent', 'accesseventperson']),
        ),
    ]
