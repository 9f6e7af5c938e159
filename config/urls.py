from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from icis.accounts.api.organisations import OrganisationViewSet
from icis.accounts.api.views import TokenDetailView, TokenListView, TokenView
from icis.awards.api import urls as awards_api
from icis.clusters.api.views import ClusterViewSet
from icis.construction.api import urls as construction_api
from icis.core import health
from icis.core.media import media_file
from icis.dashboard.api.views import AttentionView, SummaryView
from icis.documents.api.views import DocumentViewSet
from icis.dossiers.api import urls as dossiers_api
from icis.environment.api import urls as environment_api
from icis.geo.api import urls as geo_api
from icis.inspections.api import urls as inspections_api
from icis.legal.api import urls as legal_api
from icis.maps.api import ClusterGeoJSONView
from icis.planning.api import urls as planning_api
from icis.portal.api import urls as portal_api
from icis.registry_io.api import urls as registry_api
from icis.reporting.api import urls as reporting_api
from icis.tenancy.api import urls as tenancy_api

router = DefaultRouter()
router.register("clusters", ClusterViewSet, basename="cluster")
router.register("documents", DocumentViewSet, basename="document")
router.register("organisations", OrganisationViewSet, basename="organisation")
for prefix, viewset, basename in [
    *construction_api.ROUTES,
    *tenancy_api.ROUTES,
    *reporting_api.ROUTES,
    *planning_api.ROUTES,
    *environment_api.ROUTES,
    *dossiers_api.ROUTES,
    *geo_api.ROUTES,
    *awards_api.ROUTES,
    *inspections_api.ROUTES,
    *registry_api.ROUTES,
]:
    router.register(prefix, viewset, basename=basename)

api_urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("auth/tokens/", TokenListView.as_view(), name="token-list"),
    path("auth/tokens/<int:pk>/", TokenDetailView.as_view(), name="token-detail"),
    path("stats/summary/", SummaryView.as_view(), name="stats-summary"),
    path("dashboard/attention/", AttentionView.as_view(), name="dashboard-attention"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    *construction_api.urlpatterns,
    *tenancy_api.urlpatterns,
    *registry_api.urlpatterns,
    *legal_api.urlpatterns,
    *reporting_api.urlpatterns,
    *environment_api.urlpatterns,
    *dossiers_api.urlpatterns,
    path("clusters/geojson/", ClusterGeoJSONView.as_view(), name="cluster-geojson"),
    path("", include("icis.inspections.api.sync")),  # before the router: inspections/sync/, inspections/route/
    # The public investment portal's read-only API and enquiries: anonymous (icis/portal/api).
    *portal_api.urlpatterns,
    *router.urls,
]

urlpatterns = [
    # For load balancers and supervisors: unauthenticated, cheap, never cached (icis/core/health.py).
    path("health/", health.health, name="health"),
    path("ready/", health.ready, name="ready"),
    path("", include("icis.dashboard.urls")),
    path("clusters/", include("icis.clusters.urls")),
    path("construction/", include("icis.construction.urls")),
    path("tenancy/", include("icis.tenancy.urls")),
    path("planning/", include("icis.planning.urls")),
    path("legal/", include("icis.legal.urls")),
    path("reports/", include("icis.reporting.urls")),
    path("environment/", include("icis.environment.urls")),
    path("dossiers/", include("icis.dossiers.urls")),
    path("awards/", include("icis.awards.urls")),
    path("inspections/", include("icis.inspections.urls")),
    path("map/", include("icis.maps.urls")),
    # The public investment portal: anonymous, Vietnamese and English (icis/portal/public_urls.py).
    path("portal/manage/", include("icis.portal.urls")),
    path("portal/", include("icis.portal.public_urls")),
    path("en/portal/", include("icis.portal.public_urls", namespace="portal_en")),
    path("documents/", include("icis.documents.urls")),
    path("registry/", include("icis.registry_io.urls")),
    path("organisations/", include("icis.accounts.organisation_urls")),
    path("accounts/", include("icis.accounts.urls")),
    path("provinces/", include("icis.geo.urls")),
    path("audit/", include("icis.audit.urls")),
    path("inspections/field/", include("icis.inspections.field_urls")),
    path("jobs/", include("icis.core.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include((api_urlpatterns, "api"))),
    # Uploads only to users who may see the owning record, in development too (icis/core/media.py).
    path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", media_file, name="media"),
]

handler400 = "icis.core.views.bad_request"
handler403 = "icis.core.views.permission_denied"
handler404 = "icis.core.views.page_not_found"
handler500 = "icis.core.views.server_error"
