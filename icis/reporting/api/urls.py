"""API routes of the reporting app; config/urls.py adds them to the project's API."""

from django.urls import path

from . import views

ROUTES: list = []
urlpatterns = [
    path("reports/form-04/", views.Form04View.as_view(), name="report-form-04"),
    path("reports/form-03/", views.Form03View.as_view(), name="report-form-03"),
]
