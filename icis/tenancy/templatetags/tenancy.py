from django import template

from icis.tenancy import periods, report_forms, selectors

register = template.Library()


@register.filter
def sent_late(submission) -> bool:
    """A Form 01/02 sent on or after the day Circular 14 names after "trước ngày" (before)."""
    return bool(selectors.sent_late(submission))


@register.filter
def deadline(period, form: str):
    """The day Circular 14 names after "trước ngày" for `form` in `period`."""
    return period.deadline(form)


@register.inclusion_tag("tenancy/_form_wording.html")
def form_wording(submission):
    """The head of a Form 01/02 as Circular 14 Appendix I words it, with this period's deadline."""
    period = periods.parse(submission.period)
    return {"text": report_forms.TEXTS[submission.form], "deadline": period.deadline_text(submission.form)}
