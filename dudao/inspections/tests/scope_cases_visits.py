"""Scope-matrix cases of visits and their evidence files (see ``dudao.core.testing.scope_matrix``);
imported by ``scope_cases``.

Rows are recorded and submitted through the real services by the county's own inspector, so the
matrix also proves that nobody of county A reaches a submitted visit (or its photo) of county B.
"""

import io
import itertools
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from dudao.core.testing.scope_matrix import ScopeCase, register
from dudao.core.testing.world import fresh
from dudao.inspections.selectors import visits as selectors_visits
from dudao.inspections.services.visits import visit_attachment_add, visit_save_draft, visit_submit

_serial = itertools.count(1)


def _visit(world, county: str):
    c = getattr(world, county)
    inspector = fresh(c.users["inspector"])
    visit, _created = visit_save_draft(
        actor=inspector, client_uuid=uuid.uuid4(), school_id=c.schools[0].pk,
        data={"date": timezone.localdate(), "kind": "routine", "methods": ["campus_walk"],
              "purpose": f"{c.region.name}督导记录标记{next(_serial)}号"},
        answers={"1": {"value": "正常"}}, lessons=[],
    )
    return visit_submit(actor=inspector, visit_id=visit.pk)


def _photo(world, county: str):
    c = getattr(world, county)
    # a draft takes files: record one, attach the photo, then submit
    inspector = fresh(c.users["inspector"])
    draft, _created = visit_save_draft(
        actor=inspector, client_uuid=uuid.uuid4(), school_id=c.schools[0].pk,
        data={"date": timezone.localdate(), "kind": "routine", "methods": ["campus_walk"], "purpose": "照片"},
        answers={}, lessons=[],
    )
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG")
    name = f"{c.region.name}现场照片{next(_serial)}.png"
    attachment, _created = visit_attachment_add(actor=inspector, visit_id=draft.pk,
                                                uploaded_file=SimpleUploadedFile(name, buffer.getvalue()))
    visit_submit(actor=inspector, visit_id=draft.pk)
    return attachment


register(ScopeCase(
    label="inspections.Visit",
    b_row=lambda world: _visit(world, "b"),
    a_row=lambda world: _visit(world, "a"),
    marker=lambda visit: visit.purpose,
    ui_list="inspections:visit_list",
    ui_detail="inspections:visit_detail",
    api_basename="inspections-visit",
    selectors={"visit_list": lambda user: selectors_visits.visit_list(user=user)},
))

register(ScopeCase(
    label="inspections.Attachment",
    b_row=lambda world: _photo(world, "b"),
    a_row=lambda world: _photo(world, "a"),
    marker=lambda attachment: attachment.original_name,
    ui_detail="inspections:attachment_download",
    api_basename="inspections-attachment",
    selectors={"attachment_list": lambda user: selectors_visits.attachment_list(user=user)},
))
