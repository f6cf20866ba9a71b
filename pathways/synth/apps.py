from django.apps import AppConfig


class SynthConfig(AppConfig):
    name = "pathways.synth"
    label = "synth"
