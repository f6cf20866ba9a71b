from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "pathways.partners"
    label = "partners"
