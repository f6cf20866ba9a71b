"""Justice social work casework (CASEWORK.md): court reports, orders and their
requirements, unpaid work, supervision, plans, reviews and the plan's figures."""

from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "pathways.casework"
    label = "casework"

    def ready(self) -> None:
        # The sharing policy learns which agency holds these categories on a person.
        from pathways.casework.holders import HOLDERS
        from pathways.sharing.grants import register_holder

        for category, holds in HOLDERS.items():
            register_holder(category, holds)
