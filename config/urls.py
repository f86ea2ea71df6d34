from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from sanhak.api.api import api
from sanhak.common import views as common_views

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
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
