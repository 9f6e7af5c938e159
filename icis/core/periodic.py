"""Daily jobs: the smallest scheduler that runs where the jobs already run.

An app registers a job handler (`@jobs.handler`) to run once a day from a local time on
(`register("portal-refresh", "icis.portal.jobs.refresh_job", at=datetime.time(1, 0), label=...)`, from its
`AppConfig.ready()`). Every worker (`manage.py jobs_worker`) calls `run_due()` when it starts and each
time its sweeper wakes (every ICIS_JOB_STALE_SECONDS / 3 seconds): a daily job whose time has come and
that was not queued today is claimed by a conditional update of its `DailyRun` row (one worker wins, the
others see it taken) and queued as an ordinary job (`jobs.enqueue`: its outcome on the job page, a
failure retryable). A day the workers were down is caught up once when they come back; missed days are
not replayed one by one (each daily job computes "as of today"). See docs/jobs.md.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from . import jobs
from .models import DailyRun, Job


@dataclass(frozen=True)
class Daily:
    name: str
    handler: str
    at: datetime.time
    label: str  # a msgid, translated in the site's language when queued


_registry: dict[str, Daily] = {}


def register(name: str, handler: str, *, at: datetime.time, label: str) -> None:
    jobs._resolve(handler)  # a typo fails at start, not at 1 a.m.
    _registry[name] = Daily(name, handler, at, label)


def registered() -> list[Daily]:
    return sorted(_registry.values(), key=lambda d: (d.at, d.name))


def run_due(now: datetime.datetime | None = None) -> list[Job]:
    """Queue every daily job due at `now` (default: now) and not yet queued today; returns the jobs queued.
    Nothing when ICIS_DAILY_JOBS is off."""
    if not settings.ICIS_DAILY_JOBS:
        return []
    local = timezone.localtime(now or timezone.now())
    today = local.date()
    queued = []
    for daily in registered():
        if local.time() < daily.at:
            continue
        with transaction.atomic():
            DailyRun.objects.get_or_create(name=daily.name)
            claimed = (
                DailyRun.objects.filter(name=daily.name)
                .filter(Q(last_day__isnull=True) | Q(last_day__lt=today))
                .update(last_day=today)
            )
            if not claimed:
                continue
            with translation.override(settings.LANGUAGE_CODE):
                from django.utils.translation import gettext

                job = jobs.enqueue(
                    daily.handler, label=gettext(daily.label), params={"day": today.isoformat(), "daily": daily.name}
                )
            DailyRun.objects.filter(name=daily.name).update(last_job=job)
            queued.append(job)
    return queued
