"""API routes of the construction app; config/urls.py registers them on the project's router."""

from django.urls import path

from . import views

ROUTES = [
    (
        r"clusters/(?P<cluster_id>[0-9]+)/progress-reports",
        views.ClusterProgressReportViewSet,
        "cluster-progress-report",
    ),
    ("progress-reports", views.ProgressReportViewSet, "progress-report"),
    ("milestones", views.MilestoneViewSet, "milestone"),
    ("obstacles", views.ObstacleViewSet, "obstacle"),
    ("visit-plans", views.VisitPlanViewSet, "visit-plan"),
    ("planned-visits", views.PlannedVisitViewSet, "planned-visit"),
    ("visit-records", views.VisitRecordViewSet, "visit-record"),
]
urlpatterns = [
    path("construction/summary/", views.ConstructionSummaryView.as_view(), name="construction-summary"),
    path("construction/board/", views.ConstructionBoardView.as_view(), name="construction-board"),
]
