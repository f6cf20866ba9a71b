from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "pathways.cases"
    label = "cases"
