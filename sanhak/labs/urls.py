from django.urls import path

from sanhak.labs import views

app_name = "labs"
urlpatterns = [
    path("", views.equipment_list, name="equipment_list"),
    path("find/", views.find, name="find"),
    path("my/", views.mine, name="mine"),
    path("queue/", views.queue, name="queue"),
    path("training/", views.training, name="training"),
    path("reports/", views.reports, name="reports"),
    path("equipment/<int:pk>/", views.equipment_detail, name="equipment_detail"),
    path("equipment/<int:pk>/book/", views.book, name="book"),
    path("equipment/<int:pk>/status/", views.equipment_status, name="equipment_status"),
    path("equipment/<int:pk>/session/", views.equipment_session_book, name="equipment_session_book"),
    path("equipment/<int:pk>/calendar.ics", views.equipment_ics, name="equipment_ics"),
    path("facilities/<int:pk>/book/", views.lab_book, name="lab_book"),
    path("feeds/<str:token>.ics", views.person_ics, name="person_ics"),
    path("my/feed/renew/", views.feed_renew, name="feed_renew"),
    path("reservations/<int:pk>/cancel/", views.reservation_action, {"action": "cancel"}, name="cancel"),
    path("reservations/<int:pk>/check-in/", views.reservation_action, {"action": "check_in"}, name="check_in"),
    path("reservations/<int:pk>/approve/", views.reservation_action, {"action": "approve"}, name="approve"),
    path("reservations/<int:pk>/reject/", views.reservation_action, {"action": "reject"}, name="reject"),
]
