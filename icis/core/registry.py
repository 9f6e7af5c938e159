"""Registries that the apps fill from their `AppConfig.ready()`.

A lower layer shows and grants what the apps above it contribute without naming them: the cluster
page renders the panels and tabs registered for the page "cluster", the navigation bar the menu
entries, and the role groups get the permissions each app grants them. NetBox's template extensions
and navigation menu are the model.

    # icis/<app>/apps.py
    def ready(self):
        from icis.core.registry import Panel, panels
        from . import panels as app_panels

        panels.register("cluster", Panel("tenancy", "tenancy/_cluster_panel.html", app_panels.cluster, slot="side"))

The registries hold plain declarations; they import nothing from the apps.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe


def _allowed(user, permissions: tuple[str, ...], *, staff_only: bool = False) -> bool:
    """A user may see an entry if they hold any one of its permissions (or it names none)."""
    if user is None or not user.is_authenticated:
        return False
    if staff_only and not user.is_staff:
        return False
    return not permissions or any(user.has_perm(p) for p in permissions)


# Panels and tabs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Panel:
    """A section of another app's page.

    `context(request, obj)` returns the template's context, or None to leave the panel out (nothing to
    show, or not for this user). `slot` is the place on the page ("main", "side", "bottom");
    `permissions` (any one of them) is checked before `context` is called.
    """

    name: str
    template: str
    context: Callable[[Any, Any], dict | None]
    slot: str = "side"
    order: int = 100
    permissions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tab:
    """A link from another app's page to this app's page about the same object."""

    name: str
    label: str
    url: Callable[[Any], str]
    order: int = 100
    permissions: tuple[str, ...] = ()


class _PageRegistry:
    """Entries per page name, each with a unique name on its page, in (order, name) order."""

    kind = "entry"

    def __init__(self):
        self._entries: dict[str, dict[str, Any]] = defaultdict(dict)

    def register(self, page: str, entry) -> None:
        if entry.name in self._entries[page]:
            raise ImproperlyConfigured(f"{self.kind} {entry.name!r} is registered twice on the page {page!r}")
        self._entries[page][entry.name] = entry

    def unregister(self, page: str, name: str) -> None:
        self._entries[page].pop(name, None)

    def for_page(self, page: str) -> list:
        return sorted(self._entries[page].values(), key=lambda e: (e.order, e.name))


class PanelRegistry(_PageRegistry):
    kind = "panel"

    def for_page(self, page: str, slot: str | None = None) -> list[Panel]:
        return [p for p in super().for_page(page) if slot is None or p.slot == slot]

    def render(self, page: str, slot: str, request, obj) -> str:
        """The HTML of the panels of `page` in `slot` that `request.user` may see, in order."""
        user = getattr(request, "user", None)
        html = []
        for panel in self.for_page(page, slot):
            if panel.permissions and not _allowed(user, panel.permissions):
                continue
            context = panel.context(request, obj)
            if context is None:
                continue
            html.append(render_to_string(panel.template, {"obj": obj, **context}, request=request))
        return mark_safe("".join(html))  # noqa: S308 (rendered templates, auto-escaped)


class TabRegistry(_PageRegistry):
    kind = "tab"

    def visible(self, page: str, user, obj) -> list[dict]:
        return [
            {"name": t.name, "label": t.label, "url": t.url(obj)}
            for t in self.for_page(page)
            if _allowed(user, t.permissions)
        ]


panels = PanelRegistry()
tabs = TabRegistry()


# Pages that moved to another app ---------------------------------------------------------------------


class MovedPages:
    """Where a retired page of one app is now answered by another (a lower app cannot name a higher one).

    The app that took the work over registers, per old URL name, `target(request, **kwargs)` giving the new
    address, or None when the user does not reach it (the old page then answers 404, so a redirect shows
    nothing the new page would not). An old page with no target registered answers 410 Gone.
    """

    def __init__(self):
        self._targets: dict[str, Callable[..., str | None]] = {}

    def register(self, name: str, target: Callable[..., str | None]) -> None:
        if name in self._targets:
            raise ImproperlyConfigured(f"the moved page {name!r} is registered twice")
        self._targets[name] = target

    def unregister(self, name: str) -> None:
        self._targets.pop(name, None)

    def target(self, name: str):
        return self._targets.get(name)


moved = MovedPages()


# Navigation ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MenuItem:
    """An entry of the navigation bar, or of its drop-down when it has `children`.

    Shown to signed-in users holding any one of `permissions` (or all, if it names none). `section`
    is the URL namespace whose pages mark it active ("" never does). An entry with a `parent` (the
    name of another app's entry) is shown in that entry's drop-down instead of on the bar, after the
    parent's own children; if it has children itself they follow its label as a heading. So the bar
    keeps a few subjects however many apps contribute pages.
    """

    name: str
    label: str
    url_name: str = ""
    order: int = 100
    permissions: tuple[str, ...] = ()
    staff_only: bool = False
    section: str = ""
    children: tuple["MenuItem", ...] = field(default=())
    parent: str = ""


class Menu:
    def __init__(self):
        self._items: dict[str, MenuItem] = {}

    def register(self, item: MenuItem) -> None:
        if item.name in self._items:
            raise ImproperlyConfigured(f"menu entry {item.name!r} is registered twice")
        self._items[item.name] = item

    def unregister(self, name: str) -> None:
        self._items.pop(name, None)

    def items(self) -> list[MenuItem]:
        return sorted(self._items.values(), key=lambda i: (i.order, i.name))

    def visible(self, user, section: str = "") -> list[dict]:
        """The entries `user` may see, as plain dicts for the template; a drop-down none of whose
        children the user may see is left out. A child dict with `header` is a heading in the drop-down."""
        items = self.items()
        names = {item.name for item in items}
        contributed: dict[str, list[MenuItem]] = {}
        for item in items:
            if item.parent:
                if item.parent not in names:
                    raise ImproperlyConfigured(f"menu entry {item.name!r} names an unknown parent {item.parent!r}")
                contributed.setdefault(item.parent, []).append(item)
        out = []
        for item in items:
            if item.parent:
                continue
            allowed = _allowed(user, item.permissions, staff_only=item.staff_only)
            children, sections = self._children(user, item) if allowed else ([], set())
            for extra in contributed.get(item.name, ()):
                if not _allowed(user, extra.permissions, staff_only=extra.staff_only):
                    continue
                if extra.children:
                    below, below_sections = self._children(user, extra)
                    if below:
                        children.append({"name": extra.name, "label": extra.label, "url": "", "header": True})
                        children += below
                        sections |= below_sections | {extra.section}
                else:
                    children.append(_entry(extra))
                    sections.add(extra.section)
            if not allowed and not children:
                continue
            if item.children and not children:
                continue
            out.append(
                {
                    "name": item.name,
                    "label": item.label,
                    "url": reverse(item.url_name) if item.url_name else "",
                    "active": bool(section) and section in ({item.section} | sections),
                    "children": children,
                }
            )
        return out

    @staticmethod
    def _children(user, item: MenuItem) -> tuple[list[dict], set[str]]:
        shown = [c for c in item.children if _allowed(user, c.permissions, staff_only=c.staff_only)]
        return [_entry(c) for c in shown], {c.section for c in shown}


def _entry(item: MenuItem) -> dict:
    return {"name": item.name, "label": item.label, "url": reverse(item.url_name), "header": False}


menu = Menu()


# Role grants ---------------------------------------------------------------------------------------


class RoleGrants:
    """The permissions each app gives each role (a role is a group named by accounts.roles).

    Apps grant their own permissions ("construction.view_obstacle") to role names; the accounts app
    adds them to the groups it keeps in step after every migrate.
    """

    def __init__(self):
        self._grants: dict[str, list[str]] = defaultdict(list)

    def grant(self, roles: Iterable[str], *permissions: str) -> None:
        roles = [roles] if isinstance(roles, str) else list(roles)
        for permission in permissions:
            if permission.count(".") != 1:
                raise ImproperlyConfigured(f"a permission is 'app_label.codename', not {permission!r}")
        for role in roles:
            for permission in permissions:
                if permission not in self._grants[role]:
                    self._grants[role].append(permission)

    def revoke(self, roles: Iterable[str], *permissions: str) -> None:
        roles = [roles] if isinstance(roles, str) else list(roles)
        for role in roles:
            self._grants[role] = [p for p in self._grants[role] if p not in permissions]

    def for_role(self, role: str) -> tuple[str, ...]:
        return tuple(self._grants.get(role, ()))


role_grants = RoleGrants()
