"""API routes of the environment app; config/urls.py registers them on the project's router."""

from django.urls import path

from . import views

ROUTES = [
    (r"wwtps/(?P<plant_id>[0-9]+)/samples", views.PlantSampleViewSet, "wwtp-sample"),
    ("wwtps", views.PlantViewSet, "wwtp"),
    ("environment/violations", views.ViolationViewSet, "environment-violation"),
    ("environment/connections", views.ConnectionViewSet, "environment-connection"),
    ("environment/requirements", views.RequirementViewSet, "environment-requirement"),
    ("environment/regulations", views.RegulationViewSet, "environment-regulation"),
    ("environment/parameters", views.ParameterViewSet, "environment-parameter"),
]
urlpatterns = [
    path("environment/summary/", views.SummaryView.as_view(), name="environment-summary"),
    path("environment/clusters/<int:pk>/", views.ClusterItemsView.as_view(), name="environment-cluster-items"),
    path(
        "environment/unconnected-tenants/",
        views.UnconnectedTenantsView.as_view(),
        name="environment-unconnected-tenants",
    ),
]
