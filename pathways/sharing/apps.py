from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "pathways.sharing"
    label = "sharing"
