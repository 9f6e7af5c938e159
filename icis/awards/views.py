"""Commendation pages: the nomination list, a new nomination, one nomination with its steps, and the
yearly list (page, XLSX, PDF) for the annual plan's review."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from icis.core import lifecycle
from icis.core.generic import ObjectActionView, ObjectDetailView, ObjectFormView, ObjectListView, ScopedPageView
from icis.geo.models import Province
from icis.geo.selection import page_province, switchable

from . import export, selectors, services
from .choices import NOMINATION_LIFECYCLE
from .filtersets import NominationFilterSet
from .forms import NominationEditForm, NominationForm, NominationTransitionForm, YearlyListForm
from .models import Nomination
from .tables import NominationTable


class NominationListView(ObjectListView):
    template_name = "awards/nomination_list.html"
    filterset_class = NominationFilterSet
    table_class = NominationTable
    permission_required = "awards.view_nomination"
    paginate_by = 50
    export_name = gettext_lazy("nominations for commendation")

    def get_base_queryset(self):
        return selectors.nomination_list()


class NominationCreateView(ObjectFormView):
    template_name = "awards/nomination_form.html"
    model = Nomination
    form_class = NominationForm
    add_permission = "awards.add_nomination"
    success_message = gettext_lazy("Nomination recorded as a draft.")

    def save(self, form):
        data = form.cleaned_data
        return services.nomination_create(
            title=data["title"],
            year=data["year"],
            achievement_data=form.achievement_data(),
            clusters=data["clusters"],
            evidence=data["evidence"],
            notes=data["notes"],
            actor=self.request.user,
        )


class NominationEditView(ObjectFormView):
    """Correct a nomination not yet decided and its achievement; the status moves only on the status page."""

    template_name = "awards/nomination_form.html"
    model = Nomination
    form_class = NominationEditForm
    change_permission = "awards.change_nomination"
    object_required = True
    context_object_name = "nomination"
    success_message = gettext_lazy("Nomination saved.")

    def get_base_queryset(self):
        return selectors.nomination_detail()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "nomination": self.object}

    def save(self, form):
        data = form.cleaned_data
        return services.nomination_update(
            nomination=self.object,
            title=data["title"],
            year=data["year"],
            notes=data["notes"],
            achievement_data=form.achievement_data(),
            clusters=data["clusters"],
            evidence=data["evidence"],
            expected_version=data.get("version"),
            actor=self.request.user,
        )


class NominationDetailView(ObjectDetailView):
    template_name = "awards/nomination_detail.html"
    context_object_name = "nomination"
    permission_required = "awards.view_nomination"

    def get_base_queryset(self):
        return selectors.nomination_detail()

    def get_context_data(self, **kwargs):
        nomination = self.object
        history = nomination.status_changes.select_related("document", "actor").order_by(*lifecycle.NEWEST_FIRST)
        others = self.scoped(Nomination.objects).filter(achievement=nomination.achievement_id).exclude(pk=nomination.pk)
        return {
            **super().get_context_data(**kwargs),
            "history": history,
            "others": others.select_related("title"),
            "achievement": nomination.achievement,
        }


class NominationTransitionView(ObjectActionView):
    template_name = "awards/nomination_transition.html"
    form_class = NominationTransitionForm
    permission_required = "awards.change_nomination"
    context_object_name = "nomination"
    success_message = gettext_lazy("Status changed.")

    def get_base_queryset(self):
        return selectors.nomination_list()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "nomination": self.object}

    def get_context_data(self, **kwargs):
        history = self.object.status_changes.select_related("document", "actor").order_by(*lifecycle.NEWEST_FIRST)
        final = not NOMINATION_LIFECYCLE.allowed(self.object.status)
        return {**super().get_context_data(**kwargs), "history": history, "final": final}

    def save(self, form):
        data = form.cleaned_data
        return services.nomination_transition(
            nomination=self.object,
            to_status=data["to"],
            effective_on=data["date"],
            reason=data["reason"],
            decision=data["decision"],
            expected_version=data.get("version"),
            actor=self.request.user,
        )


class YearlyListView(ScopedPageView):
    """The year's awards and proposals upward, by province (the plan's review), as a page, XLSX or PDF."""

    template_name = "awards/yearly_list.html"
    permission_required = "awards.view_nomination"

    def get(self, request, *args, **kwargs):
        form = YearlyListForm(request.GET or None)
        year = timezone.localdate().year
        if form.is_bound and form.is_valid() and form.cleaned_data["year"]:
            year = form.cleaned_data["year"]
        code = page_province(request)
        province = Province.objects.get(code=code) if code else None
        report = selectors.yearly_list(self.scoped(selectors.nomination_list()), year=year, province=province)
        fmt = request.GET.get("format")
        if fmt == "xlsx":
            response = HttpResponse(export.xlsx_bytes(report), content_type=export.XLSX_CONTENT_TYPE)
        elif fmt == "pdf":
            try:
                data = export.pdf_bytes(report)
            except (ImportError, OSError):
                return HttpResponse(
                    _("PDF output needs WeasyPrint and the Pango library on the server; download the XLSX instead."),
                    status=503,
                    content_type="text/plain; charset=utf-8",
                )
            response = HttpResponse(data, content_type=export.PDF_CONTENT_TYPE)
        elif fmt:
            return HttpResponse(_("Unknown export format."), status=400, content_type="text/plain; charset=utf-8")
        else:
            query = request.GET.copy()
            query.pop("format", None)
            query["year"] = year
            return render(
                request,
                self.template_name,
                {
                    "report": report,
                    "heading": export.heading(report),
                    "form": form,
                    "year": year,
                    "query": query.urlencode(),
                    "provinces": self.scoped_provinces() if switchable(request.user) else None,
                },
            )
        response["Content-Disposition"] = f'attachment; filename="{export.filename(report, fmt)}"'
        return response

    def scoped_provinces(self):
        return Province.objects.order_by("code")
