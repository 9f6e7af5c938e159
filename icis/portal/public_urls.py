"""The public portal's pages, mounted twice in config/urls.py: /portal/ (Vietnamese, namespace "portal")
and /en/portal/ (English, instance namespace "portal_en"); `{% url 'portal:…' %}` on a page keeps its language."""

from django.urls import path

from . import public_views

app_name = "portal"

urlpatterns = [
    path("", public_views.home, name="home"),
    path("map/", public_views.map_page, name="map"),
    path("clusters/<str:code>/", public_views.cluster, name="cluster"),
    path("enquiry/", public_views.enquiry, name="enquiry"),
    path("enquiry/sent/<str:reference>/", public_views.enquiry_sent, name="enquiry_sent"),
    path("open-data/", public_views.open_data, name="open_data"),
]
