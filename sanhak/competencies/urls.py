from django.urls import path

from sanhak.competencies import views, views_import

app_name = "competencies"
urlpatterns = [
    path("", views.competency_list, name="list"),
    path("ncs/import/", views_import.ncs_import, name="ncs_import"),
    path("<str:code>/", views.competency_detail, name="detail"),
]
