from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "sanhak.common"
    label = "common"
