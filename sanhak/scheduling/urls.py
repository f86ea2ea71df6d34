from django.urls import path

from . import views

app_name = "scheduling"
urlpatterns = [
    path("", views.index, name="index"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/accept/", views.run_accept, name="accept"),
    path("runs/<int:pk>/rerun/", views.run_rerun, name="rerun"),
]
