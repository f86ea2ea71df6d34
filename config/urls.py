from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from sanhak.api.api import api
from sanhak.common import views as common_views
from sanhak.labs import views as labs_views

urlpatterns = [
    path("", common_views.home, name="home"),
    path("healthz", common_views.healthz, name="healthz"),
    path("notifications/", common_views.notifications, name="notifications"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("sanhak.accounts.urls")),
    path("companies/", include("sanhak.companies.urls")),
    path("competencies/", include("sanhak.competencies.urls")),
    path("courses/", include("sanhak.courses.urls")),
    path("enrollment/", include("sanhak.enrollment.urls")),
    path("learning/", include("sanhak.learning.urls")),
    path("demand/", include("sanhak.demand.urls_gaps")),
    path("demand/", include("sanhak.demand.urls")),
    path("labs/", include("sanhak.labs.urls")),
    path("credentials/", include("sanhak.credentials.urls")),
    path("scheduling/", include("sanhak.scheduling.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    # Uploaded files have no blanket URL (not even under DEBUG): only equipment photos and manuals,
    # which are public, at their storage URL; lesson files are served after the access check.
    path(
        f"{settings.MEDIA_URL.strip('/')}/labs/<str:folder>/<path:name>",
        labs_views.equipment_file,
        name="equipment_file",
    ),
]
handler403 = "sanhak.common.views.permission_denied"
handler404 = "sanhak.common.views.page_not_found"
