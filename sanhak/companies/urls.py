from django.urls import path

from sanhak.companies import views, views_import

app_name = "companies"
urlpatterns = [
    path("", views.company_list, name="list"),
    path("mine/", views.my_company, name="mine"),
    path("import/", views_import.company_import, name="import"),
    path("<int:pk>/", views.company_detail, name="detail"),
    path("<int:pk>/edit/", views.company_edit, name="edit"),
    path("<int:pk>/workers/invite/", views.worker_invite, name="worker_invite"),
    path("<int:pk>/workers/<int:user_pk>/edit/", views.worker_edit, name="worker_edit"),
]
