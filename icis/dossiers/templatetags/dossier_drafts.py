from django import template

from .. import ladder
from ..drafts import steps_with_templates

register = template.Library()


@register.simple_tag
def draft_steps(dossier, current_step=None):
    """The steps with a draft template, each marked allowed (not yet passed) or not."""
    if current_step is None:
        state = getattr(dossier, "state", None)
        current_step = state.current_step if state is not None else 0
    return [
        {"number": n, "title": ladder.step(n).title, "allowed": dossier.is_open and n > current_step}
        for n in steps_with_templates()
    ]
