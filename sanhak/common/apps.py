from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CommonConfig(AppConfig):
    name = "sanhak.common"
    label = "common"
    default = True


class SanhakAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the program's own site (`common.admin_site`): who may enter it."""

    default = False
    default_site = "sanhak.common.admin_site.SanhakAdminSite"
