"""The shared scope matrix: each app registers how its rows are reached; one test proves the scope.

An app adds a module ``dudao/<app>/tests/scope_cases.py`` that calls ``register(ScopeCase(...))``
for each of its scoped models (and ``add_selector`` to add a surface to another app's case, e.g.
a dashboard in ``reports``). ``dudao/core/tests/test_scope_matrix.py`` discovers the modules and
proves, for every registered surface, that a county-A user never reaches a county-B row while
the city office and the system administrator do.

Surfaces:

* ``ui_list``: the rendered list page does not contain the row's marker text;
* ``ui_detail``: the detail page answers 404;
* ``api_list``: the row's id is not in the API list;
* ``api_detail``: the API detail answers 404 (403 when the role lacks the model's view permission);
* ``export``: the Excel export of the list (``?export=xlsx``) does not contain the marker;
* ``selector:<name>``: the row is not among the rows a selector returns for the user.

Writes: an app adds ``dudao/<app>/tests/scope_writes.py`` that calls ``register_write(WriteCase(...))``
for each transition or edit of its rows. The matrix makes a county-A row in the state the write
needs and proves, for every writer not ``allowed`` (the county's roles, the city office above it,
the neighbouring county's office), that the service and the API refuse it — 403 for a row the
writer sees, 404 (or 403 when the capability is checked first) for one they do not — and that the
row and the audit log are unchanged; and that an allowed writer makes it.
"""

import importlib
import importlib.util
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.urls import reverse

from dudao.core.scope import permission_name
from dudao.core.testing.world import ROLES
from dudao.core.testing.xlsx import sheet_text

API_PAGE = "?page_size=500"


@dataclass
class ScopeCase:
    """How the rows of one model are reached, and how to find a row of each county.

    ``b_row`` and ``a_row`` take the two-county world and return (or create, through services) a
    row that belongs to county B / county A. ``marker`` gives text that identifies the row on a
    page and in a sheet; it must not occur anywhere else.
    """

    label: str
    b_row: Callable
    a_row: Callable
    marker: Callable = str
    ui_list: str | None = None
    ui_detail: str | None = None
    api_basename: str | None = None
    export: bool = True
    selectors: dict[str, Callable[..., Iterable]] = field(default_factory=dict)

    @property
    def model(self):
        return apps.get_model(self.label)

    @property
    def api_list(self) -> str | None:
        return f"api:{self.api_basename}-list" if self.api_basename else None

    @property
    def api_detail(self) -> str | None:
        return f"api:{self.api_basename}-detail" if self.api_basename else None

    def surfaces(self) -> list[str]:
        out = []
        if self.ui_list:
            out.append("ui_list")
            if self.export:
                out.append("export")
        if self.ui_detail:
            out.append("ui_detail")
        if self.api_basename:
            out += ["api_list", "api_detail"]
        out += [f"selector:{name}" for name in self.selectors]
        return out

    def __str__(self) -> str:
        return self.label


_CASES: dict[str, ScopeCase] = {}
_discovered = False


def register(case: ScopeCase) -> ScopeCase:
    if case.label in _CASES:
        raise ValueError(f"scope case {case.label} registered twice")
    _CASES[case.label] = case
    return case


def add_selector(label: str, name: str, fn: Callable[..., Iterable]) -> None:
    """Adds a selector surface (``fn(user) -> rows``) to a case another app registered."""
    _CASES[label].selectors[name] = fn


def discover() -> list[ScopeCase]:
    """Imports ``dudao.<app>.tests.scope_cases`` and ``…scope_writes`` of every installed app, in
    INSTALLED_APPS order."""
    global _discovered
    if not _discovered:
        for config in apps.get_app_configs():
            if not config.name.startswith("dudao."):
                continue
            if not importlib.util.find_spec(f"{config.name}.tests"):
                continue
            for name in ("scope_cases", "scope_writes"):
                module = f"{config.name}.tests.{name}"
                if importlib.util.find_spec(module):
                    importlib.import_module(module)
        _discovered = True
    return list(_CASES.values())


@dataclass(frozen=True)
class Probe:
    """What one surface answered: the HTTP status (None for selectors) and whether the row showed."""

    status: int | None
    visible: bool


def can_view(user, case: ScopeCase) -> bool:
    return user.has_perm(permission_name(case.model, "view"))


