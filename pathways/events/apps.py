from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "pathways.events"
    label = "events"
