from django.urls import path

from sanhak.learning import views

app_name = "learning"
urlpatterns = [
    path("offerings/<int:pk>/", views.classroom, name="classroom"),
    path("offerings/<int:pk>/progress/", views.progress_table, name="progress"),
    path("offerings/<int:pk>/gradebook/", views.gradebook, name="gradebook"),
    path("offerings/<int:pk>/manage/", views.manage, name="manage"),
    path("offerings/<int:pk>/completion/", views.completion_list, name="completion"),
    path("completions/<int:pk>/override/", views.completion_override, name="override"),
    path("lessons/<int:pk>/", views.lesson_detail, name="lesson"),
    path("lessons/<int:pk>/media", views.lesson_media, name="lesson_media"),
    path("lessons/<int:pk>/progress", views.lesson_progress, name="lesson_progress"),
    path("lessons/<int:pk>/complete", views.lesson_complete, name="lesson_complete"),
    path("quizzes/<int:pk>/", views.quiz_detail, name="quiz"),
    path("quizzes/<int:pk>/start", views.quiz_start, name="quiz_start"),
    path("quizzes/<int:pk>/edit/", views.quiz_edit, name="quiz_edit"),
    path("attempts/<int:pk>/", views.attempt_detail, name="attempt"),
    path("sessions/<int:pk>/qr/", views.session_qr, name="session_qr"),
    path("sessions/<int:pk>/attendance/", views.session_attendance, name="attendance"),
    path("checkin/<int:pk>/<str:token>/", views.checkin, name="checkin"),
]
