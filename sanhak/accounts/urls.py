from django.contrib.auth import views as auth_views
from django.urls import path

from sanhak.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("signup/trainee/", views.signup_trainee, name="signup_trainee"),
    path("signup/company/", views.signup_manager, name="signup_manager"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", views.token_create, name="token_create"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("profile/export/", views.export_my_record, name="export"),
    path("profile/withdraw/", views.withdraw, name="withdraw"),
    path("profile/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("privacy/", views.privacy, name="privacy"),
    path("invite/<uidb64>/<token>/", views.invite_accept, name="invite_accept"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/done/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
