"""Justice social work casework (CASEWORK.md): court reports, orders and their
requirements, unpaid work, supervision, plans, reviews and the plan's figures."""

from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "pathways.casework"
    label = "casework"
