from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render

from icis.core.generic import ObjectDetailView

from . import ladder
from .drafts import draft_docx
from .selectors import dossier_list

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class DossierDraftView(ObjectDetailView):
    """GET: the DOCX draft of a procedure step's document, filled from the record; refused (409, with
    the current step and its proof named) when the dossier has already passed that step."""

    permission_required = "dossiers.view_dossier"
    template_name = "dossiers/draft_refused.html"

    def get_base_queryset(self):
        return dossier_list()

    def get(self, request, *args, **kwargs):
        step = kwargs["step"]
        if not 1 <= step <= ladder.LAST_STEP:
            raise Http404
        try:
            body, name = draft_docx(self.object, step)
        except ValidationError as refusal:
            return render(
                request,
                self.template_name,
                {"dossier": self.object, "step": ladder.step(step), "reasons": refusal.messages},
                status=409,
            )
        response = HttpResponse(body, content_type=DOCX)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
