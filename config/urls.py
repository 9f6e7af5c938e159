from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from icis.accounts.api.views import TokenView
from icis.clusters.api.views import ClusterViewSet
from icis.dashboard.api.views import SummaryView
from icis.documents.api.views import DocumentViewSet

router = DefaultRouter()
router.register("clusters", ClusterViewSet, basename="cluster")
router.register("documents", DocumentViewSet, basename="document")

api_urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("stats/summary/", SummaryView.as_view(), name="stats-summary"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
]

urlpatterns = [
    path("", include("icis.dashboard.urls")),
    path("clusters/", include("icis.clusters.urls")),
    path("accounts/", include("icis.accounts.urls")),
    path("audit/", include("icis.audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include((api_urlpatterns, "api"))),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "icis.core.views.page_not_found"
handler500 = "icis.core.views.server_error"
