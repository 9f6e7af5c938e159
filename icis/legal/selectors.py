import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from icis.clusters.models import Cluster

from . import checks
from .models import RuleSet


def rule_set_on(day: datetime.date) -> RuleSet | None:
    """The rule set in force on `day`: the latest that took effect on or before it and has not ended."""
    return (
        RuleSet.objects.filter(effective_from__lte=day)
        .exclude(effective_to__lt=day)
        .prefetch_related("rules")
        .order_by("-effective_from")
        .first()
    )


def eligibility(
    cluster: Cluster,
    *,
    action: str,
    added_area_ha: Decimal | None = None,
    demand_ha: Decimal | None = None,
    on: datetime.date | None = None,
) -> dict:
    """Every gate of `action` for the cluster, each explained with its numbers, under the rule set in force."""
    day = on or timezone.localdate()
    rule_set = rule_set_on(day)
    if rule_set is None:
        return {
            "eligible": False,
            "rule_set": None,
            "on": day,
            "checks": [
                {
                    "rule": "-",
                    "title": _("No rule set is in force on that date."),
                    "passed": False,
                    "detail": _("Load the rules of the legal text in force."),
                }
            ],
        }
    context = checks.Context(
        cluster=cluster, on=day, added_area_ha=added_area_ha, demand_ha=demand_ha, area_unit=rule_set.area_unit
    )
    results = []
    for rule in rule_set.rules.all():
        if rule.action != action:
            continue
        passed, detail = checks.run(rule.check_name, context, rule.params)
        results.append({"rule": rule.code, "title": rule.title, "passed": passed, "detail": detail})
    return {
        "eligible": bool(results) and all(r["passed"] for r in results),
        "rule_set": rule_set.code,
        "rule_set_title": rule_set.title,
        "rule_set_verified": rule_set.is_verified,
        "on": day,
        "checks": results,
    }
