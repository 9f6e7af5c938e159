"""What needs attention in construction: stalled and not-started clusters, overdue obstacles and
progress figures gone stale."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from icis.core import formats
from icis.core.attention import Item

from .choices import Flag, ObstacleStatus
from .models import Obstacle
from .selectors import construction_board


def items(user, today):
    if not user.has_perm("construction.view_progressreport"):
        return
    for row in construction_board(user=user, today=today):
        url = reverse("construction:cluster_progress", args=[row.cluster.pk])
        for note in row.flags:
            if note.flag == Flag.STALLED:
                since = row.latest.on if row.latest else row.started_on
                yield Item("stalled", _("Stalled"), row.cluster.name, note.reason, url, since, 1)
            elif note.flag == Flag.NOT_STARTED:
                yield Item("not_started", _("Not started"), row.cluster.name, note.reason, url, row.established_on, 1)
        if row.freshness and row.freshness.stale and row.latest:
            yield Item(
                "stale",
                _("Figures gone stale"),
                row.cluster.name,
                _("No accepted progress report for more than %(days)s days.") % {"days": settings.ICIS_STALE_DAYS},
                url,
                row.latest.on,
                3,
            )
    overdue = (
        Obstacle.objects.restrict(user)
        .filter(due_on__lt=today)
        .exclude(status=ObstacleStatus.RESOLVED)
        .select_related("cluster", "responsible_organisation")
        .order_by("due_on")
    )
    for obstacle in overdue:
        yield Item(
            "obstacle_overdue",
            _("Obstacle past its due date"),
            f"{obstacle.cluster.name}: {obstacle.get_category_display()}",
            _("Due %(date)s; responsible: %(who)s.")
            % {"date": formats.date(obstacle.due_on), "who": obstacle.responsible or "—"},
            reverse("construction:obstacle_edit", args=[obstacle.pk]),
            obstacle.due_on,
            1,
        )
