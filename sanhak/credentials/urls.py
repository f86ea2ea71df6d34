from django.urls import path

from sanhak.credentials import views

app_name = "credentials"
urlpatterns = [
    path("verify/", views.verify_page, name="verify"),
    path("verify/<uuid:pk>/", views.verify_stored, name="verify_stored"),
    path("issuers/<slug:code>/", views.issuer_profile, name="issuer_profile"),
    path("issuers/<slug:code>/keys/<int:pk>/", views.issuer_key, name="issuer_key"),
    path("status/<slug:code>/", views.status_list, name="status_list"),
]
