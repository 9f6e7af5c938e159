import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from icis.core import lifecycle
from icis.core.generic import (
    ObjectActionView,
    ObjectDetailView,
    ObjectFormView,
    ObjectListView,
    ScopedPageView,
    csv_text,
    xlsx_bytes,
)
from icis.core.text import fold

from . import selectors, services
from .choices import INSPECTION_LIFECYCLE, PLAN_LIFECYCLE, PlanStatus, SubjectKind, Topic
from .filtersets import InspectionFilterSet, PlanFilterSet
from .forms import (
    ChecklistForm,
    DraftVisitsForm,
    FindingEditForm,
    FindingForm,
    FollowUpForm,
    InspectionForm,
    PlanForm,
    ReportForm,
    TransitionForm,
    ViolationForm,
)
from .models import Finding, Inspection, InspectionPlan, Violation
from .tables import InspectionTable, PlanTable


def _redirect_to(obj):
    if isinstance(obj, InspectionPlan):
        return reverse("inspections:plan_detail", args=[obj.pk])
    return reverse("inspections:inspection_detail", args=[obj.pk])


# --- plans ---------------------------------------------------------------------------------------------


class PlanListView(ObjectListView):
    template_name = "inspections/plan_list.html"
    filterset_class = PlanFilterSet
    table_class = PlanTable
    permission_required = "inspections.view_inspectionplan"
    paginate_by = 50
    export_name = gettext_lazy("inspection plans")

    def get_base_queryset(self):
        return selectors.plans()


class PlanDetailView(ObjectDetailView):
    template_name = "inspections/plan_detail.html"
    permission_required = "inspections.view_inspectionplan"
    context_object_name = "plan"

    def get_base_queryset(self):
        return selectors.plans()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.object
        # entries without a month after the others on every database (SQLite would put NULLs first)
        entries = self.scoped(selectors.inspections()).filter(plan=plan)
        entries = list(entries.order_by(F("planned_month").asc(nulls_last=True), "id"))
        conflicts = selectors.art24_conflicts(plan)
        conflicting = {c.entry.pk: c for c in conflicts}
        context.update(
            entries=[(e, conflicting.get(e.pk)) for e in entries],
            conflicts=conflicts,
            status_changes=plan.status_changes.select_related("actor").order_by(*lifecycle.NEWEST_FIRST),
            transition_form=TransitionForm(
                choices=PLAN_LIFECYCLE.choices(plan.status), initial={"version": plan.version}
            ),
            can_move=bool(PLAN_LIFECYCLE.allowed(plan.status)),
        )
        return context


class PlanFormView(ObjectFormView):
    template_name = "inspections/form.html"
    form_class = PlanForm
    model = InspectionPlan
    add_permission = "inspections.add_inspectionplan"
    change_permission = "inspections.change_inspectionplan"
    success_message = gettext_lazy("Plan saved.")

    def get_base_queryset(self):
        return InspectionPlan.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Edit the plan") if self.object else _("New inspection plan")
        context["cancel_url"] = _redirect_to(self.object) if self.object else reverse("inspections:plan_list")
        return context

    def save(self, form):
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if self.object:
            return services.plan_update(
                plan=self.object, data=data, actor=self.request.user, expected_version=form.cleaned_data.get("version")
            )
        return services.plan_create(data=data, actor=self.request.user)

    def get_success_url(self, saved=None):
        return _redirect_to(saved)


