from django.urls import path

from sanhak.enrollment import views

app_name = "enrollment"
urlpatterns = [
    path("my/", views.my_courses, name="my_courses"),
    path("company/", views.company_enrollments, name="company"),
    path("queue/", views.queue, name="queue"),
    path("offerings/<int:pk>/roster/", views.roster, name="roster"),
    path("offerings/<int:pk>/roster.csv", views.roster_export, {"fmt": "csv"}, name="roster_csv"),
    path("offerings/<int:pk>/roster.xlsx", views.roster_export, {"fmt": "xlsx"}, name="roster_xlsx"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
]
