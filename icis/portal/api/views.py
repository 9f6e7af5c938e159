"""The public, read-only API of the investment portal (version 1) and the anonymous enquiry endpoint.

Anonymous, published data only (icis/portal/selectors.py), versioned in the path (`/api/public/v1/`;
`/api/public/clusters/`, `/api/public/oc4ids/` and `/api/public/enquiries/` are the same version 1) and
in the `API-Version` header. Reads are cacheable: `Cache-Control: public, max-age=60` and an `ETag`; a
request with `If-None-Match` of the current ETag answers 304 with no body.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from icis.core.api.throttling import ClientScopedRateThrottle, ProcessScopedRateThrottle
from icis.core.formats import parse_decimal

from .. import oc4ids, selectors, services

API_VERSION = "1"
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50

FILTERS = [
    OpenApiParameter("q", str, description="Name, code or province; accents optional."),
    OpenApiParameter("province", str, description="Province code."),
    OpenApiParameter("sector", str, description="Sector code."),
    OpenApiParameter("min_vacant_ha", str, description="At least this much vacant industrial land (ha)."),
]
PAGING = [
    OpenApiParameter("page", int, description="Page number, from 1."),
    OpenApiParameter("page_size", int, description=f"Rows a page (at most {MAX_PAGE_SIZE})."),
]
NOT_MODIFIED = OpenApiResponse(description="Not modified: the ETag sent in If-None-Match is current.")


class PublicView(APIView):
    """Anonymous reads, throttled per process (no query; docs/portal.md "Rate limits")."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ProcessScopedRateThrottle]
    throttle_scope = "public"

    def cached_json(
        self, request, data=None, content_type: str = "application/json", filename: str = "", encoded=None
    ) -> HttpResponse:
        body, etag = encoded if encoded is not None else selectors.body_and_etag(data)
        if etag in request.headers.get("If-None-Match", ""):
            response = HttpResponse(status=304)
        else:
            response = HttpResponse(body, content_type=content_type)
            if filename:
                response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["ETag"] = etag
        response["API-Version"] = API_VERSION
        patch_cache_control(response, public=True, max_age=selectors.CACHE_SECONDS)
        return response


def _filters(request) -> dict:
    params = {name: (request.query_params.get(name) or "").strip() for name in ("q", "province", "sector")}
    raw = (request.query_params.get("min_vacant_ha") or "").strip()
    if raw:
        try:
            value = parse_decimal(raw)
        except (DjangoValidationError, ValueError):
            value = None
        if value is None or value < 0:
            raise ValidationError({"min_vacant_ha": ["Give a number of hectares, 0 or more."]})
        params["min_vacant_ha"] = str(value)
    return params


def _positive(request, name: str, default: int, maximum: int | None = None) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: ["Give a whole number, 1 or more."]}) from None
    if value < 1:
        raise ValidationError({name: ["Give a whole number, 1 or more."]})
    return min(value, maximum) if maximum else value


class ListSchema(AutoSchema):
    """A list answered by a plain APIView: its operation is `…_list`, not `…_retrieve` (which the detail has)."""

    def get_operation_id(self):
        return super().get_operation_id().replace("_retrieve", "_list")


