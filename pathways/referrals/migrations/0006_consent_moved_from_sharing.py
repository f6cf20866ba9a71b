"""Consent, moved from the sharing app: a person's answer is a step of the referral
pathway. Its table keeps its name."""

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

    dependencies = [
        ("referrals", "0005_referral_route"),
        ("sharing", "0010_audit_no_truncate"),
        ("partners", "0003_service_decide_within_days"),
        ("people", "0008_linkfrequency_fillfactor"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The table stays where it is: only Django's idea of which app holds the model
        # changes (docs/decisions/0009-app-layers.md).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Consent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('answer', models.CharField(choices=[('given', 'Given'), ('refused', 'Refused')], max_length=8)),
                        ('on', models.DateField(help_text='The date the person answered.')),
                        ('method', models.CharField(choices=[('signed_form', 'signed form'), ('verbal', 'verbal, with a witness'), ('migrated', 'recorded in the earlier system')], max_length=16)),
                        ('witness', models.CharField(blank=True, max_length=200)),
                        ('scan', models.FileField(blank=True, upload_to='consent-forms/%Y/%m/')),
                        ('recorded_at', models.DateTimeField(auto_now_add=True)),
                        ('withdrawn_on', models.DateField(blank=True, null=True)),
                        ('withdrawn_reason', models.CharField(blank=True, max_length=500)),
                        ('withdrawn_at', models.DateTimeField(blank=True, null=True)),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='consents', to='people.person')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('referral', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='consents', to='referrals.referral')),
                        ('service', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='partners.service')),
                        ('withdrawn_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'sharing_consent',
                        'ordering': ['person', 'service', '-on', '-id'],
                    },
                ),
                migrations.AddIndex(
                    model_name='consent',
                    index=models.Index(fields=['person', 'service'], name='sharing_con_person__4f0dab_idx'),
                ),
            ],
        ),
        migrations.RunPython(
            functools.partial(_content_types, old="sharing", new="referrals", models=["consent"]),
            functools.partial(_content_types, old="referrals", new="sharing", models=["consent"]),
        ),
    ]
