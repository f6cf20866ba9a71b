"""Alerts and alert scans moved to the alerts app; their tables keep their names."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("referrals", "0006_consent_moved_from_sharing"),
        ("alerts", "0001_moved_from_referrals"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='alert',
                    name='event',
                ),
                migrations.RemoveField(
                    model_name='alert',
                    name='person',
                ),
                migrations.RemoveField(
                    model_name='alert',
                    name='referral',
                ),
                migrations.RemoveField(
                    model_name='alert',
                    name='user',
                ),
                migrations.DeleteModel(
                    name='AlertScan',
                ),
                migrations.DeleteModel(
                    name='Alert',
                ),
            ],
        ),
    ]
