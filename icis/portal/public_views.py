"""The public investment portal: anonymous, Vietnamese at /portal/ and English at /en/portal/, published
data only (icis/portal/selectors.py). No page here reads or writes a session; the list, the cluster
pages and the map are cacheable (Cache-Control and an ETag; a repeated request answers 304)."""

from functools import wraps

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from icis.core.api.throttling import ClientScopedRateThrottle
from icis.core.formats import parse_decimal
from icis.core.forms import apply_errors

from . import oc4ids, selectors, services
from .choices import FieldGroup
from .forms import EnquiryForm
from .models import Enquiry

ENGLISH_NAMESPACE = "portal_en"
PAGE_SIZE = 20


def language_of(request) -> str:
    match = getattr(request, "resolver_match", None)
    return "en" if match is not None and match.namespace == ENGLISH_NAMESPACE else "vi"


def other_language_url(request) -> str:
    """The same page in the other language (the portal's language switch is a link, not a cookie)."""
    path = request.get_full_path()
    if language_of(request) == "en":
        return path[len("/en") :] if path.startswith("/en/") else path
    return "/en" + path


def public(cacheable: bool = True):
    """Render in the URL's language; cacheable pages get Cache-Control and an ETag (304 when unchanged)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            language = language_of(request)
            with translation.override(language):
                request.LANGUAGE_CODE = language
                if cacheable and request.method == "GET":
                    # Anonymous and the same for everyone: the rendered page itself is cached (60 s).
                    def build():
                        rendered = view(request, *args, **kwargs)
                        if hasattr(rendered, "render") and not rendered.is_rendered:
                            rendered.render()
                        return rendered.status_code, rendered.content, rendered.get("Content-Type")

                    status, content, content_type = selectors.cached(f"page:{request.get_full_path()}", build)
                    response = HttpResponse(content, status=status, content_type=content_type)
                else:
                    response = view(request, *args, **kwargs)
                    if hasattr(response, "render") and not response.is_rendered:
                        response.render()
            response["Content-Language"] = language
            if cacheable and request.method == "GET" and response.status_code == 200:
                etag = selectors.etag_of(response.content)
                response["ETag"] = etag
                patch_cache_control(response, public=True, max_age=selectors.CACHE_SECONDS)
                if etag in request.headers.get("If-None-Match", ""):
                    not_modified = HttpResponse(status=304)
                    not_modified["ETag"] = etag
                    patch_cache_control(not_modified, public=True, max_age=selectors.CACHE_SECONDS)
                    return not_modified
            elif not cacheable:
                patch_cache_control(response, private=True, no_store=True)
            return response

        return wrapper

    return decorate


def _context(request, **extra) -> dict:
    english = language_of(request) == "en"
    return {
        "portal_ns": ENGLISH_NAMESPACE if english else "portal",
        "other_language_url": other_language_url(request),
        "other_language": "vi" if english else "en",
        "LANG": "en" if english else "vi",
        "groups": FieldGroup,
        **extra,
    }


def _filters(request) -> tuple[dict, list[str]]:
    params = {name: request.GET.get(name, "").strip() for name in ("q", "province", "sector", "min_vacant_ha")}
    problems = []
    if params["min_vacant_ha"]:
        try:
            value = parse_decimal(params["min_vacant_ha"])
        except (ValidationError, ValueError):
            value = None
        if value is None or value < 0:
            problems.append(_("Minimum vacant land: give a number of hectares, e.g. 5 or 2,5."))
            params["min_vacant_ha"] = ""
        else:
            params["min_vacant_ha"] = str(value)
    return params, problems


@require_GET
@public()
def home(request):
    """The clusters open to investors, filtered (search without accents, province, sector, vacant land)."""
    items = selectors.all_cards()
    params, problems = _filters(request)
    found = selectors.filter_cards(items, params)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/home.html",
        _context(
            request,
            page=page,
            count=len(found),
            params=params,
            problems=problems,
            choices=selectors.filter_choices(items),
            query=query.urlencode(),
        ),
    )


@require_GET
@public()
def cluster(request, code: str):
    publication = selectors.published_cluster(code)
    if publication is None:
        raise Http404
    card = selectors.cluster_page(publication)
    return render(request, "portal/cluster.html", _context(request, card=card))


@require_GET
@public()
def map_page(request):
    params, problems = _filters(request)
    query = "&".join(f"{k}={v}" for k, v in params.items() if v)
    geojson = reverse("api:public-geojson") + ("?" + query if query else "")
    map_settings = {
        "tiles": settings.ICIS_MAP_TILES_URL,
        "attribution": settings.ICIS_MAP_TILES_ATTRIBUTION,
        "outlines": settings.ICIS_MAP_OUTLINES_URL,
        "centre": [float(settings.ICIS_MAP_CENTRE[0]), float(settings.ICIS_MAP_CENTRE[1])],
        "zoom": settings.ICIS_MAP_ZOOM,
        "data": geojson,
        "prefix": "/en" if language_of(request) == "en" else "",
    }
    strings = {
        "vacant": _("Vacant industrial land"),
        "progress": _("Infrastructure progress"),
        "plant": _("Wastewater plant meets the standard"),
        "yes": _("yes"),
        "no": _("no"),
        "unknown": _("not published"),
        "open": _("Open the cluster"),
        "count": _("%(drawn)s clusters on the map."),
        "failed": _("The clusters could not be loaded. Reload the page or use the list."),
    }
    items = selectors.all_cards()
    return render(
        request,
        "portal/map.html",
        _context(
            request,
            params=params,
            problems=problems,
            choices=selectors.filter_choices(items),
            map_settings=map_settings,
            map_strings=strings,
        ),
    )


class _ThrottleView:
    throttle_scope = "enquiry"


def throttled(request) -> bool:
    """The enquiry rate limit (DRF's scoped throttle, per client address, in the shared cache)."""
    return not ClientScopedRateThrottle().allow_request(request, _ThrottleView())


@require_http_methods(["GET", "POST"])
@public(cacheable=False)
def enquiry(request):
    """The enquiry form: what the firm needs and how to reach it. A honeypot and a signed sum keep robots
    out; the rate limit keeps floods out."""
    items = selectors.all_cards()
    provinces = selectors.filter_choices(items)["provinces"]
    challenge = services.challenge_new()
    cluster_code = request.GET.get("cluster", "")
    if request.method == "POST":
        form = EnquiryForm(request.POST, provinces=provinces, question=request.POST.get("question", ""))
        if request.POST.get("website"):  # a robot filled the hidden field: answer as if all went well
            return redirect(reverse(f"{language_ns(request)}:enquiry_sent", args=["-"]))
        if throttled(request):
            return render(request, "portal/throttled.html", _context(request), status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.challenge_check(data["token"], data["answer"])
                saved = services.enquiry_submit(
                    data={k: data[k] for k in services.ENQUIRY_FIELDS if k in data and k != "province"}
                    | {"province": data["province"] or None},
                    language=language_of(request),
                    cluster_code=data.get("cluster") or "",
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return redirect(reverse(f"{language_ns(request)}:enquiry_sent", args=[saved.reference]))
        form.data = form.data.copy()
        form.data["token"] = challenge["token"]
        form.data["answer"] = ""
        form.fields["answer"].label = challenge["question"]
    else:
        form = EnquiryForm(
            initial={"token": challenge["token"], "cluster": cluster_code},
            provinces=provinces,
            question=challenge["question"],
        )
    chosen = selectors.published_cluster(cluster_code) if cluster_code else None
    return render(
        request,
        "portal/enquiry.html",
        _context(request, form=form, question=challenge["question"], chosen=chosen),
    )


def language_ns(request) -> str:
    return ENGLISH_NAMESPACE if language_of(request) == "en" else "portal"


@require_GET
@public(cacheable=False)
def enquiry_sent(request, reference: str):
    """Thanks, the reference, and the clusters proposed with why (no personal data is shown)."""
    found = Enquiry.objects.filter(reference=reference).only("reference", "matches", "cluster__code").first()
    proposals = []
    for proposal in found.matches if found else []:
        proposals.append({**proposal, "why": [selectors.reason_text(r) for r in proposal["reasons"]]})
    return render(
        request,
        "portal/enquiry_sent.html",
        _context(request, reference=found.reference if found else "", proposals=proposals),
    )


@require_GET
@public()
def open_data(request):
    """How to harvest the portal: the API, its version and paging, the OC4IDS download per province."""
    items = selectors.all_cards()
    return render(
        request,
        "portal/open_data.html",
        _context(
            request,
            provinces=selectors.filter_choices(items)["provinces"],
            oc4ids_version=oc4ids.VERSION,
        ),
    )
