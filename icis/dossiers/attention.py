"""What needs attention in the establishment procedure: steps past their deadline, and deadlines
falling within the coming week."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from icis.core import formats
from icis.core.attention import Item

from .selectors import dossier_list, with_states

WEEK = datetime.timedelta(days=7)


def items(user, today):
    if not user.has_perm("dossiers.view_dossier"):
        return
    # the open dossiers first: without any, the calendar and the procedure versions are not read
    dossiers = list(dossier_list().restrict(user).filter(outcome=""))
    if not dossiers:
        return
    for dossier in with_states(dossiers, today=today):
        url = reverse("dossiers:dossier_detail", args=[dossier.pk])
        title = f"{dossier.cluster.name}: {dossier.get_kind_display()}"
        for rung in dossier.state.overdue:
            yield Item(
                "dossier_overdue",
                _("Procedure step overdue"),
                title,
                _("Step %(number)s (%(step)s) was due %(date)s.")
                % {"number": rung.number, "step": rung.step.title, "date": formats.date(rung.due) if rung.due else "—"},
                url,
                rung.due,
                1,
            )
        following = dossier.state.next
        if following and following.due and today <= following.due <= today + WEEK and following.state != "overdue":
            yield Item(
                "dossier_due_soon",
                _("Procedure deadline this week"),
                title,
                _("Step %(number)s (%(step)s) is due %(date)s.")
                % {"number": following.number, "step": following.step.title, "date": formats.date(following.due)},
                url,
                following.due,
                2,
            )
