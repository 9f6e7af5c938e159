"""The field page an inspector opens on a phone (`/inspections/field/`) and its service worker. The page
is a shell: its script downloads the route from the API, keeps it and the outbox in IndexedDB, and syncs
(icis/inspections/field.py, static/inspections/field/)."""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from icis.core.generic import ScopedPageView

from . import field

# Shown by the script; translated on the page so that it works offline in the user's language.
STRINGS = {
    "online": _("Online"),
    "offline": _("Offline: what you record is kept on this phone"),
    "ready": _("Ready to work offline"),
    "saved_at": _("Route saved on this phone at %(time)s"),
    "no_route": _("No route saved on this phone for this day. Connect to the network and download it."),
    "no_inspection": _("No inspection of your team on this day."),
    "download_failed": _("Could not download the route: the one saved on this phone is shown."),
    "pending": _("Waiting to sync: %(count)s"),
    "all_synced": _("Everything is synced."),
    "syncing": _("Syncing…"),
    "sync_stopped": _("Sync stopped: no network. Nothing is lost; try again later."),
    "sign_in": _("Your session has ended: sign in again, then sync. Nothing is lost."),
    "subject": _("Subject"),
    "checklist": _("Checklist"),
    "legal_basis": _("Legal basis"),
    "note": _("Note"),
    "not_answered": _("— not answered —"),
    "local": _("not synced yet"),
    "findings": _("Findings"),
    "new_finding": _("Record a finding"),
    "description": _("What you saw"),
    "item": _("Checklist item (optional)"),
    "photo": _("Photo"),
    "save_finding": _("Save the finding"),
    "finding_saved": _("Finding saved on this phone."),
    "describe": _("Describe what you saw."),
    "gps": _("Position %(lat)s, %(lon)s at %(time)s"),
    "no_gps": _("No GPS position (recorded at %(time)s)"),
    "photos": _("Photos: %(count)s"),
    "carried_forward": _("Violations of earlier visits to follow up"),
    "none_carried": _("No open violation from earlier visits."),
    "deadline": _("Deadline"),
    "found_on": _("Found on"),
    "corrective_action": _("Corrective action"),
    "your_result": _("Your result"),
    "conflict": _("Conflict: the office changed this record after you downloaded the route."),
    "mine": _("Yours (on this phone)"),
    "theirs": _("The office's (on the server)"),
    "changed_by": _("Changed by %(user)s"),
    "keep_mine": _("Keep mine"),
    "keep_theirs": _("Keep theirs"),
    "rejected": _("The server refused this record: %(message)s"),
    "discard": _("Discard this record"),
    "without_photo": _("Send it without the photo"),
    "confirm_discard": _("Discard what you recorded? It cannot be recovered."),
    "answer": _("Answer"),
    "status": _("Status"),
    "violation": _("Violation"),
    "result": _("Result"),
}


class FieldRouteView(ScopedPageView):
    template_name = "inspections/field/route.html"
    permission_required = field.FIELD_PERMISSION

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            strings={key: str(value) for key, value in STRINGS.items()},
            csrf_cookie=settings.CSRF_COOKIE_NAME,
            scope=reverse("inspections_field:route"),
            **kwargs,
        )


@require_GET
def service_worker(request):
    """The service worker, from the page's own path so that its scope covers the page. No data in it: the
    shell's files to keep, named with their static URLs."""
    body = render_to_string("inspections/field/sw.js", {"scope": reverse("inspections_field:route")})
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("inspections_field:route")
    response["Cache-Control"] = "no-cache"
    return response
