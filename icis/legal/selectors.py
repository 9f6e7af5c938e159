import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from icis.clusters.models import Cluster
from icis.geo.models import province_settings

from . import checks
from .choices import Outcome
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
        missing = _("Load the rules of the legal text in force.")
        return {
            "eligible": False,
            "outcome": Outcome.CANNOT_ASSESS,
            "rule_set": None,
            "on": day,
            "checks": [
                {
                    "rule": "-",
                    "citation": "",
                    "title": _("No rule set is in force on that date."),
                    "quote": "",
                    "passed": False,
                    "outcome": Outcome.CANNOT_ASSESS,
                    "detail": missing,
                    "missing": [missing],
                }
            ],
        }
    context = checks.Context(
        cluster=cluster,
        on=day,
        added_area_ha=added_area_ha,
        demand_ha=demand_ha,
        area_unit=province_settings(cluster.province_id).establishment_area_unit or rule_set.area_unit,
        action=action,
    )
    results = []
    for rule in rule_set.rules.all():
        if rule.action != action:
            continue
        result = checks.run(rule.check_name, context, rule.params)
        results.append(
            {
                "rule": rule.code,
                "citation": rule.citation,
                "title": rule.title,
                "quote": rule.quote,
                "passed": result.passed,
                "outcome": result.outcome,
                "detail": result.detail,
                "missing": result.missing,
            }
        )
    return {
        "eligible": bool(results) and all(r["passed"] for r in results),
        "outcome": overall(r["outcome"] for r in results),
        "rule_set": rule_set.code,
        "rule_set_title": rule_set.title,
        "rule_set_verified": rule_set.is_verified,
        "on": day,
        "checks": results,
    }


def overall(outcomes) -> str:
    """Failed when any gate fails; passed only when every gate passes; otherwise cannot be assessed."""
    outcomes = list(outcomes)
    if Outcome.FAILED in outcomes:
        return Outcome.FAILED
    if outcomes and all(o == Outcome.PASSED for o in outcomes):
        return Outcome.PASSED
    return Outcome.CANNOT_ASSESS
