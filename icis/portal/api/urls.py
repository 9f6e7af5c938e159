"""The public API, mounted under /api/public/ (config/urls.py): version 1 under v1/, and the unversioned
paths the issue names, which are version 1 too."""

from django.urls import path

from . import views

urlpatterns = []
for prefix, suffix in (("public/v1/", ""), ("public/", "-unversioned")):
    urlpatterns += [
        path(f"{prefix}clusters/", views.PublicClusterListView.as_view(), name=f"public-clusters{suffix}"),
        path(f"{prefix}clusters/geojson/", views.PublicGeoJSONView.as_view(), name=f"public-geojson{suffix}"),
        path(f"{prefix}clusters/<str:code>/", views.PublicClusterDetailView.as_view(), name=f"public-cluster{suffix}"),
        path(f"{prefix}oc4ids/", views.OC4IDSView.as_view(), name=f"public-oc4ids{suffix}"),
        path(f"{prefix}enquiries/", views.EnquiryCreateView.as_view(), name=f"public-enquiries{suffix}"),
        path(
            f"{prefix}enquiries/challenge/",
            views.EnquiryChallengeView.as_view(),
            name=f"public-challenge{suffix}",
        ),
    ]
