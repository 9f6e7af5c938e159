from .models import DevelopmentPlan


def current_plan(province_code: str) -> DevelopmentPlan | None:
    return (
        DevelopmentPlan.objects.select_related("document")
        .prefetch_related("sources")
        .filter(province_id=province_code, is_current=True)
        .first()
    )
