"""Audited writes of different offices do not wait for each other: each region's events form their
own chain and a writer locks only the heads of the chains it appends to."""

import threading
import time

import pytest
from django.db import connection, transaction

from dudao.audit.models import AuditEvent, ChainHead
from dudao.audit.services import record, verify_chain
from dudao.core.testing.factories import RegionFactory, SchoolFactory

LOCK_TIMEOUT_S = 3


def _hold_an_event_open(school, recorded: threading.Event, release: threading.Event, errors: list) -> None:
    """Office A's request: records an event and keeps its transaction open until released."""
    try:
        with transaction.atomic():
            record(actor=None, action="audit.test.note", target=school)
            recorded.set()
            release.wait(timeout=30)
    except Exception as e:  # noqa: BLE001 - reported to the test
        errors.append(e)
        recorded.set()
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_two_offices_write_their_audit_events_without_waiting_for_each_other():
    # given schools of two counties, each with its office
    school_a = SchoolFactory(region=RegionFactory(code="999101", name="甲县", level=3))
    school_b = SchoolFactory(region=RegionFactory(code="999102", name="乙县", level=3))
    AuditEvent.objects.all().delete()
    ChainHead.objects.all().delete()
    record(actor=None, action="audit.test.note", target=school_a)
    record(actor=None, action="audit.test.note", target=school_b)
    if connection.vendor != "postgresql":
        # SQLite lets one writer in at a time whatever the chains; they are still separate
        assert set(ChainHead.objects.values_list("chain", flat=True)) == {school_a.region.path, school_b.region.path}
        return
    # when office A's transaction has recorded an event and is still open
    recorded, release, errors = threading.Event(), threading.Event(), []
    writer_a = threading.Thread(target=_hold_an_event_open, args=(school_a, recorded, release, errors))
    writer_a.start()
    try:
        assert recorded.wait(timeout=30) and not errors
        # then office B records and commits without waiting for it
        started = time.monotonic()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT_S}s'")
            event_b = record(actor=None, action="audit.test.note", target=school_b)
        assert time.monotonic() - started < LOCK_TIMEOUT_S
    finally:
        release.set()
        writer_a.join(timeout=30)
    assert not errors
    # and both chains verify, each event in its own
    assert AuditEvent.objects.get(pk=event_b.pk).chain_seq == 2
    assert AuditEvent.objects.filter(region_path=school_a.region.path).count() == 2
    assert verify_chain() == []
