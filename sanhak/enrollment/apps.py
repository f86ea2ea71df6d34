from django.apps import AppConfig


class EnrollmentConfig(AppConfig):
    name = "sanhak.enrollment"
    label = "enrollment"
