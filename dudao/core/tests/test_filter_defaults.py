"""A filter that offers a choice starts from 全部 (All), never 未知 (Unknown) or a row of dashes."""

import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from dudao.core.filters import ScopedFilterSet
from dudao.core.testing.world import fresh, world_rolled_back

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def _filtersets() -> list[type]:
    """Every FilterSet of the apps (their ``filters*`` modules imported first)."""
    for config in apps.get_app_configs():
        if not config.name.startswith("dudao."):
            continue
        for path in sorted(Path(config.path).glob("filters*.py")):
            importlib.import_module(f"{config.name}.{path.stem}")
    found, todo = [], [ScopedFilterSet]
    while todo:
        cls = todo.pop()
        found.extend(cls.__subclasses__())
        todo.extend(cls.__subclasses__())
    return sorted({cls for cls in found if cls._meta.model is not None}, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def first_choices(filterset_class, user) -> dict[str, str]:
    """The label of the first choice of each select of the filter form."""
    request = RequestFactory().get("/")
    request.user = user
    form = filterset_class(None, queryset=filterset_class._meta.model.objects.none(), request=request).form
    out = {}
    for name, field in form.fields.items():
        if not hasattr(field.widget, "choices") or getattr(field.widget, "allow_multiple_selected", False):
            continue
        first = next(iter(field.widget.choices), None)
        if first is not None:
            out[name] = str(first[1])
    return out


def test_every_filter_starts_from_all(world):
    # given every FilterSet of the apps, rendered for an office user in Chinese
    user = fresh(world.a.users["office_admin"])
    filtersets = _filtersets()
    assert len(filtersets) > 15
    with translation.override("zh-hans"):
        # then the first choice of each select is 全部
        wrong = {f"{cls.__module__}.{cls.__qualname__}.{name}": label
                 for cls in filtersets for name, label in first_choices(cls, user).items() if label != "全部"}
    assert wrong == {}


def test_yes_no_filter_reads_all_yes_no(world, client):
    # given the list of listings and its "current only" filter (a yes/no choice)
    user = fresh(world.a.users["office_admin"])
    user.language = "zh-hans"
    user.save(update_fields=["language"])
    client.force_login(user)
    page = client.get(reverse("inspectors:listing_list")).content.decode()
    # then it offers 全部, 是, 否 and no 未知
    select = re.search(r'<select name="current"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.findall(r"<option[^>]*>(.*?)</option>", select) == ["全部", "是", "否"]
    assert "未知" not in page
