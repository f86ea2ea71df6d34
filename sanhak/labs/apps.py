from django.apps import AppConfig


class LabsConfig(AppConfig):
    name = "sanhak.labs"
    label = "labs"
