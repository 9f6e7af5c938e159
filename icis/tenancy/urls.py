from django.urls import path

from . import import_views, lifecycle_views, views

app_name = "tenancy"
urlpatterns = [
    path("occupancy/", views.OccupancyView.as_view(), name="occupancy"),
    path("projects/", views.ProjectListView.as_view(), name="project_list"),
    path("projects/new/", views.ProjectFormView.as_view(), name="project_add"),
    path("projects/<int:pk>/edit/", views.ProjectFormView.as_view(), name="project_edit"),
    path("projects/<int:pk>/status/", lifecycle_views.ProjectTransitionView.as_view(), name="project_transition"),
    path("tenants/new/", views.TenantFormView.as_view(), name="tenant_add"),
    path("tenants/<int:pk>/edit/", views.TenantFormView.as_view(), name="tenant_edit"),
    path("reports/", views.SubmissionListView.as_view(), name="submission_list"),
    path("reports/new/", views.SubmissionNewView.as_view(), name="submission_add"),
    path("reports/<int:pk>/", views.SubmissionDetailView.as_view(), name="submission_detail"),
    # Tenant list import and export (import_views.py, docs/tenant-import.md).
    path("imports/", import_views.ImportListView.as_view(), name="import_list"),
    path("imports/template.xlsx", import_views.ImportTemplateView.as_view(), name="import_template"),
    path("imports/<int:pk>/", import_views.ImportDetailView.as_view(), name="import_detail"),
    path("imports/<int:pk>/progress/", import_views.ImportProgressView.as_view(), name="import_progress"),
    path("imports/<int:pk>/errors.csv", import_views.ImportErrorsCsvView.as_view(), name="import_errors"),
    path("imports/<int:pk>/marked.xlsx", import_views.ImportMarkedView.as_view(), name="import_marked"),
    path("imports/<int:pk>/commit/", import_views.ImportActionView.as_view(action="commit"), name="import_commit"),
    path("imports/<int:pk>/check/", import_views.ImportActionView.as_view(action="check"), name="import_check"),
    path("imports/<int:pk>/discard/", import_views.ImportActionView.as_view(action="discard"), name="import_discard"),
    path("projects/export/", import_views.ProjectExportView.as_view(), name="project_export"),
]
