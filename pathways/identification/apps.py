from django.apps import AppConfig


class IdentificationConfig(AppConfig):
    name = "pathways.identification"
    label = "identification"
