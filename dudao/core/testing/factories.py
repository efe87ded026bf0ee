"""factory_boy factories for plain rows (models named by label, so this layer imports no app).

Stateful objects (listings, zone moves, transitions) come from the real services in fixtures.
"""

import datetime

import factory
from django.apps import apps
from django.contrib.auth.hashers import make_password

PASSWORD = "dudao-demo"

_password_hashes: dict[str, str] = {}


def password_hash(raw: str = PASSWORD) -> str:
    """The hash of ``raw``, computed once per process: password hashing is slow on purpose."""
    if raw not in _password_hashes:
        _password_hashes[raw] = make_password(raw)
    return _password_hashes[raw]


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "organizations.Region"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"9{n:05d}")
    name = factory.Sequence(lambda n: f"测试区{n}")
    level = 3
    parent = None


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "organizations.Office"

    name = factory.LazyAttribute(lambda o: f"{o.region.name}人民政府教育督导室")
    region = factory.SubFactory(RegionFactory)
    hotline = "0791-12345678"


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "organizations.School"

    code = factory.Sequence(lambda n: f"S{n:08d}")
    name = factory.Sequence(lambda n: f"第{n}小学")
    kind = "primary"
    region = factory.SubFactory(RegionFactory)
    enrolment_primary = 600
    liaison_name = "联系人"
    liaison_phone = "13800000000"


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "organizations.Zone"

    office = factory.SubFactory(OfficeFactory)
    name = factory.Sequence(lambda n: f"第{n}责任区")


class ZoneMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "organizations.ZoneMembership"

    zone = factory.SubFactory(ZoneFactory)
    school = factory.SubFactory(SchoolFactory)
    valid_from = datetime.date(2025, 9, 1)


class InspectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "inspectors.Inspector"

    office = factory.SubFactory(OfficeFactory)
    name = factory.Sequence(lambda n: f"督学{n}")
    certificate_no = factory.Sequence(lambda n: f"DX{n:06d}")
    kind = "part_time"
    phone = "13900000000"


class ListingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "inspectors.Listing"

    inspector = factory.SubFactory(InspectorFactory)
    school = factory.SubFactory(SchoolFactory)
    valid_from = datetime.date(2025, 9, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.User"
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.LazyFunction(password_hash)


def make_user(username: str, role: str, *, office=None, zone=None, school=None, department=None, **extra):
    """A user with one current membership in ``role``."""
    user = UserFactory(username=username, **extra)
    Membership = apps.get_model("accounts", "Membership")
    Membership.objects.create(user=user, role=role, office=office, zone=zone, school=school, department=department,
                              valid_from=datetime.date(2020, 1, 1))
    return user
