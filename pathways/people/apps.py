from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "pathways.people"
    label = "people"
