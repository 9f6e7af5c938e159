"""Pages of field work offline; config/urls.py includes them under inspections/field/."""

from django.urls import path

from . import field_views

app_name = "inspections_field"

urlpatterns = [
    path("", field_views.FieldRouteView.as_view(), name="route"),
    path("sw.js", field_views.service_worker, name="service_worker"),
]
