from django.urls import path

from sanhak.courses import views

app_name = "courses"
urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("offerings/<int:pk>/", views.offering_detail, name="offering"),
    path("offerings/<int:pk>/apply/", views.offering_apply, name="apply"),
    path("offerings/<int:pk>/nominate/", views.offering_nominate, name="nominate"),
    path("<str:code>/", views.course_detail, name="course"),
]
