from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from icis.core import lifecycle
from icis.core.generic import ObjectActionView, ObjectFormView, ObjectListView
from icis.core.views import id_or_none

from . import selectors, services
from .calendar import WorkingCalendar
from .choices import OUTCOME_COLOURS, STEP_STATE_COLOURS, SelectionOutcome
from .filtersets import DossierFilterSet
from .forms import ApplicantForm, ChairForm, CloseForm, CompleteForm, DossierOpenForm, ScoresForm, StepForm
from .models import Applicant, Dossier
from .tables import DossierTable


def detail_url(pk) -> str:
    return reverse("dossiers:dossier_detail", args=[pk])


class DossierListView(ObjectListView):
    """Dossiers with where each stands; open ones by default, with their overdue steps."""

    template_name = "dossiers/dossier_list.html"
    filterset_class = DossierFilterSet
    table_class = DossierTable
    paginate_by = 50
    export_name = gettext_lazy("dossiers")

    def get_base_queryset(self):
        return selectors.dossier_list()

    def get_filterset(self, queryset):
        query = self.request.GET.copy()
        query.setdefault("open", "true")  # the page (and its export) show the open dossiers unless asked
        return self.filterset_class(query, queryset=queryset, request=self.request)

    def get_table(self, rows):
        return super().get_table(selectors.with_states(rows))

    def export_rows(self):
        values = self.table_class(selectors.with_states(self.object_list)).as_values()
        return next(values), list(values)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(state_colours=STEP_STATE_COLOURS, outcome_colours=OUTCOME_COLOURS)
        return context


class DossierOpenView(ObjectFormView):
    template_name = "dossiers/dossier_open.html"
    model = Dossier
    form_class = DossierOpenForm
    add_permission = "dossiers.add_dossier"
    success_message = gettext_lazy("Dossier opened.")

    def get_initial(self):
        return {"cluster": self.request.GET.get("cluster"), "kind": self.request.GET.get("kind", "establish")}

    def save(self, form):
        data = form.cleaned_data
        return services.dossier_open(
            cluster=data["cluster"],
            kind=data["kind"],
            expansion=data["expansion"],
            opened_on=data["opened_on"],
            note=data["note"],
            actor=self.request.user,
        )

    def get_success_url(self, saved=None):
        return detail_url(saved.pk)


