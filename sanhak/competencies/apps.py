from django.apps import AppConfig


class CompetenciesConfig(AppConfig):
    name = "sanhak.competencies"
    label = "competencies"
