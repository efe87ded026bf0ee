"""Shared steps of the visit tests: the two-county world, files in a temporary media root, and
visits recorded through the real services."""

import datetime
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from dudao.core.testing.world import build_world, fresh
from dudao.inspections.services.visits import visit_save_draft, visit_submit


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def user(world, county: str, role: str):
    return fresh(getattr(world, county).users[role])


def png_bytes(size=(16, 12), color="red", fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def visit_data(**overrides) -> dict:
    data = {
        "date": timezone.localdate(), "kind": "routine", "methods": ["campus_walk", "lesson"],
        "purpose": "例行督导", "highlights": "", "highlight_recommended": False, "problems": "", "feedback": "",
    }
    data.update(overrides)
    return data


def record_visit(actor, school, *, submit: bool = False, client_uuid=None, answers=None, lessons=None,
                 date: datetime.date | None = None, checkin: dict | None = None, **data):
    """A visit recorded by ``actor`` at ``school`` through the services (submitted when asked)."""
    visit, _created = visit_save_draft(
        actor=actor, client_uuid=client_uuid or uuid.uuid4(), school_id=school.pk,
        data=visit_data(**({"date": date} if date else {}), **data), answers=answers or {}, lessons=lessons or [],
        checkin=checkin,
    )
    if submit:
        visit = visit_submit(actor=actor, visit_id=visit.pk)
    return visit
