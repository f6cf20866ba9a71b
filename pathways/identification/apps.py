from django.apps import AppConfig


class IdentificationConfig(AppConfig):
    name = "pathways.identification"
    label = "identification"

    def ready(self) -> None:
        from pathways.identification.merges import lapse_absorbed_candidacy
        from pathways.linkage.signals import people_merging

        people_merging.connect(lapse_absorbed_candidacy, dispatch_uid="identification")
