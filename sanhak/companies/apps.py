from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    name = "sanhak.companies"
    label = "companies"
