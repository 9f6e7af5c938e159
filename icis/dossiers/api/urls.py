"""API routes of the dossiers app; config/urls.py registers them on the project's router."""

from . import views

ROUTES = [
    ("dossiers", views.DossierViewSet, "dossier"),
]
urlpatterns = []
