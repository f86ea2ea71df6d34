from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "sanhak.api"
    label = "api"
