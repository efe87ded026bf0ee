"""The example indicator systems go to Excel and back through the instrument engine unchanged
(weights of veto items, points, criteria and evidence flags), so an office can author its own in WPS."""

import io

import pytest

from dudao.evaluations.examples import GOVERNMENT_SYSTEM, SCHOOL_SYSTEM
from dudao.evaluations.tests.conftest import user
from dudao.instruments import services
from dudao.instruments.exports import version_workbook
from dudao.instruments.imports import InstrumentImporter
from dudao.instruments.models import Instrument, Item
from dudao.instruments.selectors import item_specs, version_items

pytestmark = pytest.mark.django_db


def shape(version):
    codes = {i.pk: i.code for i in Item.objects.filter(version=version)}
    return [(i.depth, codes.get(i.parent_id), i.code, i.text, i.response_type, i.max_score, i.weight, i.criteria,
             i.is_veto, i.evidence_required) for i in version_items(version=version)]


@pytest.mark.parametrize("code", [SCHOOL_SYSTEM["code"], GOVERNMENT_SYSTEM["code"]])
def test_example_system_round_trips_through_excel(world, code):
    # given a shipped example indicator system
    source = Instrument.objects.get(office__isnull=True, code=code).latest_published()
    admin = user(world, "office_admin")
    # when it is exported and the workbook imported as the office's own indicator system
    report = InstrumentImporter(admin).validate(io.BytesIO(version_workbook(source)))
    assert report.ok, report.errors
    copy = services.instrument_import(actor=admin, office=world.a.office, code=f"own-{code}", name="本县评估指标",
                                      kind="indicator_system", audience="schools",
                                      rows=InstrumentImporter.items(report))
    # then the draft holds the same tree, and it scores the same: points still add up, veto items weigh nothing
    draft = copy.versions.get()
    assert shape(draft) == shape(source)
    specs = item_specs(version=draft)
    assert all(s.weight == 0 for s in specs if s.is_veto)
