from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "sanhak.scheduling"
    label = "scheduling"
