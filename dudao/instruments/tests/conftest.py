"""Fixtures of the instrument tests: the two-county world and drafts built through the services."""

from decimal import Decimal

import pytest

from dudao.core.testing.world import fresh, world_rolled_back
from dudao.instruments import services
from dudao.instruments.models import Instrument, InstrumentVersion

SCHOOL_CODE = "national-school-routine"
KINDERGARTEN_CODE = "national-kindergarten-routine"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def office_admin(world, county: str = "a"):
    return fresh(getattr(world, county).users["office_admin"])


def national(code: str = SCHOOL_CODE) -> Instrument:
    return Instrument.objects.get(office__isnull=True, code=code)


def build_draft(actor, office, code: str = "safety-2026", name: str = "校园安全专项检查表") -> InstrumentVersion:
    """An office's draft v1: a section with a veto yes/no item and a scored item, a rating and a text."""
    instrument = services.instrument_create(actor=actor, office=office, code=code, name=name,
                                            kind=Instrument.Kind.CHECKLIST, audience=Instrument.Audience.SCHOOLS)
    version = instrument.versions.get()
    section = services.item_add(actor=actor, version_id=version.pk, code="1", text="安全管理", response_type="section")
    services.item_add(actor=actor, version_id=version.pk, parent_id=section.pk, code="1.1", text="消防通道畅通",
                      response_type="yes_no", is_veto=True, required=True)
    services.item_add(actor=actor, version_id=version.pk, parent_id=section.pk, code="1.2", text="应急演练",
                      response_type="score", max_score=Decimal("10"), criteria="每学期至少两次", evidence_required=True)
    services.item_add(actor=actor, version_id=version.pk, code="2", text="家长满意程度", response_type="rating",
                      options=["不满意", "基本满意", "满意"], weight=Decimal("5"))
    services.item_add(actor=actor, version_id=version.pk, code="3", text="其他情况", response_type="text")
    return version


@pytest.fixture
def draft(world):
    return build_draft(office_admin(world), world.a.office)


@pytest.fixture
def published(world, draft):
    return services.version_publish(actor=office_admin(world), version_id=draft.pk)


@pytest.fixture
def client(client):
    """A test client whose browser asks for English, so pages can be read against the msgids."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
