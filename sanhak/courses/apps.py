from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "sanhak.courses"
    label = "courses"
