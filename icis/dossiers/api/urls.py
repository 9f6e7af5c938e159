"""API routes of the dossiers app; config/urls.py registers them on the project's router."""

from django.urls import path

from . import views

ROUTES = [
    ("dossiers", views.DossierViewSet, "dossier"),
]
urlpatterns = [
    path("calendar/add-working-days/", views.AddWorkingDaysView.as_view(), name="calendar-add-working-days"),
]
