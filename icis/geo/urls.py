from django.urls import path

from . import views

app_name = "geo"

urlpatterns = [
    path("switch/", views.switch_province, name="switch"),
    path("settings/", views.settings_page, name="settings"),
]
