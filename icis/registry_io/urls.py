from django.urls import path

from . import views

app_name = "registry_io"
urlpatterns = [
    path("import/", views.ImportListView.as_view(), name="import_list"),
    path("import/template.xlsx", views.TemplateDownloadView.as_view(), name="template"),
    path("import/<int:pk>/", views.ImportDetailView.as_view(), name="import_detail"),
    path("import/<int:pk>/progress/", views.ImportProgressView.as_view(), name="import_progress"),
    path("import/<int:pk>/errors.csv", views.ImportErrorsCsvView.as_view(), name="import_errors"),
    path("import/<int:pk>/marked.xlsx", views.ImportMarkedView.as_view(), name="import_marked"),
    path("import/<int:pk>/commit/", views.ImportActionView.as_view(action="commit"), name="import_commit"),
    path("import/<int:pk>/check/", views.ImportActionView.as_view(action="check"), name="import_check"),
    path("import/<int:pk>/discard/", views.ImportActionView.as_view(action="discard"), name="import_discard"),
    path("export/", views.ExportView.as_view(), name="export"),
]
