import json

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from icis.clusters import selectors as cluster_selectors
from icis.clusters import services as cluster_services
from icis.clusters.choices import STATUS_COLOURS, ClusterStatus
from icis.clusters.filtersets import ClusterFilterSet
from icis.core.generic import ObjectFormView, ScopedMixin

from .forms import PositionForm
from .selectors import COLOUR_BY


def map_settings() -> dict:
    """What the map script needs: tiles (none when offline) and the outlines file, from settings."""
    return {
        "tiles": settings.ICIS_MAP_TILES_URL,
        "attribution": settings.ICIS_MAP_TILES_ATTRIBUTION,
        "outlines": settings.ICIS_MAP_OUTLINES_URL,
        "centre": [float(settings.ICIS_MAP_CENTRE[0]), float(settings.ICIS_MAP_CENTRE[1])],
        "zoom": settings.ICIS_MAP_ZOOM,
    }


def legend() -> dict:
    return {
        "status": [(str(label), STATUS_COLOURS[value]) for value, label in ClusterStatus.choices],
        "occupancy": [
            (_("below 30%"), "#dc3545"),
            (_("30% to below 70%"), "#fd7e14"),
            (_("at least 70%"), "#198754"),
            (_("unknown"), "#adb5bd"),
        ],
        "progress": [
            (_("below 50%"), "#dc3545"),
            (_("50% to below 90%"), "#fd7e14"),
            (_("at least 90%"), "#198754"),
            (_("no accepted report"), "#adb5bd"),
        ],
        "compliance": [
            (_("open wastewater violations"), "#dc3545"),
            (_("a plant serves it, no open violation"), "#198754"),
            (_("no wastewater plant recorded"), "#adb5bd"),
        ],
    }


class MapView(ScopedMixin, TemplateView):
    """Every cluster the user may see, on a map, filtered like the list; the data comes from
    /api/clusters/geojson/ with the same query string."""

    template_name = "maps/map.html"

    def get_base_queryset(self):
        return cluster_selectors.cluster_list()

    def get_context_data(self, **kwargs):
        filterset = ClusterFilterSet(self.request.GET or None, queryset=self.get_scoped_queryset())
        colour = self.request.GET.get("colour")
        query = self.request.GET.copy()
        query.pop("colour", None)
        return {
            **super().get_context_data(**kwargs),
            "filterset": filterset,
            "colour": colour if colour in COLOUR_BY else "status",
            "colour_choices": [
                ("status", _("Status")),
                ("occupancy", _("Occupancy")),
                ("progress", _("Construction progress")),
                ("compliance", _("Wastewater compliance")),
            ],
            "legend": legend(),
            "map_strings": {
                "status": _("Status"),
                "area": _("Area"),
                "occupancy": _("Occupancy"),
                "progress": _("Construction progress"),
                "violations": _("Open wastewater violations"),
                "open": _("Open the cluster"),
                "count": _("%(drawn)s clusters on the map; %(unplaced)s without a position."),
                "failed": _("The clusters could not be loaded. Reload the page or use the list."),
                "unknown": _("unknown"),
            },
            "map_settings": {**map_settings(), "data": "?" + query.urlencode()},
        }


class ClusterPositionView(ObjectFormView):
    """Place a cluster on the map (click) or draw its boundary; saved through the registry service
    with the version read, so a stale edit is refused and nothing else of the cluster changes."""

    template_name = "maps/position.html"
    form_class = PositionForm
    change_permission = "clusters.change_cluster"
    object_required = True
    context_object_name = "cluster"
    success_message = gettext_lazy("Position saved.")

    def get_base_queryset(self):
        return cluster_selectors.cluster_detail()

    def get_initial(self):
        cluster = self.object
        return {
            "latitude": "" if cluster.latitude is None else str(cluster.latitude),
            "longitude": "" if cluster.longitude is None else str(cluster.longitude),
            "boundary": json.dumps(cluster.boundary) if cluster.boundary else "",
            "version": cluster.version,
        }

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "map_settings": map_settings()}

    def save(self, form):
        data = form.cleaned_data
        return cluster_services.cluster_update(
            cluster=self.object,
            data={key: data[key] for key in ("latitude", "longitude", "boundary")},
            actor=self.request.user,
            expected_version=data["version"],
        )

    def get_success_url(self, saved=None):
        return reverse("clusters:cluster_detail", args=[self.object.pk])
