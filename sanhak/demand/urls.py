from django.urls import path

from sanhak.demand import views

app_name = "demand"
urlpatterns = [
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("my/", views.my_surveys, name="mine"),
    path("responses/<int:pk>/", views.response_edit, name="response"),
    path("responses/<int:pk>/reopen/", views.response_reopen, name="reopen"),
    path("statements/", views.statements, name="statements"),
    path("statements/<int:pk>/confirm/", views.statement_confirm, name="confirm"),
]
