from django.db import migrations

# The partners' attendance outcomes, as the one set of outcomes names them.
ATTENDANCE = {
    "did_not_attend": "unacceptable_absence",
    "not_happen_person": "acceptable_absence",
    "not_happen_service": "service_cancelled",
}


def one_contact_model(apps, schema_editor):
    """Existing engagement contacts take their referral's person and the outcome of
    the same meaning in the one set of attendance outcomes."""
    Contact = apps.get_model("cases", "Contact")
    Referral = apps.get_model("referrals", "Referral")
    for referral_id, person_id in Referral.objects.filter(
        pk__in=Contact.objects.values("referral_id")
    ).values_list("pk", "person_id"):
        Contact.objects.filter(referral_id=referral_id).update(person_id=person_id)
    for old, new in ATTENDANCE.items():
        Contact.objects.filter(attendance=old).update(attendance=new)


def back_to_partners_outcomes(apps, schema_editor):
    Contact = apps.get_model("cases", "Contact")
    for old, new in ATTENDANCE.items():
        Contact.objects.filter(attendance=new).update(attendance=old)


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_sessions_and_attendance"), ("referrals", "0008_consent_expires")]

    operations = [migrations.RunPython(one_contact_model, back_to_partners_outcomes)]
