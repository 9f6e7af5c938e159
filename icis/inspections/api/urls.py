"""API routes of the inspections app; config/urls.py registers them on the project's router."""

from . import views

ROUTES = [
    ("inspection-plans", views.PlanViewSet, "inspection-plan"),
    ("inspections", views.InspectionViewSet, "inspection"),
    ("violations", views.ViolationViewSet, "violation"),
]
urlpatterns: list = []