class PublicClusterListView(PublicView):
    """The published clusters open to investors, each with the field groups its province published:
    vacant industrial land (computed from leases, as occupancy is), sectors, readiness, location, lease
    price. Filtered like the portal's list; paged (`page`, `page_size`)."""

    schema = ListSchema()

    @extend_schema(
        parameters=FILTERS + PAGING,
        responses={
            200: inline_serializer(
                "PublicClusterPage",
                {
                    "version": serializers.CharField(),
                    "count": serializers.IntegerField(),
                    "page": serializers.IntegerField(),
                    "pages": serializers.IntegerField(),
                    "next": serializers.CharField(allow_null=True),
                    "previous": serializers.CharField(allow_null=True),
                    "results": serializers.ListField(child=serializers.DictField()),
                },
            ),
            304: NOT_MODIFIED,
        },
    )
    def get(self, request):
        params = _filters(request)
        encoded = selectors.cached(f"list:{request.get_full_path()}", lambda: self.page(request, params))
        return self.cached_json(request, encoded=encoded)

    def page(self, request, params) -> tuple[bytes, str]:
        items = selectors.filter_cards(selectors.all_cards(), params)
        size = _positive(request, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
        pages = max(1, -(-len(items) // size))
        page = _positive(request, "page", 1)
        if page > pages:
            raise NotFound("No such page.")
        rows = items[(page - 1) * size : page * size]

        def link(number):
            query = request.query_params.copy()
            query["page"] = str(number)
            return request.build_absolute_uri(request.path + "?" + query.urlencode())

        data = {
            "version": API_VERSION,
            "count": len(items),
            "page": page,
            "pages": pages,
            "next": link(page + 1) if page < pages else None,
            "previous": link(page - 1) if page > 1 else None,
            "results": [selectors.public_card(c) for c in rows],
        }
        return selectors.body_and_etag(data)


class PublicClusterDetailView(PublicView):
    """One published cluster: its card, live readiness, milestones, incentives, lease terms and contact
    (each only when published)."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT, 304: NOT_MODIFIED})
    def get(self, request, code: str):
        publication = selectors.published_cluster(code)
        if publication is None:
            raise NotFound("No published cluster has this code.")
        return self.cached_json(request, selectors.public_card(selectors.cluster_page(publication)))


class PublicGeoJSONView(PublicView):
    """The published clusters with a published location as a GeoJSON FeatureCollection (RFC 7946),
    filtered like the list."""

    @extend_schema(
        parameters=FILTERS,
        responses={
            (200, "application/geo+json"): inline_serializer(
                "PublicClusterFeatureCollection",
                {"type": serializers.CharField(), "features": serializers.ListField(child=serializers.DictField())},
            ),
            304: NOT_MODIFIED,
        },
    )
    def get(self, request):
        params = _filters(request)
        key = "geojson:" + "&".join(f"{k}={v}" for k, v in sorted(params.items()))

        def build():
            cards = selectors.filter_cards(selectors.all_cards(), params)
            return selectors.body_and_etag(selectors.feature_collection(cards))

        return self.cached_json(request, content_type="application/geo+json", encoded=selectors.cached(key, build))


class OC4IDSView(PublicView):
    """The published infrastructure projects as an OC4IDS 0.9 project package, of one province
    (`province`) or all; `download=1` answers it as a file (the bulk download)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("province", str, description="Province code; all provinces without it."),
            OpenApiParameter("download", str, description="1: as a file to save."),
        ],
        responses={200: OpenApiTypes.OBJECT, 304: NOT_MODIFIED},
    )
    def get(self, request):
        province = (request.query_params.get("province") or "").strip()[:10]
        uri = request.build_absolute_uri(request.path) + (f"?province={province}" if province else "")
        encoded = selectors.cached(
            f"oc4ids:{province}", lambda: selectors.body_and_etag(oc4ids.package(province or None, uri=uri))
        )
        if encoded[0].find(b'"projects":[]') >= 0:  # OC4IDS wants at least one project in a package
            raise NotFound("No published infrastructure project in this province.")
        filename = f"oc4ids-{province or 'all'}.json" if request.query_params.get("download") == "1" else ""
        return self.cached_json(request, filename=filename, encoded=encoded)


class EnquiryChallengeView(PublicView):
    """A small sum to answer in the enquiry (`token` goes back with the answer)."""

    @extend_schema(
        responses=inline_serializer(
            "EnquiryChallenge", {"question": serializers.CharField(), "token": serializers.CharField()}
        ),
    )
    def get(self, request):
        response = Response(services.challenge_new())
        response["Cache-Control"] = "no-store"
        return response


class EnquiryInputSerializer(serializers.Serializer):
    area_ha = serializers.DecimalField(max_digits=10, decimal_places=4, min_value=0)
    sector = serializers.CharField(required=False, allow_blank=True, max_length=40)
    province = serializers.CharField(required=False, allow_blank=True, max_length=10)
    cluster = serializers.CharField(required=False, allow_blank=True, max_length=32)
    wastewater_m3_day = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    power_kva = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True)
    start_by = serializers.DateField(required=False, allow_null=True)
    company = serializers.CharField(required=False, allow_blank=True, max_length=200)
    contact_name = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    message = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    website = serializers.CharField(required=False, allow_blank=True, help_text="Leave empty.")
    token = serializers.CharField(help_text="From GET /api/public/v1/enquiries/challenge/.")
    answer = serializers.CharField(max_length=5)


class EnquiryCreateView(PublicView):
    """Send an enquiry (anonymous, rate-limited per address): the land and what the firm needs, how to
    reach it, and the answer to the challenge. Answers the reference and the clusters proposed, with why."""

    # A write that reaches an official: counted in the shared cache, so every app server adds to one limit.
    throttle_classes = [ClientScopedRateThrottle]
    throttle_scope = "enquiry"

    @extend_schema(
        request=EnquiryInputSerializer,
        responses={
            201: inline_serializer(
                "EnquiryReceived",
                {
                    "reference": serializers.CharField(),
                    "proposals": serializers.ListField(child=serializers.DictField()),
                },
            )
        },
    )
    def post(self, request):
        serializer = EnquiryInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if data.pop("website", ""):
            return Response({"reference": "-", "proposals": []}, status=201)
        services.challenge_check(data.pop("token"), data.pop("answer"))
        enquiry = services.enquiry_submit(
            data={k: v for k, v in data.items() if k in services.ENQUIRY_FIELDS and v not in ("", None)},
            language=getattr(request, "LANGUAGE_CODE", "vi") or "vi",
            cluster_code=data.get("cluster") or "",
        )
        return Response({"reference": enquiry.reference, "proposals": enquiry.matches}, status=201)
