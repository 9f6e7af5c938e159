from django.urls import path

from . import views

ROUTES = [
    ("tenants", views.TenantViewSet, "tenant"),
    ("tenant-projects", views.TenantProjectViewSet, "tenant-project"),
    ("submissions", views.SubmissionViewSet, "submission"),
]

urlpatterns = [
    path("clusters/<int:pk>/occupancy/", views.ClusterOccupancyView.as_view(), name="cluster-occupancy"),
    path("occupancy/", views.OccupancyTableView.as_view(), name="occupancy"),
    path("submissions/overdue/", views.OverdueView.as_view(), name="submissions-overdue"),
]