def probe(surface: str, case: ScopeCase, client, user, row) -> Probe:
    """Looks for ``row`` through ``surface`` as ``user`` (``client`` is signed in as the user)."""
    if surface == "ui_list":
        response = client.get(reverse(case.ui_list))
        text = response.content.decode() if response.status_code == 200 else ""
        return Probe(response.status_code, case.marker(row) in text)
    if surface == "export":
        response = client.get(reverse(case.ui_list) + "?export=xlsx")
        text = sheet_text(response.content) if response.status_code == 200 else ""
        return Probe(response.status_code, case.marker(row) in text)
    if surface == "ui_detail":
        response = client.get(reverse(case.ui_detail, args=[row.pk]))
        return Probe(response.status_code, response.status_code == 200)
    if surface == "api_list":
        response = client.get(reverse(case.api_list) + API_PAGE)
        ids = {item["id"] for item in response.json()["results"]} if response.status_code == 200 else set()
        return Probe(response.status_code, row.pk in ids)
    if surface == "api_detail":
        response = client.get(reverse(case.api_detail, args=[row.pk]))
        return Probe(response.status_code, response.status_code == 200)
    if surface.startswith("selector:"):
        rows = case.selectors[surface.split(":", 1)[1]](user)
        return Probe(None, row.pk in {getattr(r, "pk", r) for r in rows})
    raise ValueError(f"unknown surface {surface}")


def hidden_status(surface: str, case: ScopeCase, user) -> int | None:
    """The status a surface must answer when ``row`` is outside the user's scope.

    Lists answer 200 without the row; details answer 404. A role without the model's view
    permission gets 403 from lists and from the API (the capability check comes first), and 404
    from UI details, which read through the empty scoped queryset.
    """
    allowed = can_view(user, case)
    return {
        "ui_list": 200 if allowed else 403,
        "export": 200 if allowed else 403,
        "ui_detail": 404,
        "api_list": 200 if allowed else 403,
        "api_detail": 404 if allowed else 403,
    }.get(surface)


# ---- writes ------------------------------------------------------------------------------------

WRITERS = (*ROLES, "city_office_admin", "neighbour_office_admin")


@dataclass
class WriteCase:
    """A write on a row of county A that only ``allowed`` may make.

    ``row(world)`` makes (through the services) a county-A row in the state the write needs;
    ``service(user, row)`` makes the write through its service; ``api(row)`` gives the API request
    that makes it, ``(method, url, data)`` with JSON data. ``allowed`` names the writers (of
    ``WRITERS``) who may make it. ``visible(user, row)`` says whether the writer sees the row
    (by default: through ``for_user(user, "view")``), which decides between 403 and 404.
    """

    label: str
    name: str
    row: Callable
    allowed: tuple[str, ...]
    service: Callable | None = None
    api: Callable | None = None
    visible: Callable | None = None

    def __post_init__(self):
        unknown = set(self.allowed) - set(WRITERS)
        if unknown or not self.allowed:
            raise ValueError(f"write {self}: allowed writers {sorted(unknown) or 'missing'}")

    def sees(self, user, row) -> bool:
        if self.visible is not None:
            return self.visible(user, row)
        return type(row)._default_manager.for_user(user, "view").filter(pk=row.pk).exists()

    def __str__(self) -> str:
        return f"{self.label}.{self.name}"


_WRITES: dict[str, WriteCase] = {}


def register_write(write: WriteCase) -> WriteCase:
    if str(write) in _WRITES:
        raise ValueError(f"write {write} registered twice")
    _WRITES[str(write)] = write
    return write


def writes() -> list[WriteCase]:
    discover()
    return list(_WRITES.values())


def row_state(row) -> dict | None:
    """Every column of ``row`` as stored now (``None`` once it is gone)."""
    return type(row)._default_manager.filter(pk=row.pk).values().first()


def audit_count() -> int:
    return apps.get_model("audit", "AuditEvent").objects.count()


def refused_statuses(write: WriteCase, user, row) -> set[int]:
    """What a refused write may answer: 403 when the writer sees the row (it is outside their
    change scope), 404 when they do not — or 403 when the capability is checked before the row."""
    return {403} if write.sees(user, row) else {403, 404}


def status_of(error: Exception) -> int:
    """The HTTP status ``core.api.exception_handler`` gives a service's refusal."""
    from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
    from django.http import Http404

    if isinstance(error, PermissionDenied):
        return 403
    if isinstance(error, ObjectDoesNotExist | Http404):
        return 404
    raise error


def send(client, request) -> int:
    """Makes the API request ``(method, url, data)`` and returns the status."""
    method, url, data = request
    return getattr(client, method)(url, data, content_type="application/json").status_code
