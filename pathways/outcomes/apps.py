from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "pathways.outcomes"
    label = "outcomes"
