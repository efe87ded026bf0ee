"""A database whose listings overlap (left by older versions) migrates to one where they never do:
both listings kept, separated, audited; from then on the database refuses an overlap."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from dudao.audit.models import AuditEvent
from dudao.core.testing.factories import InspectorFactory, ListingFactory, SchoolFactory
from dudao.core.testing.periods import check_overlap_refused
from dudao.inspectors.models import Listing

SEPTEMBER = datetime.date(2025, 9, 1)
DAY = datetime.timedelta(days=1)


def history(school):
    return list(Listing.objects.filter(school=school).order_by("valid_from")
                .values_list("pk", "inspector_id", "valid_from", "valid_to"))


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_migrating_a_database_with_overlapping_listings():
    # given a database from before the change, where a listing backdated to 2000 overlaps September's
    inspector = InspectorFactory()
    school = SchoolFactory(region=inspector.office.region)
    try:
        _migrate([("inspectors", "0003_case_attachment_stored_file")])
        first = ListingFactory(school=school, inspector=inspector, valid_to=datetime.date(2025, 9, 30))
        late = ListingFactory(school=school, inspector=InspectorFactory(office=inspector.office),
                              valid_from=datetime.date(2000, 1, 1))
    finally:
        # when it migrates forward
        _migrate(None)

    # then both listings are kept, separated, and the change is audited
    assert [row[0] for row in history(school)] == [late.pk, first.pk, late.pk + 1]
    assert [row[2:] for row in history(school)] == [
        (datetime.date(2000, 1, 1), SEPTEMBER - DAY), (SEPTEMBER, datetime.date(2025, 9, 30)),
        (datetime.date(2025, 10, 1), None)]
    assert AuditEvent.objects.filter(action="inspectors.listing.separate").count() == 2
    # and from now on an overlap is refused by the database itself or by the services' check
    check_overlap_refused(Listing, lambda: ListingFactory(school=school, inspector=inspector, valid_from=SEPTEMBER,
                                                          valid_to=SEPTEMBER))
