from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from icis.core.forms import apply_errors
from icis.core.views import FilteredListView, ScopedObjectMixin, id_or_none

from . import selectors, services
from .calendar import WorkingCalendar
from .choices import OUTCOME_COLOURS, STEP_STATE_COLOURS, SelectionOutcome
from .filtersets import DossierFilterSet
from .forms import ApplicantForm, ChairForm, CloseForm, CompleteForm, DossierOpenForm, ScoresForm, StepForm
from .models import Applicant


class DossierListView(LoginRequiredMixin, FilteredListView):
    """Dossiers with where each stands; open ones by default, with their overdue steps."""

    template_name = "dossiers/dossier_list.html"
    filterset_class = DossierFilterSet
    paginate_by = 50

    def get_base_queryset(self):
        return selectors.dossier_list().restrict(self.request.user)

    def get_queryset(self):
        query = self.request.GET.copy()
        query.setdefault("open", "true")
        self.filterset = self.filterset_class(query, queryset=self.get_base_queryset())
        if not self.filterset.is_valid():
            return self.get_base_queryset().none()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["dossiers"] = selectors.with_states(context["object_list"])
        context.update(state_colours=STEP_STATE_COLOURS, outcome_colours=OUTCOME_COLOURS)
        return context


class DossierOpenView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    template_name = "dossiers/dossier_open.html"
    form_class = DossierOpenForm
    permission_required = "dossiers.add_dossier"

    def get_initial(self):
        return {"cluster": self.request.GET.get("cluster"), "kind": self.request.GET.get("kind", "establish")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            dossier = services.dossier_open(
                cluster=data["cluster"],
                kind=data["kind"],
                expansion=data["expansion"],
                opened_on=data["opened_on"],
                note=data["note"],
                actor=self.request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Dossier opened."))
        return redirect("dossiers:dossier_detail", pk=dossier.pk)


class DossierDetailView(LoginRequiredMixin, ScopedObjectMixin, TemplateView):
    """The dossier's ladder with deadlines, the form to record the next step, applicants and the result.

    Each form posts here with an `action`; the services decide, a refusal comes back on the form."""

    template_name = "dossiers/dossier_detail.html"
    ACTIONS = {
        "step": "dossiers.add_dossierstep",
        "applicant": "dossiers.add_applicant",
        "chair": "dossiers.change_dossier",
        "complete": "dossiers.change_dossier",
        "close": "dossiers.change_dossier",
    }

    def get_scoped_queryset(self):
        return selectors.dossier_detail()

    def _forms(self, bound=None, data=None):
        dossier, user = self.object, self.request.user
        heads = selectors.head_records(dossier)
        state = self.state
        amend = id_or_none(self.request.GET.get("amend"))
        step_initial = {"step": state.next.number if state.next else None}
        if amend is not None:
            record = next((r for r in heads.values() if r.pk == amend), None)
            if record is not None:
                step_initial = {"step": record.step, "amends": record.pk}
        tied = self.selection["tied"]
        forms = {
            "step": StepForm(initial=step_initial, dossier=dossier, user=user, heads=heads),
            "applicant": ApplicantForm(scheme=selectors.scheme_in_force(dossier.opened_on), user=user),
            "chair": ChairForm(tied=tied, dossier=dossier, user=user),
            "complete": CompleteForm(initial={"complete_on": dossier.complete_on, "version": dossier.version}),
            "close": CloseForm(),
        }
        if bound:
            kwargs = {
                "step": {"dossier": dossier, "user": user, "heads": heads},
                "applicant": {"scheme": selectors.scheme_in_force(dossier.opened_on), "user": user},
                "chair": {"tied": tied, "dossier": dossier, "user": user},
            }.get(bound, {})
            forms[bound] = type(forms[bound])(data, **kwargs)
        return forms

    def _load(self):
        self.calendar = WorkingCalendar.from_db()
        self.state = selectors.dossier_state(self.object, calendar=self.calendar)
        self.selection = selectors.selection_result(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not hasattr(self, "state"):
            self._load()
        forms = kwargs.get("forms") or self._forms()
        context.update(
            dossier=self.object,
            cluster=self.object.cluster,
            state=self.state,
            selection=self.selection,
            forms=forms,
            state_colours=STEP_STATE_COLOURS,
            outcome_colours=OUTCOME_COLOURS,
            TIE=SelectionOutcome.TIE,
            scheme=selectors.scheme_in_force(self.object.opened_on),
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action not in self.ACTIONS:
            return redirect("dossiers:dossier_detail", pk=self.object.pk)
        if not request.user.has_perm(self.ACTIONS[action]):
            raise PermissionDenied
        self._load()
        forms = self._forms(bound=action, data=request.POST)
        form = forms[action]
        status = 200
        if form.is_valid():
            try:
                message = getattr(self, f"_{action}")(form)
            except ValidationError as error:
                if action == "step":
                    error = _rename(error, StepForm.ERROR_FIELDS)
                apply_errors(form, error)
            except PermissionDenied as denied:
                form.add_error(None, str(denied) or _("Your role may not do this."))
                status = 403
            else:
                messages.success(request, message)
                return redirect("dossiers:dossier_detail", pk=self.object.pk)
        self.object = get_object_or_404(self.get_scoped_queryset(), pk=self.object.pk)
        self._load()
        return self.render_to_response(self.get_context_data(forms=forms, open_form=action), status=status)

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


class ApplicantScoreView(LoginRequiredMixin, ScopedObjectMixin, PermissionRequiredMixin, FormView):
    """The council's four scores of one applicant."""

    template_name = "dossiers/applicant_form.html"
    form_class = ScoresForm
    permission_required = "dossiers.change_applicant"
    scope_action = "change"

    def get_scoped_queryset(self):
        return Applicant.objects.select_related("dossier__cluster", "organisation", "scheme")

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
        return {**super().get_context_data(**kwargs), "applicant": self.object, "dossier": self.object.dossier}

    def form_valid(self, form):
        try:
            services.applicant_score(
                applicant=self.object,
                scores=form.scores(),
                note=form.cleaned_data.get("note", ""),
                expected_version=form.cleaned_data.get("version"),
                actor=self.request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Scores saved."))
        return redirect("dossiers:dossier_detail", pk=self.object.dossier_id)