class DossierDetailView(ObjectActionView):
    """The dossier's ladder with deadlines, the form to record the next step, applicants and the result.

    Each form posts here with an `action` (one service call each); a refusal comes back on its form."""

    template_name = "dossiers/dossier_detail.html"
    scope_action = "view"
    context_object_name = "dossier"
    ACTIONS = {
        "step": "dossiers.add_dossierstep",
        "applicant": "dossiers.add_applicant",
        "chair": "dossiers.change_dossier",
        "complete": "dossiers.change_dossier",
        "close": "dossiers.change_dossier",
    }
    FORMS = {
        "step": StepForm,
        "applicant": ApplicantForm,
        "chair": ChairForm,
        "complete": CompleteForm,
        "close": CloseForm,
    }

    def get_base_queryset(self):
        return selectors.dossier_detail()

    @property
    def action(self):
        action = self.request.POST.get("action") if self.request.method == "POST" else None
        return action if action in self.ACTIONS else None

    def get_permission_required(self):
        return [self.ACTIONS[self.action]] if self.action else []

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        if self.action is None:
            return redirect(detail_url(self.object.pk))
        self._load()
        return super().post(request, *args, **kwargs)

    def _load(self):
        self.calendar = WorkingCalendar.from_db()
        self.state = selectors.dossier_state(self.object, calendar=self.calendar)
        self.selection = selectors.selection_result(self.object)

    def _kwargs(self, action):
        dossier, user = self.object, self.request.user
        return {
            "step": {"dossier": dossier, "user": user, "heads": selectors.head_records(dossier)},
            "applicant": {"scheme": selectors.scheme_in_force(dossier.opened_on), "user": user},
            "chair": {"tied": self.selection["tied"], "dossier": dossier, "user": user},
        }.get(action, {})

    def get_form_class(self):
        return self.FORMS[self.action]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), **self._kwargs(self.action)}

    def _forms(self, bound=None):
        dossier = self.object
        heads = selectors.head_records(dossier)
        amend = id_or_none(self.request.GET.get("amend"))
        step_initial = {"step": self.state.next.number if self.state.next else None}
        if amend is not None:
            record = next((r for r in heads.values() if r.pk == amend), None)
            if record is not None:
                step_initial = {"step": record.step, "amends": record.pk}
        initial = {
            "step": step_initial,
            "complete": {"complete_on": dossier.complete_on, "version": dossier.version},
        }
        forms = {name: form(initial=initial.get(name), **self._kwargs(name)) for name, form in self.FORMS.items()}
        if bound is not None:
            forms[self.action] = bound
        return forms

    def get_context_data(self, **kwargs):
        if not hasattr(self, "state"):
            self._load()
        bound = kwargs.pop("form", None)
        context = super().get_context_data(form=bound, **kwargs)  # the page has one form per action
        context.update(
            cluster=self.object.cluster,
            state=self.state,
            selection=self.selection,
            forms=self._forms(bound),
            open_form=self.action if bound is not None else None,
            state_colours=STEP_STATE_COLOURS,
            outcome_colours=OUTCOME_COLOURS,
            TIE=SelectionOutcome.TIE,
            scheme=selectors.scheme_in_force(self.object.opened_on),
            status_changes=self.object.status_changes.select_related("document", "actor").order_by(
                *lifecycle.NEWEST_FIRST
            ),
        )
        return context

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except PermissionDenied as denied:
            form.add_error(None, str(denied) or _("Your role may not do this."))
            return self.form_invalid(form, status=403)

    def form_invalid(self, form, status=200):
        self.object = self.load_object()  # as stored: nothing of the refused action was written
        self._load()
        return self.render_to_response(self.get_context_data(form=form), status=status)

    def apply_service_errors(self, form, error):
        if self.action == "step":
            error = _rename(error, StepForm.ERROR_FIELDS)
        super().apply_service_errors(form, error)

    def save(self, form):
        self.message = getattr(self, f"_{self.action}")(form)
        return self.object

    def get_success_message(self, saved):
        return self.message

    def get_success_url(self, saved=None):
        return detail_url(self.object.pk)

    def _step(self, form):
        data = form.cleaned_data
        amends = None
        if data.get("amends"):
            amends = next((r for r in self.object.steps.all() if r.pk == data["amends"]), None)
            if amends is None:
                raise ValidationError({"amends": _("No such record in this dossier.")})
        record = services.dossier_step_record(
            dossier=self.object,
            step=data["step"],
            document=data.get("document"),
            new_document=form.new_document(),
            on=data.get("date"),
            amends=amends,
            skip_reason=data.get("skip_reason", ""),
            note=data.get("note", ""),
            actor=self.request.user,
        )
        return _("Step %(step)s recorded with %(number)s.") % {"step": record.step, "number": record.document.number}

    def _applicant(self, form):
        data = form.cleaned_data
        services.applicant_add(
            dossier=self.object,
            organisation=data["organisation"],
            scores=form.scores(),
            note=data.get("note", ""),
            actor=self.request.user,
        )
        return _("Applicant recorded.")

    def _chair(self, form):
        data = form.cleaned_data
        applicant = next(a for a in self.object.applicants.all() if a.pk == data["applicant"])
        services.dossier_chair_decide(
            dossier=self.object,
            applicant=applicant,
            note=data["note"],
            document=data.get("document"),
            actor=self.request.user,
        )
        return _("The chair's decision is recorded.")

    def _complete(self, form):
        services.dossier_update(
            dossier=self.object,
            complete_on=form.cleaned_data["complete_on"],
            expected_version=form.cleaned_data.get("version"),
            actor=self.request.user,
        )
        return _("Complete-dossier date saved.")

    def _close(self, form):
        data = form.cleaned_data
        services.dossier_close(
            dossier=self.object, outcome=data["outcome"], on=data["date"], note=data["note"], actor=self.request.user
        )
        return _("Dossier closed.")


def _rename(error: ValidationError, names: dict) -> ValidationError:
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError({names.get(field, field): errors for field, errors in error.error_dict.items()})


class ApplicantScoreView(ObjectFormView):
    """The council's four scores of one applicant."""

    template_name = "dossiers/applicant_form.html"
    queryset = Applicant.objects.select_related("dossier__cluster", "organisation", "scheme")
    object_required = True
    form_class = ScoresForm
    change_permission = "dossiers.change_applicant"
    context_object_name = "applicant"
    success_message = gettext_lazy("Scores saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scheme": self.object.scheme}

    def get_initial(self):
        applicant = self.object
        return {
            **{f"{f}_score": getattr(applicant, f"{f}_score") for f in Applicant.SCORE_FIELDS},
            "note": applicant.note,
            "version": applicant.version,
        }

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "dossier": self.object.dossier}

    def save(self, form):
        return services.applicant_score(
            applicant=self.object,
            scores=form.scores(),
            note=form.cleaned_data.get("note", ""),
            expected_version=form.cleaned_data.get("version"),
            actor=self.request.user,
        )

    def get_success_url(self, saved=None):
        return detail_url(self.object.dossier_id)
