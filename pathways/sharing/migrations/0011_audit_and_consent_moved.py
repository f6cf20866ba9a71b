"""The access audit moved to the audit app, consent to the referrals app; their tables keep
their names."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("sharing", "0010_audit_no_truncate"),
        ("audit", "0001_moved_from_sharing"),
        ("referrals", "0006_consent_moved_from_sharing"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='accesseventperson',
                    name='event',
                ),
                migrations.RemoveField(
                    model_name='consent',
                    name='person',
                ),
                migrations.RemoveField(
                    model_name='consent',
                    name='recorded_by',
                ),
                migrations.RemoveField(
                    model_name='consent',
                    name='referral',
                ),
                migrations.RemoveField(
                    model_name='consent',
                    name='service',
                ),
                migrations.RemoveField(
                    model_name='consent',
                    name='withdrawn_by',
                ),
                migrations.DeleteModel(
                    name='AccessEvent',
                ),
                migrations.DeleteModel(
                    name='AccessEventPerson',
                ),
                migrations.DeleteModel(
                    name='Consent',
                ),
            ],
        ),
    ]