class PlanDraftVisitsView(ObjectFormView):
    """Draft site visits to the clusters under construction on an editable plan (wave 1's "generate a draft
    plan" of construction, now here): one inspection of topic construction per cluster and interval."""

    template_name = "inspections/form.html"
    form_class = DraftVisitsForm
    object_required = True
    permission_required = ("inspections.change_inspectionplan", "inspections.add_inspection")

    def get_base_queryset(self):
        return InspectionPlan.objects.select_related("province")

    def get_initial(self):
        from django.conf import settings

        year = self.object.year
        today = timezone.localdate()
        start = today if today.year == year else datetime.date(year, 1, 1)
        return {
            "period_start": start,
            "period_end": datetime.date(year, 12, 31),
            "frequency_months": settings.ICIS_VISIT_FREQUENCY_MONTHS,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Draft visits for clusters under construction")
        context["help"] = _(
            "One site visit (topic construction) to every cluster of %(province)s under construction that you "
            "reach, every so many months within the period; the first visits are spread over the first interval. "
            "Check the months, then submit the plan."
        ) % {"province": self.object.province.name}
        context["cancel_url"] = _redirect_to(self.object)
        return context

    def save(self, form):
        data = form.cleaned_data
        created = services.plan_draft_construction_visits(
            plan=self.object,
            period_start=data["period_start"],
            period_end=data["period_end"],
            frequency_months=data["frequency_months"],
            team=data["team"],
            actor=self.request.user,
        )
        messages.success(
            self.request,
            ngettext("%(count)d site visit drafted.", "%(count)d site visits drafted.", len(created))
            % {"count": len(created)},
        )
        return self.object

    def get_success_url(self, saved=None):
        return _redirect_to(self.object)


class PlanTransitionView(ObjectActionView):
    """Submit (DoIT), approve or return (a leader). Approval is refused while a Decree 32 Art 24.2
    conflict remains; the plan page lists them."""

    form_class = TransitionForm
    permission_required = "inspections.view_inspectionplan"

    def get_base_queryset(self):
        return InspectionPlan.objects.all()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["choices"] = PLAN_LIFECYCLE.choices(self.object.status)
        return kwargs

    def save(self, form):
        to = form.cleaned_data["to"]
        needed = (
            "inspections.submit_inspectionplan" if to == PlanStatus.SUBMITTED else "inspections.approve_inspectionplan"
        )
        if not self.request.user.has_perm(needed):
            raise ValidationError(_("You may not make this change."), code="permission")
        return services.plan_transition(
            plan=self.object,
            to=to,
            actor=self.request.user,
            effective_on=form.cleaned_data.get("date"),
            reason=form.cleaned_data.get("reason") or "",
            expected_version=form.cleaned_data.get("version"),
        )

    def get_success_url(self, saved=None):
        return _redirect_to(self.object)


# --- inspections ---------------------------------------------------------------------------------------


class InspectionListView(ObjectListView):
    template_name = "inspections/inspection_list.html"
    filterset_class = InspectionFilterSet
    table_class = InspectionTable
    permission_required = "inspections.view_inspection"
    paginate_by = 50
    export_name = gettext_lazy("inspections")

    def get_base_queryset(self):
        # the model's order (not yet inspected first, then newest), as PostgreSQL reads it, on every database
        return selectors.inspections().order_by(
            F("inspected_on").desc(nulls_first=True), F("planned_month").asc(nulls_last=True), "-id"
        )


class InspectionDetailView(ObjectDetailView):
    template_name = "inspections/inspection_detail.html"
    permission_required = "inspections.view_inspection"
    context_object_name = "inspection"

    def get_base_queryset(self):
        return selectors.inspections()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        inspection = self.object
        carried = list(self.scoped(selectors.carried_forward(inspection)))
        results = {f.violation_id: f for f in inspection.follow_ups.all()}
        context.update(
            findings=inspection.findings.select_related("item").prefetch_related("evidence"),
            violations=inspection.violations.all(),
            carried=[(v, results.get(v.pk)) for v in carried],
            answers={a.item_id: a for a in inspection.answers.all()},
            checklists=inspection.checklists.prefetch_related("items"),
            status_changes=inspection.status_changes.select_related("actor").order_by(*lifecycle.NEWEST_FIRST),
            transition_form=TransitionForm(
                choices=INSPECTION_LIFECYCLE.choices(inspection.status), initial={"version": inspection.version}
            ),
            follow_up_form=FollowUpForm(
                user=self.request.user,
                carried=selectors.violations().filter(pk__in=[v.pk for v in carried if v.pk not in results]),
            ),
            today=timezone.localdate(),
        )
        return context


class InspectionFormView(ObjectFormView):
    template_name = "inspections/form.html"
    form_class = InspectionForm
    model = Inspection
    add_permission = "inspections.add_inspection"
    change_permission = "inspections.change_inspection"
    success_message = gettext_lazy("Inspection saved.")

    def get_base_queryset(self):
        return Inspection.objects.all()

    def get_initial(self):
        initial = super().get_initial()
        for name in ("plan", "cluster"):
            value = self.request.GET.get(name)
            if value and value.isdigit() and len(value) < 19:
                initial[name] = int(value)
        topics = [t for t in self.request.GET.getlist("topics") if t in Topic.values]
        if topics:
            initial["topics"] = topics
        if "cluster" in initial:
            initial.setdefault("subject_kind", SubjectKind.CLUSTER)
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Edit the inspection") if self.object else _("New inspection")
        context["cancel_url"] = _redirect_to(self.object) if self.object else reverse("inspections:inspection_list")
        context["help"] = Inspection._meta.get_field("signs_of_violation").help_text
        return context

    def save(self, form):
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        topics, team = form.cleaned_data["topics"], form.cleaned_data["team"]
        if self.object:
            return services.inspection_update(
                inspection=self.object,
                data=data,
                topics=topics,
                team=team,
                actor=self.request.user,
                expected_version=form.cleaned_data.get("version"),
            )
        return services.inspection_create(data=data, topics=topics, team=team, actor=self.request.user)

    def get_success_url(self, saved=None):
        if saved is not None and saved.plan_id and not self.object:
            return _redirect_to(saved.plan)
        return _redirect_to(saved)


class InspectionTransitionView(ObjectActionView):
    form_class = TransitionForm
    permission_required = "inspections.change_inspection"

    def get_base_queryset(self):
        return Inspection.objects.all()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["choices"] = INSPECTION_LIFECYCLE.choices(self.object.status)
        return kwargs

    def save(self, form):
        return services.inspection_transition(
            inspection=self.object,
            to=form.cleaned_data["to"],
            actor=self.request.user,
            effective_on=form.cleaned_data.get("date"),
            reason=form.cleaned_data.get("reason") or "",
            expected_version=form.cleaned_data.get("version"),
        )

    def get_success_url(self, saved=None):
        return _redirect_to(self.object)


class _OnInspection(ObjectFormView):
    """A record added on an inspection (the URL's object): the form gets the inspection."""

    template_name = "inspections/form.html"
    object_required = True

    def get_base_queryset(self):
        return Inspection.objects.all()

    def get_permission_required(self):
        return [self.permission_required]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        kwargs["inspection"] = self.object
        return kwargs

    def get_form(self, form_class=None):
        form_class = form_class or self.get_form_class()
        return form_class(**self.get_form_kwargs())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"{self.title} — {self.object}"
        context["cancel_url"] = _redirect_to(self.object)
        context["multipart"] = True
        return context

    def get_success_url(self, saved=None):
        return _redirect_to(self.object)


class FindingCreateView(_OnInspection):
    form_class = FindingForm
    permission_required = "inspections.add_finding"
    success_message = gettext_lazy("Finding recorded.")
    title = gettext_lazy("New finding")

    def save(self, form):
        data = {name: form.cleaned_data[name] for name in FindingForm.Meta.fields if form.cleaned_data.get(name)}
        data.setdefault("topic", form.cleaned_data.get("topic"))
        finding = services.finding_create(inspection=self.object, data=data, actor=self.request.user)
        upload = form.cleaned_data.get("evidence")
        if upload:
            services.evidence_add(
                finding=finding,
                file=upload,
                caption=form.cleaned_data.get("caption") or "",
                latitude=finding.latitude,
                longitude=finding.longitude,
                taken_at=finding.observed_at,
                actor=self.request.user,
            )
        return finding


class ViolationCreateView(_OnInspection):
    form_class = ViolationForm
    permission_required = "inspections.add_violation"
    success_message = gettext_lazy("Violation recorded.")
    title = gettext_lazy("New violation")

    def save(self, form):
        data = {name: form.cleaned_data[name] for name in ViolationForm.Meta.fields}
        return services.violation_create(inspection=self.object, data=data, actor=self.request.user)


class _EditOnInspection(ObjectFormView):
    """Edit a finding or violation of an inspection: every field of the form is posted back as shown, so
    what the user did not change stays; its inspection, who recorded it and its status are not in the form
    (a violation's status moves only through follow-up results)."""

    template_name = "inspections/form.html"
    object_required = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"{self.title} — {self.object.inspection}"
        context["cancel_url"] = self.get_success_url(self.object)
        return context

    def data(self, form) -> dict:
        return {name: form.cleaned_data[name] for name in form.Meta.fields}


class FindingEditView(_EditOnInspection):
    form_class = FindingEditForm
    model = Finding
    change_permission = "inspections.change_finding"
    success_message = gettext_lazy("Finding saved.")
    title = gettext_lazy("Edit the finding")

    def get_base_queryset(self):
        return Finding.objects.select_related("inspection")

    def save(self, form):
        return services.finding_update(
            finding=self.object,
            data=self.data(form),
            actor=self.request.user,
            expected_version=form.cleaned_data.get("version"),
        )

    def get_success_url(self, saved=None):
        return _redirect_to(self.object.inspection)


class ViolationEditView(_EditOnInspection):
    form_class = ViolationForm
    model = Violation
    change_permission = "inspections.change_violation"
    success_message = gettext_lazy("Violation saved.")
    title = gettext_lazy("Edit the violation")

    def get_base_queryset(self):
        return selectors.violations()

    def save(self, form):
        return services.violation_update(
            violation=self.object,
            data=self.data(form),
            actor=self.request.user,
            expected_version=form.cleaned_data.get("version"),
        )

    def get_success_url(self, saved=None):
        return reverse("inspections:violation_detail", args=[self.object.pk])


class FollowUpView(ObjectActionView):
    """Record what this visit found about a violation carried forward (remedied, partly, not)."""

    form_class = FollowUpForm
    permission_required = "inspections.add_followup"

    def get_base_queryset(self):
        return Inspection.objects.all()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["carried"] = selectors.carried_forward(self.object)
        return kwargs

    def save(self, form):
        return services.follow_up_record(
            inspection=self.object,
            violation=form.cleaned_data["violation"],
            result=form.cleaned_data["result"],
            note=form.cleaned_data.get("note") or "",
            actor=self.request.user,
        )

    def get_success_url(self, saved=None):
        return _redirect_to(self.object)


class ChecklistView(ObjectActionView):
    """Answer the checklist items of the inspection's topics."""

    template_name = "inspections/checklist.html"
    form_class = ChecklistForm
    permission_required = "inspections.add_checklistanswer"
    success_message = gettext_lazy("Checklist saved.")

    def get_base_queryset(self):
        return Inspection.objects.all()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["inspection"] = self.object
        return kwargs

    def save(self, form):
        for item in form.items:
            answer = form.cleaned_data.get(f"item_{item.pk}")
            if answer:
                services.answer_set(
                    inspection=self.object,
                    item=item,
                    answer=answer,
                    note=form.cleaned_data.get(f"note_{item.pk}") or "",
                    actor=self.request.user,
                )
        return self.object

    def get_success_url(self, saved=None):
        return _redirect_to(self.object)


# --- the register and the reports ----------------------------------------------------------------------


def _flag(request, name) -> bool:
    return request.GET.get(name, "").lower() in ("1", "true", "on", "yes")


def _cluster_id(request) -> int | None:
    value = request.GET.get("cluster", "")
    return int(value) if value.isdigit() and len(value) < 19 else None


REGISTER_COLUMNS = [
    ("cluster", gettext_lazy("Cluster")),
    ("subject", gettext_lazy("Subject")),
    ("topic", gettext_lazy("Topic")),
    ("description", gettext_lazy("Violation")),
    ("legal_basis", gettext_lazy("Legal basis")),
    ("severity", gettext_lazy("Severity")),
    ("corrective_action", gettext_lazy("Corrective action")),
    ("responsible", gettext_lazy("Responsible party")),
    ("detected_on", gettext_lazy("Found on")),
    ("deadline", gettext_lazy("Deadline")),
    ("original", gettext_lazy("Original result")),
    ("follow_up", gettext_lazy("Follow-up result")),
    ("status_label", gettext_lazy("Status")),
]


def _download(request, name: str, header, rows, pdf_context: dict | None = None):
    fmt = request.GET.get("export")
    stamp = timezone.localdate().isoformat()
    filename = f"{'-'.join(fold(name).split())}-{stamp}"
    if fmt == "xlsx":
        body = xlsx_bytes(header, rows)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "csv":
        body, content_type = csv_text(header, rows).encode("utf-8-sig"), "text/csv; charset=utf-8"
    elif fmt == "pdf":
        import weasyprint  # imported here: it needs the system's Pango, and only this output uses it

        html = render_to_string("inspections/report_pdf.html", {**(pdf_context or {}), "header": header, "rows": rows})
        body, content_type = weasyprint.HTML(string=html).write_pdf(), "application/pdf"
    else:
        return None
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


class ViolationRegisterView(ScopedPageView):
    """Every violation the user may see, found on inspections or at the wastewater plants, with what the
    first visit found and what the latest follow-up found; open, overdue and by cluster."""

    template_name = "inspections/violation_register.html"
    permission_required = "inspections.view_violation"

    def rows(self):
        return selectors.register_rows(
            self.request.user,
            today=timezone.localdate(),
            open_only=_flag(self.request, "open"),
            overdue_only=_flag(self.request, "overdue"),
            cluster_id=_cluster_id(self.request),
            source=self.request.GET.get("source") or None,
        )

    def get(self, request, *args, **kwargs):
        if request.GET.get("export"):
            rows = self.rows()
            header = [str(label) for _key, label in REGISTER_COLUMNS]
            values = [[getattr(r, key) for key, _label in REGISTER_COLUMNS] for r in rows]
            response = _download(request, _("violations"), header, values, {"title": _("Register of violations")})
            if response is not None:
                return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = self.rows()
        context.update(
            rows=rows[:500],
            total=len(rows),
            open=_flag(self.request, "open"),
            overdue=_flag(self.request, "overdue"),
            query=self.request.GET.urlencode(),
        )
        return context


class ViolationDetailView(ObjectDetailView):
    template_name = "inspections/violation_detail.html"
    permission_required = "inspections.view_violation"
    context_object_name = "violation"

    def get_base_queryset(self):
        return selectors.violations()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            follow_ups=self.object.follow_ups.select_related("inspection"),
            status_changes=self.object.status_changes.select_related("actor").order_by(*lifecycle.NEWEST_FIRST),
            today=timezone.localdate(),
        )
        return context


