"""Plan tasks followed: the lead organisation records status, progress, evidence and date; the
coordinating organisations see theirs."""

from django import forms
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from icis.core.forms import DATE_WIDGET, ScopedChoicesMixin
from icis.core.generic import ObjectActionView, ObjectDetailView, ScopedMixin
from icis.documents.models import Document

from . import services
from .models import Task


def _tasks():
    return Task.objects.select_related("plan", "lead_organisation").prefetch_related("coordinating_organisations")


class TaskProgressForm(ScopedChoicesMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(s.value, s.label) for s in services.RECORDABLE_TASK_STATUSES],
    )
    on = forms.DateField(label=_("As of"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.ModelChoiceField(queryset=Document.objects.all(), required=False, label=_("Evidence (document)"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, task, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
        self.fields["version"].initial = task.version
        if task.status in dict(self.fields["status"].choices):
            self.fields["status"].initial = task.status


class TaskDetailView(ObjectDetailView):
    template_name = "planning/task_detail.html"
    context_object_name = "task"

    def get_base_queryset(self):
        return _tasks()

    def get_context_data(self, **kwargs):
        task = self.object
        context = super().get_context_data(**kwargs)
        context.update(
            updates=task.updates.select_related("evidence", "actor"),
            may_record=services.may_record_task(self.request.user, task),
            overdue=task.is_overdue(timezone.localdate()),
        )
        if context["may_record"]:
            context["form"] = TaskProgressForm(task=task, user=self.request.user)
        return context


class TaskRecordView(ObjectActionView):
    """POST the progress form; refusals come back on the form's fields."""

    template_name = "planning/task_detail.html"
    form_class = TaskProgressForm
    context_object_name = "task"
    scope_action = "view"  # who records is the lead organisation (checked by the service)

    def get_base_queryset(self):
        return _tasks()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "task": self.object}

    def get_context_data(self, **kwargs):
        task = self.object
        return {
            **super().get_context_data(**kwargs),
            "updates": task.updates.select_related("evidence", "actor"),
            "may_record": services.may_record_task(self.request.user, task),
            "overdue": task.is_overdue(timezone.localdate()),
        }

    def save(self, form):
        data = form.cleaned_data
        services.task_record(
            task=self.object,
            status=data["status"],
            on=data["on"],
            note=data["note"],
            evidence=data["evidence"],
            actor=self.request.user,
            expected_version=data.get("version"),
        )
        return self.object

    def get_success_message(self, saved):
        return str(_("Progress recorded."))

    def get_success_url(self, saved=None):
        return reverse("planning:task_detail", args=[self.object.pk])


class MyTasksView(ScopedMixin, ListView):
    """The tasks my organisation leads or coordinates, overdue ones first."""

    template_name = "planning/my_tasks.html"
    context_object_name = "tasks"

    def get_base_queryset(self):
        return _tasks()

    def get_queryset(self):
        organisation = self.request.user.organisation_id
        if organisation is None:
            return Task.objects.none()
        mine = Q(lead_organisation_id=organisation) | Q(coordinating_organisations__id=organisation)
        # tasks without a deadline after the others on every database (SQLite would put NULLs first)
        return self.get_scoped_queryset().filter(mine).distinct().order_by(F("due_on").asc(nulls_last=True), "id")

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        context = super().get_context_data(**kwargs)
        for task in context["tasks"]:
            task.overdue_now = task.is_overdue(today)
        return context
