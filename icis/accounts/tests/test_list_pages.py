"""Every list page built on the generic list view (found through the URL configuration, so a new list is
covered the day it is added): page links when there are more rows than one page, and exports that hold
every in-scope row and no out-of-scope one, for a city-wide user and a commune official."""

import csv
import io

import pytest
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver
from openpyxl import load_workbook

from icis.core.generic import ObjectListView


def list_views():
    found = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                view_class = getattr(pattern.callback, "view_class", None)
                route = prefix + str(pattern.pattern)
                if view_class and issubclass(view_class, ObjectListView) and "<" not in route:
                    found.append(("/" + route.lstrip("^").rstrip("$"), view_class))

    walk(get_resolver().url_patterns)
    return found


LISTS = list_views()


def test_the_list_pages_are_found():
    paths = {path for path, _view in LISTS}
    assert {"/clusters/", "/tenancy/projects/", "/tenancy/reports/"} <= paths


def scoped_count(view_class, user) -> int:
    """What the base class lets `user` see of the list, unfiltered."""
    view = view_class()
    view.setup(RequestFactory().get("/"), **{})
    view.request.user = user
    return view.get_scoped_queryset().count()


def csv_rows(response) -> int:
    return len(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))) - 1


def xlsx_rows(response) -> int:
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return sum(1 for _row in sheet.iter_rows(values_only=True)) - 1


@pytest.mark.parametrize("path,view_class", LISTS, ids=[path for path, _view in LISTS])
@pytest.mark.parametrize("persona", ["boss", "commune_official"])
def test_list_page_links_and_exports_follow_the_scope(client, linked, boss, monkeypatch, path, view_class, persona):
    user = boss if persona == "boss" else linked["users"]["commune-official"]
    client.force_login(user)
    monkeypatch.setattr(view_class, "paginate_by", 1)
    response = client.get(path)
    if response.status_code == 403:
        pytest.skip(f"{persona} may not open {path}")
    assert response.status_code == 200
    visible = scoped_count(view_class, user)
    html = response.content.decode()
    if visible > 1:
        assert 'class="pagination' in html and "page=2" in html
        assert client.get(path, {"page": visible}).status_code == 200
    else:
        assert "page=2" not in html
    if view_class.export_name is None:
        return
    assert csv_rows(client.get(path, {"export": "csv"})) == visible
    assert xlsx_rows(client.get(path, {"export": "xlsx"})) == visible


def test_a_commune_official_sees_fewer_rows_than_the_city(linked, boss):
    official = linked["users"]["commune-official"]
    for path, view_class in LISTS:
        if path in ("/clusters/", "/tenancy/projects/"):
            assert 0 < scoped_count(view_class, official) < scoped_count(view_class, boss), path
