"""What commendation shows on other apps' pages (icis.core.registry panels)."""

from urllib.parse import urlencode

from django.urls import reverse

from icis.core.text import fold

# How an annual plan words its commendation task ("khen thưởng tập thể, cá nhân có thành tích …").
TASK_WORDS = ("khen thuong", "thi dua")


def plan_task(request, task) -> dict | None:
    """On an annual plan's commendation task: a link to the yearly list of that plan's year and province."""
    if not any(words in fold(task.title) for words in TASK_WORDS):
        return None
    plan = task.plan
    query = urlencode({"year": plan.year, "province": plan.province_id})
    return {"url": f"{reverse('awards:yearly_list')}?{query}", "year": plan.year}
