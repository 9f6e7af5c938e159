from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("2fa/setup/", views.OtpSetupView.as_view(), name="otp_setup"),
    path("2fa/verify/", views.OtpVerifyView.as_view(), name="otp_verify"),
    path("tokens/", views.TokenListView.as_view(), name="token_list"),
]
