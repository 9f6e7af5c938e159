from django.urls import path

from . import views

ROUTES = [("registry/imports", views.RegistryImportViewSet, "registry-import")]

urlpatterns = [path("registry/export/", views.RegistryExportView.as_view(), name="registry-export")]
