"""Page links and sort links for every list: `{% load pages %}{% pagination page_obj %}`."""

from django import template

register = template.Library()


def query_without(request, *names) -> str:
    """The request's query string without the named parameters, ready to take `&name=value`."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@register.inclusion_tag("includes/pagination.html", takes_context=True)
def pagination(context, page_obj, param: str = "page"):
    """Links to the first, previous, nearby, next and last pages, keeping the filters."""
    request = context["request"]
    paginator = page_obj.paginator
    return {
        "page_obj": page_obj,
        "paginator": paginator,
        "param": param,
        "page_range": list(paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)),
        "ellipsis": paginator.ELLIPSIS,
        "base": query_without(request, param),
    }


@register.simple_tag
def sort_query(request, column: str, current: str = "", param: str = "ordering") -> str:
    """The query string that sorts by `column`, descending if the list is sorted ascending by it."""
    base = query_without(request, param, "page")
    value = f"-{column}" if current == column else column
    return f"{base}&{param}={value}" if base else f"{param}={value}"
