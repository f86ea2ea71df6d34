from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "sanhak.credentials"
    label = "credentials"
