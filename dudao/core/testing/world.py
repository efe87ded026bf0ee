"""A small two-county world for scope tests: county A and its neighbour B under one city.

Each county has an office, two zones, schools, two responsible units that are not schools (a bureau
department and a township education office), inspectors listed at schools, and one user per role
(the unit liaison is the contact of the bureau department). Tests use it to prove that nothing of county B reaches any user of county A.
"""

import datetime
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction

from dudao.core.testing.factories import (
    InspectorFactory,
    ListingFactory,
    OfficeFactory,
    RegionFactory,
    SchoolFactory,
    ZoneFactory,
    ZoneMembershipFactory,
    make_user,
)

ROLES = ("office_admin", "office_staff", "zone_leader", "inspector", "school_liaison", "principal", "unit_liaison")


@dataclass
class County:
    key: str
    region: object
    township: object
    office: object
    zones: list
    schools: list
    inspectors: list
    users: dict = field(default_factory=dict)
    departments: list = field(default_factory=list)  # responsible units that are not schools

    def rows(self, label: str) -> list:
        """The rows of model ``label`` that belong to this county."""
        Model = apps.get_model(label)
        path = self.region.path
        lookup = Model.scope_region
        return list(Model.objects.filter(**{f"{lookup}__startswith": path}))


@dataclass
class World:
    province: object
    city: object
    a: County
    b: County
    city_office: object
    city_user: object
    sysadmin: object


def build_county(key: str, code: str, name: str, city) -> County:
    region = RegionFactory(code=code, name=name, level=3, parent=city)
    township = RegionFactory(code=f"{code}101", name=f"{name}城关镇", level=4, parent=region)
    office = OfficeFactory(region=region, name=f"{name}人民政府教育督导室")
    zones = [ZoneFactory(office=office, name=f"{name}第{i}责任区") for i in (1, 2)]
    schools = [
        SchoolFactory(code=f"{code}{i:04d}", name=f"{name}第{i}小学", region=township if i % 2 else region)
        for i in range(1, 5)
    ]
    for i, school in enumerate(schools):
        ZoneMembershipFactory(zone=zones[i % 2], school=school, valid_from=datetime.date(2025, 9, 1))
    inspectors = [InspectorFactory(office=office, name=f"{name}督学{i}", certificate_no=f"{code}-{i}") for i in (1, 2)]
    # inspector 1 is listed at schools 1 and 3 (zone 1), inspector 2 at school 2
    ListingFactory(inspector=inspectors[0], school=schools[0])
    ListingFactory(inspector=inspectors[0], school=schools[2])
    ListingFactory(inspector=inspectors[1], school=schools[1])
    county = County(key, region, township, office, zones, schools, inspectors)
    Department = apps.get_model("organizations", "Department")
    county.departments = [
        Department.objects.create(office=office, name=f"{name}教育局安全股", kind="bureau_department", number=1),
        Department.objects.create(office=office, name=f"{name}城关镇教育办", kind="township_office", region=township,
                                  number=2),
    ]
    county.users = {
        "office_admin": make_user(f"{key}_office_admin", "office_admin", office=office),
        "office_staff": make_user(f"{key}_office_staff", "office_staff", office=office),
        "zone_leader": make_user(f"{key}_zone_leader", "zone_leader", office=office, zone=zones[0]),
        "inspector": make_user(f"{key}_inspector", "inspector", office=office),
        "school_liaison": make_user(f"{key}_liaison", "school_liaison", office=office, school=schools[0]),
        "principal": make_user(f"{key}_principal", "principal", office=office, school=schools[1]),
        "unit_liaison": make_user(f"{key}_unit_liaison", "unit_liaison", office=office,
                                  department=county.departments[0]),
    }
    inspectors[0].user = county.users["inspector"]
    inspectors[0].save(update_fields=["user"])
    return county


def build_world() -> World:
    province = RegionFactory(code="36", name="示范省", level=1)
    city = RegionFactory(code="3601", name="示范市", level=2, parent=province)
    a = build_county("a", "360101", "甲县", city)
    b = build_county("b", "360102", "乙县", city)
    city_office = OfficeFactory(region=city, name="示范市人民政府教育督导室")
    city_user = make_user("city_office_admin", "office_admin", office=city_office)
    sysadmin = make_user("sysadmin", "sysadmin", office=None)
    return World(province, city, a, b, city_office, city_user, sysadmin)


def fresh(user):
    """``user`` read again from the database, without a cached scope (as a new request sees it)."""
    return get_user_model().objects.get(pk=user.pk)


@contextmanager
def world_rolled_back(django_db_blocker):
    """Builds one world for many tests and throws it away afterwards.

    Use it in a module- or class-scoped fixture: the world is written inside a transaction that
    is rolled back at the end, and each test's own ``db`` transaction nests inside it (a savepoint),
    so tests still cannot see each other's writes. Read users again with ``fresh`` in tests.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def add_evidence(county: County, files: dict[str, bytes]) -> list:
    """Stores ``files`` (name: bytes) as evidence files of the county's first school, through the
    inspections service: real files in the storage, audited rows."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dudao.inspections.services.attachments import attachment_store

    actor = fresh(county.users["inspector"])  # listed at the first school
    return [attachment_store(actor=actor, school=county.schools[0], uploaded_file=SimpleUploadedFile(name, data))
            for name, data in files.items()]
