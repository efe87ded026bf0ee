"""Scope-matrix case of the archive (see ``dudao.core.testing.scope_matrix``): a filed document
about a school — its signboard — and the year bundle, which packs only what the user may read."""

import itertools

from django.utils import timezone

from dudao.core.testing.scope_matrix import ScopeCase, register
from dudao.core.testing.world import fresh
from dudao.documents import selectors
from dudao.documents.bundles import bundle_entries
from dudao.documents.models import Document
from dudao.inspectors.signboards import signboard_generate
from dudao.organizations.models import Office

_serial = itertools.count(1)


def _signboard(world, county: str) -> Document:
    c = getattr(world, county)
    document = signboard_generate(actor=fresh(c.users["office_admin"]), school_id=c.schools[0].pk,
                                  base_url="https://dudao.example", pdf=False)
    # a title no other row carries, so that pages and sheets can be searched for it
    Document.objects.filter(pk=document.pk).update(title=f"{c.region.name}公示牌档案{next(_serial)}号")
    return Document.objects.get(pk=document.pk)


def _bundled(user) -> list:
    """The documents packed into the bundle of the user's widest office, this year."""
    office = Office.objects.for_user(user).order_by("region__path").first()
    if office is None:
        return []
    entries = bundle_entries(user=user, year=timezone.localdate().year, office_id=office.pk)
    return [entry.source for entry in entries if isinstance(entry.source, Document)]


register(ScopeCase(
    label="documents.Document",
    b_row=lambda world: _signboard(world, "b"),
    a_row=lambda world: _signboard(world, "a"),
    marker=lambda document: document.title,
    ui_list="documents:document_list",
    ui_detail="documents:document_detail",
    api_basename="documents-document",
    selectors={"document_list": lambda user: selectors.document_list(user=user), "bundle": _bundled},
))
