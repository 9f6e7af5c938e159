"""API routes of the awards app; config/urls.py registers them on the project's router."""

from . import views

ROUTES = [
    ("awards", views.NominationViewSet, "award"),
    ("award-titles", views.AwardTitleViewSet, "award-title"),
]
urlpatterns = []
