"""Where construction's retired site-visit pages send their users (registered in apps.py on
`icis.core.registry.moved`): the site visits of wave 1 are inspections of the topic construction.

Each target looks the old record up in the user's scope *here*: what a user does not reach among the
inspections answers 404 on the old page too, so a redirect never shows more than the new page would."""

from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse

from icis.clusters.models import Cluster
from icis.construction.models import VisitPhoto

from .choices import Topic
from .models import Evidence, Inspection, InspectionPlan


def visit_plans(request) -> str:
    return reverse("inspections:plan_list")


def visit_plan(request, pk) -> str | None:
    """The inspection plan copied from construction's visit plan `pk` (migrations 0003 and 0005)."""
    plan = InspectionPlan.objects.restrict(request.user).filter(source=f"construction.VisitPlan:{pk}").first()
    return reverse("inspections:plan_detail", args=[plan.pk]) if plan else None


def visit_add(request, pk) -> str | None:
    """A new inspection of cluster `pk`, topic construction; with `?visit=<planned visit>`, the inspection
    that planned visit became (its findings are recorded there)."""
    if not Cluster.objects.restrict(request.user).filter(pk=pk).exists():
        return None
    visit = request.GET.get("visit", "")
    if visit.isdigit() and len(visit) < 19:
        source = f"construction.PlannedVisit:{visit}"
        planned = (
            Inspection.objects.restrict(request.user)
            .filter(Q(source=source) | Q(source__startswith=f"{source};"), cluster_id=pk)
            .first()
        )
        if planned is not None:
            return reverse("inspections:inspection_detail", args=[planned.pk])
    query = urlencode({"cluster": pk, "topics": Topic.CONSTRUCTION})
    return f"{reverse('inspections:inspection_add')}?{query}"


def visit_photo(request, pk) -> str | None:
    """The evidence copied from site photo `pk`: the same stored file, served to those who reach it."""
    photo = VisitPhoto.objects.filter(pk=pk).only("file").first()
    if photo is None or not photo.file.name:
        return None
    evidence = Evidence.objects.restrict(request.user).filter(file=photo.file.name).first()
    return evidence.file.url if evidence else None