class ReportView(ScopedPageView):
    """Inspection results by topic, province or commune (inspections done, violations found, open,
    overdue, remedied), as a page, XLSX or PDF."""

    template_name = "inspections/report.html"
    permission_required = "inspections.view_inspection"

    def figures(self):
        form = ReportForm(self.request.GET or None)
        by, year = "topic", None
        if form.is_bound and form.is_valid():
            by = form.cleaned_data.get("by") or "topic"
            year = form.cleaned_data.get("year")
        return form, by, year, selectors.results_by(self.request.user, dimension=by, year=year)

    def get(self, request, *args, **kwargs):
        if request.GET.get("export"):
            _form, by, year, rows = self.figures()
            header = [
                str(ReportForm.base_fields["by"].choices[["topic", "province", "commune"].index(by)][1]),
                _("Inspections done"),
                _("Violations"),
                _("Open"),
                _("Overdue"),
                _("Remedied"),
            ]
            values = [
                [r["label"], r["inspections"], r["violations"], r["open"], r["overdue"], r["remedied"]] for r in rows
            ]
            title = _("Inspection results")
            response = _download(request, str(title), header, values, {"title": title, "year": year})
            if response is not None:
                return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, by, year, rows = self.figures()
        context.update(form=form, by=by, year=year, rows=rows, query=self.request.GET.urlencode())
        return context
