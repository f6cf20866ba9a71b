"""Alerts and alert scans, moved from the referrals app; their tables keep their names."""

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
        ("referrals", "0005_referral_route"),
        ("events", "0002_event_source_hash"),
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
                    name='AlertScan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('up_to_event', models.BigIntegerField()),
                        ('after_event', models.BigIntegerField()),
                        ('started_at', models.DateTimeField(auto_now_add=True)),
                        ('alerts', models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        'db_table': 'referrals_alertscan',
                    },
                ),
                migrations.CreateModel(
                    name='Alert',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('offence', 'a new offence'), ('custody', 'a custody episode'), ('overdose', 'a non-fatal overdose'), ('concern', 'a concern at a contact')], max_length=16)),
                        ('why', models.CharField(help_text='Why this user is told.', max_length=300)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('read_at', models.DateTimeField(blank=True, null=True)),
                        ('emailed_at', models.DateTimeField(blank=True, null=True)),
                        ('event', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='events.event')),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='people.person')),
                        ('referral', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='alerts', to='referrals.referral')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='alerts', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'referrals_alert',
                        'indexes': [models.Index(fields=['user', 'read_at', '-created_at'], name='alert_inbox')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('event__isnull', False)), fields=('user', 'event'), name='one_alert_per_user_and_event')],
                    },
                ),
            ],
        ),
        migrations.RunPython(
            functools.partial(_content_types, old='referrals', new='alerts', models=['alert', 'alertscan']),
            functools.partial(_content_types, old='alerts', new='referrals', models=['alert', 'alertscan']),
        ),
    ]
