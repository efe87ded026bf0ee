"""``update_rows``: many rows' columns written in batches, as ``save`` would write them, on SQLite
and PostgreSQL alike (text, numbers, decimals, dates and times, foreign keys, and NULL)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from dudao.core.bulk import update_rows
from dudao.core.testing.factories import RegionFactory, SchoolFactory

pytestmark = pytest.mark.django_db
School = SchoolFactory._meta.get_model_class()  # core's tests reach the apps' models through the factories
FIELDS = ["name", "region", "enrolment_primary", "latitude", "longitude", "updated_at"]


def test_update_rows_writes_the_columns_of_the_rows_given_only():
    # given five schools, three of them with coordinates, and new values for four of them
    region = RegionFactory()
    schools = [SchoolFactory(latitude=Decimal("28.1") if i < 3 else None, longitude=Decimal("115.1") if i < 3 else None)
               for i in range(5)]
    untouched = School.objects.filter(pk=schools[4].pk).values().get()
    when = timezone.now() - datetime.timedelta(days=3)
    for i, school in enumerate(schools[:4]):
        school.name, school.region, school.enrolment_primary = f"新名{i}’s 'school'", region, 1000 + i
        school.latitude, school.longitude = (None, None) if i < 3 else (Decimal("-28.682892"), Decimal("115.858198"))
        school.updated_at = when
        school.address = "not written: not among the fields"

    # when they are written two by two
    written = update_rows(School, schools[:4], FIELDS, batch_size=2)

    # then each row holds its own new values, the fourth its coordinates, the others none
    assert written == 4
    rows = {s.pk: s for s in School.objects.filter(pk__in=[s.pk for s in schools])}
    for i, school in enumerate(schools[:4]):
        stored = rows[school.pk]
        assert (stored.name, stored.region_id, stored.enrolment_primary, stored.updated_at) == (
            f"新名{i}’s 'school'", region.pk, 1000 + i, when)
        assert stored.address != "not written: not among the fields"
    assert [(rows[s.pk].latitude, rows[s.pk].longitude) for s in schools[:4]] == [(None, None)] * 3 + [
        (Decimal("-28.682892"), Decimal("115.858198"))]
    # and the school not given is as it was
    assert School.objects.filter(pk=schools[4].pk).values().get() == untouched


def test_update_rows_of_nothing_writes_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert update_rows(School, [], ["name"]) == 0
