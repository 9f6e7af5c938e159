"""Walk a list page as a user does: follow every page link, and read its exports back.

For tests of list pages: which rows can a user reach through the page links, and which rows does the
filtered export of the same list hold. Rows are recognised by a marker (a regular expression matching
a text that is unique to each row, such as a generated name)."""

import csv
import html
import io
import re
from urllib.parse import parse_qs, urlencode, urlsplit

PAGE_LINK = re.compile(r'href="([^"]*[?&](?:amp;)?page=\d+[^"]*)"')
EXPORT_PARAMETER = "export"  # ?export=csv / ?export=xlsx on every list page


def page_links(content: str) -> list[str]:
    """The hrefs of a page's pagination links, unescaped, in the order they appear."""
    return [html.unescape(href) for href in PAGE_LINK.findall(content)]


def _absolute(url: str, href: str) -> str:
    if href.startswith("?"):
        return url.split("?")[0] + href
    return href


def walk_pages(client, url: str, params: dict, marker: str):
    """Fetch `url` with `params`, then every page reachable through its page links (and theirs).

    Returns (the markers found, once per page they appear on; the URL of each page visited). Every link
    must keep the filter: a page link that drops or changes a filter parameter fails the test."""
    pattern = re.compile(marker)
    first = url + "?" + urlencode(params, doseq=True)
    to_visit, seen, found, visited = [first], set(), [], []
    while to_visit:
        target = to_visit.pop(0)
        query = parse_qs(urlsplit(target).query)
        page = query.get("page", ["1"])[0]
        if page in seen:
            continue
        seen.add(page)
        for key, values in params.items():
            wanted = [str(v) for v in (values if isinstance(values, list | tuple) else [values])]
            assert query.get(key) == wanted, f"the link {target!r} lost the filter {key}={wanted}"
        response = client.get(target)
        assert response.status_code == 200, (target, response.status_code)
        content = response.content.decode()
        found.extend(sorted(set(pattern.findall(content))))  # each row once per page
        visited.append(target)
        to_visit.extend(_absolute(url, href) for href in page_links(content))
    return found, visited


def export_rows(client, url: str, params: dict, kind: str) -> list[list[str]]:
    """The rows (header first) of the list's export in `kind` ("csv" or "xlsx"), with the same filter."""
    response = client.get(url, {**params, EXPORT_PARAMETER: kind})
    assert response.status_code == 200, (kind, response.status_code)
    assert "attachment" in response["Content-Disposition"]
    if kind == "csv":
        assert response["Content-Type"].startswith("text/csv")
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    from openpyxl import load_workbook

    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    return [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]


def exported_markers(rows: list[list[str]], marker: str) -> list[str]:
    """The markers of an export's data rows: exactly one per row (a row without one fails the test)."""
    pattern = re.compile(marker)
    found = []
    for row in rows[1:]:
        markers = {m for cell in row for m in pattern.findall(cell)}
        assert len(markers) == 1, f"an exported row with {len(markers)} markers: {row}"
        found.extend(markers)
    return found
