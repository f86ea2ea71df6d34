from django.urls import path

from sanhak.credentials import views

app_name = "credentials"
urlpatterns = [
    path("verify/", views.verify_page, name="verify"),
    path("verify/<uuid:pk>/", views.verify_stored, name="verify_stored"),
    path("mine/", views.mine, name="mine"),
    path("<uuid:pk>/certificate.pdf", views.certificate_pdf, name="pdf"),
    path("<uuid:pk>/credential.json", views.credential_json, name="json"),
    path("<uuid:pk>/share/", views.share, name="share"),
    path("<uuid:pk>/revoke/", views.revoke, name="revoke"),
    path("issuers/<slug:code>/", views.issuer_profile, name="issuer_profile"),
    path("issuers/<slug:code>/keys/<int:pk>/", views.issuer_key, name="issuer_key"),
    path("status/<slug:code>/", views.status_list, name="status_list"),
]
