"""What needs attention in the annual plans: tasks past their deadline and not done."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from icis.core import formats
from icis.core.attention import Item
from icis.core.scoping import reaches_home_province

from .choices import TaskStatus
from .models import Task


def items(user, today):
    """Overdue tasks for whoever oversees the whole area, or for the organisations leading or
    coordinating them."""
    tasks = Task.objects.restrict(user).filter(due_on__lt=today).exclude(status=TaskStatus.DONE)
    if not reaches_home_province(user):
        if not user.organisation_id:
            return
        org = user.organisation_id
        tasks = tasks.filter(Q(lead_organisation_id=org) | Q(coordinating_organisations__id=org)).distinct()
    for task in tasks.select_related("plan", "lead_organisation").order_by("due_on", "id"):
        yield Item(
            "task_overdue",
            _("Plan task past its deadline"),
            task.title if len(task.title) <= 120 else task.title[:119] + "…",
            _("%(plan)s; deadline %(date)s; status: %(status)s.")
            % {"plan": task.plan.title, "date": formats.date(task.due_on), "status": task.get_status_display()},
            reverse("planning:task_detail", args=[task.pk]),
            task.due_on,
            1,
        )
