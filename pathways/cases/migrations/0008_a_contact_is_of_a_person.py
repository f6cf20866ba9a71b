import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_contacts_take_the_person")]

    operations = [
        migrations.AlterField(
            model_name="contact",
            name="person",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="people.person"
            ),
        ),
    ]
