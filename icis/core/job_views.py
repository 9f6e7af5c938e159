"""The page of one background job (status, progress bar, outcome, retry) and the JSON its bar polls.
A job is seen only by the user who started it (and superusers); anyone else gets 404."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from . import jobs
from .generic import ScopedMixin
from .models import Job

PROBLEMS_SHOWN = 200


class JobMixin(ScopedMixin):
    object_required = True

    def get_scoped_queryset(self):
        """A job's scope rule: the user who started it, and superusers."""
        queryset = Job.objects.defer("payload")
        return queryset if self.request.user.is_superuser else queryset.filter(created_by=self.request.user)

    def load_object(self):
        return jobs.sweep_if_stale(super().load_object())

    def get_job(self) -> Job:
        return self.object

    def back_url(self, job: Job) -> str:
        url = job.params.get("back_url") or ""
        return url if url_has_allowed_host_and_scheme(url, allowed_hosts=None) else ""


class JobDetailView(JobMixin, TemplateView):
    template_name = "core/job_detail.html"

    def get_context_data(self, **kwargs):
        job = self.get_job()
        return {
            **super().get_context_data(**kwargs),
            "job": job,
            "problems": job.problems[:PROBLEMS_SHOWN],
            "problems_hidden": max(len(job.problems) - PROBLEMS_SHOWN, 0),
            "back_url": self.back_url(job),
            "can_retry": job.status == Job.Status.FAILED
            and job.retryable
            and job.created_by_id == self.request.user.pk,
        }


class JobProgressView(JobMixin, View):
    """What the progress bar polls: {"status", "label", "progress", "running"}."""

    def get(self, request, pk):
        job = self.get_job()
        request.session.modified = False  # polling is not activity
        return JsonResponse(
            {
                "status": job.status,
                "label": str(job.get_status_display()),
                "progress": job.progress if job.is_running else 100,
                "running": job.is_running,
            },
            headers={"Cache-Control": "no-store"},
        )


class JobRetryView(JobMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        job = self.get_job()
        if job.created_by_id != request.user.pk or not jobs.retry(job):
            messages.error(
                request, _("This job is %(status)s; it cannot be retried.") % {"status": job.get_status_display()}
            )
        return redirect("core:job_detail", pk=job.pk)
