from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sanhak.accounts"
    label = "accounts"
