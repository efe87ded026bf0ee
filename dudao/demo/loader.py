"""The demo county 示范县: a deterministic world to sign in to and look around.

``build_demo(seed=…)`` creates, in one transaction:

* the region tree 示范省 → 示范市 → 示范县 (seven townships) and the neighbouring county 邻县;
* the supervision offices of the city and both counties;
* 60 schools and kindergartens in 示范县 (and 5 in 邻县) with kinds, ownership, urban/rural
  location, enrolment by level, addresses, liaison persons and principals;
* five responsibility zones (督学责任区), drawn on 2024-09-01 and redrawn on 2025-09-01;
* twelve inspectors (4 专职, 8 兼职), each listed at about five schools, one of them at six
  after the redraw, with the re-listing history;
* one demo user per role, an account for every inspector (``inspector02`` … ``inspector12``
  besides ``zone_leader`` and ``inspector``), all with the password ``dudao-demo``;
* the office's deadlines per severity, its plans and tasks (``dudao.demo.plans.load_plans``) and a
  year of the monthly loop up to today — visits, lessons, findings, notices in every state, the
  school liaisons' answers (``liaison_<school code>`` accounts) — see ``dudao.demo.loop``.

Reference rows (regions, offices, schools, zones, inspectors, users) are plain ORM rows. The
history — zone memberships and listings, roles of the added accounts, plans, visits and the
rectification loop — goes through the services with explicit past dates, so the audit trail is
the real one.

The same seed gives the same data: every random choice comes from one ``random.Random(seed)``
consumed in a fixed order.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.test.utils import override_settings
from django.utils import timezone
from pypinyin import lazy_pinyin

from dudao.accounts.models import Membership, Role, User
from dudao.audit.models import AuditEvent
from dudao.demo.balance import load_demo_balance
from dudao.demo.campaigns import load_demo_campaigns
from dudao.demo.directives import load_demo_departments, load_demo_directives
from dudao.demo.evaluations import load_evaluations
from dudao.demo.filing import file_demo_documents
from dudao.demo.loop import (
    GIVEN_FEMALE,
    GIVEN_MALE,
    SURNAMES,
    LoopSummary,
    deadline_policies_set,
    inspector_accounts,
    liaison_username,
    load_loop,
    loop_summary,
)
from dudao.demo.plans import load_plans
from dudao.documents.models import Document
from dudao.inspectors.models import Inspector, Listing
from dudao.inspectors.services import listing_assign
from dudao.notifications.models import Channel, Delivery, Kind
from dudao.notifications.services import channel_settings_set, deliver, reminders_send
from dudao.organizations.models import Office, Region, School, Zone, ZoneMembership
from dudao.organizations.services import zone_assign_school
from dudao.organizations.working_days import load_statutory
from dudao.plans.models import Task, WorkPlan

DEMO_PASSWORD = "dudao-demo"
DEFAULT_SEED = 20240901

PROVINCE_CODE = "99"
CITY_CODE = "9901"
COUNTY_CODE = "990121"
COUNTY_POINT = (Decimal("28.650000"), Decimal("115.850000"))  # WGS-84, the made-up county seat
DEMO_EMAIL_KINDS = (Kind.DEADLINE_SOON, Kind.OVERDUE, Kind.SURVEY_CLOSING, Kind.REPORT_DUE)
NEIGHBOUR_CODE = "990122"

FIRST_TERM = datetime.date(2024, 9, 1)  # zones drawn, inspectors listed
REDRAW = datetime.date(2025, 9, 1)  # zones redrawn, some schools re-listed

K = School.Kind
PUBLIC, PRIVATE = School.Ownership.PUBLIC, School.Ownership.PRIVATE
URBAN, TOWN, RURAL = School.Location.URBAN, School.Location.TOWN, School.Location.RURAL


# ---- the logins -----------------------------------------------------------------------------
@dataclass(frozen=True)
class DemoLogin:
    username: str
    role_zh: str
    role_en: str
    full_name: str = ""
    unit: str = ""


LOGINS = (
    ("sysadmin", "系统管理员", "System administrator"),
    ("office_admin", "县督导室管理员", "County office administrator"),
    ("office_staff", "县督导室工作人员", "County office staff"),
    ("city_admin", "市督导室管理员", "City office administrator"),
    ("zone_leader", "责任区组长", "Zone leader"),
    ("inspector", "责任督学", "Responsible inspector"),
    ("liaison", "督导联系人", "School liaison"),
    ("principal", "校长", "Principal"),
    ("unit_liaison", "承办单位联络人", "Unit liaison"),
    ("neighbour_admin", "邻县督导室管理员", "Neighbouring county administrator"),
)
USERNAMES = tuple(username for username, _zh, _en in LOGINS)


def demo_exists() -> bool:
    """Whether the demo county is already in the database."""
    return Region.objects.filter(code=COUNTY_CODE).exists()


def demo_conflicts() -> list[str]:
    """Rows that would collide with the demo (same usernames or division codes) in a database without it."""
    clashing = User.objects.filter(
        Q(username__in=USERNAMES) | Q(username__regex=r"^inspector[0-9]{2}$")
        | Q(username__startswith=liaison_username(School(code=COUNTY_CODE)))
    )
    problems = [f"user {u}" for u in clashing.values_list("username", flat=True)]
    codes = (PROVINCE_CODE, CITY_CODE, COUNTY_CODE, NEIGHBOUR_CODE)
    problems += [f"region {c}" for c in Region.objects.filter(code__in=codes).values_list("code", flat=True)]
    return sorted(problems)


def demo_logins() -> list[DemoLogin]:
    """The demo accounts as they are in the database, in the order of ``LOGINS``."""
    users = {u.username: u for u in User.objects.filter(username__in=USERNAMES).prefetch_related(
        "memberships__office", "memberships__zone", "memberships__school", "memberships__department")}
    out = []
    for username, zh, en in LOGINS:
        user = users.get(username)
        if user is None:
            continue
        units = [str(m.school or m.department or m.zone or m.office or "") for m in user.memberships.all()]
        out.append(DemoLogin(username, zh, en, user.full_name, "、".join(u for u in units if u)))
    return out


@dataclass(frozen=True)
class DemoSummary:
    schools: int
    kindergartens: int
    private: int
    zones: int
    inspectors: int
    full_time: int
    current_listings: int
    ended_listings: int
    ended_memberships: int
    neighbour_schools: int
    users: int
    inspector_accounts: int
    liaison_accounts: int
    plans: int
    tasks: int
    loop: LoopSummary
    audit_events: int
    documents: int


def demo_summary() -> DemoSummary:
    """Counts of what the demo county holds now."""
    county = Region.objects.get(code=COUNTY_CODE)
    schools = School.objects.filter(region__path__startswith=county.path)
    office = county.office
    inspectors = Inspector.objects.filter(office=office)
    return DemoSummary(
        schools=schools.count(),
        kindergartens=schools.filter(kind=K.KINDERGARTEN).count(),
        private=schools.filter(ownership=PRIVATE).count(),
        zones=Zone.objects.filter(office=office).count(),
        inspectors=inspectors.count(),
        full_time=inspectors.filter(kind=Inspector.Kind.FULL_TIME).count(),
        current_listings=Listing.objects.filter(school__in=schools, valid_to__isnull=True).count(),
        ended_listings=Listing.objects.filter(school__in=schools, valid_to__isnull=False).count(),
        ended_memberships=ZoneMembership.objects.filter(school__in=schools, valid_to__isnull=False).count(),
        neighbour_schools=School.objects.filter(region__code__startswith=NEIGHBOUR_CODE).count(),
        users=User.objects.filter(username__in=USERNAMES).count(),
        inspector_accounts=inspectors.filter(user__isnull=False).count(),
        liaison_accounts=Membership.objects.filter(school__in=schools, role=Role.SCHOOL_LIAISON).count(),
        plans=WorkPlan.objects.filter(office=office).count(),
        tasks=Task.objects.filter(office=office).count(),
        loop=loop_summary(office=office),
        audit_events=AuditEvent.objects.count(),
        documents=Document.objects.filter(office=office).count(),
    )


# ---- people ---------------------------------------------------------------------------------
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
    "156", "157", "158", "159", "177", "180", "181", "182", "183", "185", "186", "187", "188", "189",
)
STREETS = ("人民路", "解放路", "建设路", "文化路", "新华街", "滨江路", "学府路", "中山路", "育才路", "朝阳路",
           "府前街", "新村路", "迎宾大道", "长安街")
STREETS_RURAL = ("正街", "新街", "老街", "中心街", "乡政府路", "学校路", "环乡路")
VILLAGES = ("石桥", "枫树", "杨家", "上坪", "下湾", "大坪", "竹园", "长岭", "塘下", "高坑", "新田", "马岭", "龙口",
            "白石", "岭背", "田心", "桥头", "黄泥", "樟树", "柏林", "茶园", "水口", "坳上", "洪家", "罗家", "松山",
            "桃源", "沙坪")

# Names the fixed accounts use; generated people never take them.
OFFICE_ADMIN_NAME = "王建国"
OFFICE_STAFF_NAME = "刘晓梅"
UNIT_LIAISON_NAME = "郑文涛"  # the contact of 教育局安全股
CITY_ADMIN_NAME = "陈志强"
NEIGHBOUR_ADMIN_NAME = "赵德明"


class People:
    """Chinese names, mobile numbers and e-mail addresses, unique within the demo."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.names = {OFFICE_ADMIN_NAME, OFFICE_STAFF_NAME, CITY_ADMIN_NAME, NEIGHBOUR_ADMIN_NAME}
        self.phones: set[str] = set()
        self.mailboxes: set[str] = set()

    def name(self, gender: str | None = None) -> tuple[str, str]:
        """A (name, gender) pair; ``gender`` is "male", "female" or chosen at random."""
        gender = gender or self.rng.choice(("male", "female"))
        pool = GIVEN_MALE if gender == "male" else GIVEN_FEMALE
        while True:
            name = self.rng.choice(SURNAMES) + self.rng.choice(pool)
            if name not in self.names:
                self.names.add(name)
                return name, gender

    def phone(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def email(self, name: str, domain: str = "example.cn") -> str:
        base = "".join(lazy_pinyin(name))
        mailbox, n = base, 1
        while mailbox in self.mailboxes:
            n += 1
            mailbox = f"{base}{n}"
        self.mailboxes.add(mailbox)
        return f"{mailbox}@{domain}"


# ---- the county -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Township:
    suffix: str  # the last three digits of the 9-digit division code
    name: str
    location: str  # of the township's seat; village schools are always rural
    zone: int  # index into ZONES for the first term


TOWNSHIPS = (
    Township("100", "城关镇", URBAN, 0),
    Township("101", "河口镇", TOWN, 2),
    Township("102", "柳林镇", TOWN, 3),
    Township("103", "白沙镇", TOWN, 3),
    Township("200", "东山乡", RURAL, 1),
    Township("201", "青石乡", RURAL, 4),
    Township("202", "新塘乡", RURAL, 1),
)

ZONES = (
    ("第一责任区（城区）", "城关镇及县直学校、幼儿园"),
    ("第二责任区（东山·新塘）", "东山乡、新塘乡的学校和幼儿园"),
    ("第三责任区（河口）", "河口镇的学校和幼儿园；2025年秋季起含加入河口教育集团的白沙镇两所学校"),
    ("第四责任区（柳林·白沙）", "柳林镇、白沙镇的学校和幼儿园"),
    ("第五责任区（青石）", "青石乡的学校和幼儿园"),
)

# (name, kind, ownership, tier, tag). "{v}" takes a village name. The tier sets the enrolment
# range; "village" schools are rural whatever the township. Tags mark the schools the history
# moves, so the story does not depend on generated names.
CATALOGUE: dict[str, tuple] = {
    "城关镇": (
        ("示范县第一中学", K.SENIOR, PUBLIC, "county", ""),
        ("示范县第二中学", K.COMPLETE_SECONDARY, PUBLIC, "county", ""),
        ("示范县第三中学", K.JUNIOR, PUBLIC, "county", ""),
        ("示范县实验中学", K.JUNIOR, PUBLIC, "county", ""),
        ("示范县实验小学", K.PRIMARY, PUBLIC, "county", "swap_1"),
        ("示范县城关第一小学", K.PRIMARY, PUBLIC, "county", ""),
        ("示范县城关第二小学", K.PRIMARY, PUBLIC, "county", ""),
        ("示范县职业技术学校", K.VOCATIONAL, PUBLIC, "county", "swap_2"),
        ("示范县育才学校", K.NINE_YEAR, PRIVATE, "county", ""),
        ("城关镇中心小学", K.PRIMARY, PUBLIC, "town", ""),
        ("示范县机关幼儿园", K.KINDERGARTEN, PUBLIC, "county", ""),
        ("示范县实验幼儿园", K.KINDERGARTEN, PUBLIC, "county", ""),
        ("示范县阳光幼儿园", K.KINDERGARTEN, PRIVATE, "private", ""),
        ("示范县小博士幼儿园", K.KINDERGARTEN, PRIVATE, "private", ""),
        ("城关镇中心幼儿园", K.KINDERGARTEN, PUBLIC, "town", ""),
    ),
    "河口镇": (
        ("河口镇中学", K.JUNIOR, PUBLIC, "town", ""),
        ("示范县第四中学", K.COMPLETE_SECONDARY, PUBLIC, "town", ""),
        ("河口镇中心小学", K.PRIMARY, PUBLIC, "town", "liaison"),
        ("河口镇第二小学", K.PRIMARY, PUBLIC, "town", ""),
        ("河口镇{v}村小学", K.PRIMARY, PUBLIC, "village", ""),
        ("河口镇{v}村小学", K.PRIMARY, PUBLIC, "village", ""),
        ("河口镇{v}教学点", K.TEACHING_POINT, PUBLIC, "village", ""),
        ("河口镇中心幼儿园", K.KINDERGARTEN, PUBLIC, "town", ""),
        ("河口镇贝贝幼儿园", K.KINDERGARTEN, PRIVATE, "private", ""),
        ("河口镇童心幼儿园", K.KINDERGARTEN, PRIVATE, "private", ""),
    ),
    "柳林镇": (
        ("柳林镇中学", K.JUNIOR, PUBLIC, "town", ""),
        ("柳林镇中心小学", K.PRIMARY, PUBLIC, "town", ""),
        ("柳林镇{v}村小学", K.PRIMARY, PUBLIC, "village", ""),
        ("柳林镇{v}村小学", K.PRIMARY, PUBLIC, "village", ""),
        ("柳林镇{v}教学点", K.TEACHING_POINT, PUBLIC, "village", ""),
        ("柳林镇中心幼儿园", K.KINDERGARTEN, PUBLIC, "town", ""),
        ("柳林镇启明幼儿园", K.KINDERGARTEN, PRIVATE, "private", ""),
    ),
    "白沙镇": (
        ("白沙镇九年一贯制学校", K.NINE_YEAR, PUBLIC, "town", "move_relist"),
        ("白沙镇中心小学", K.PRIMARY, PUBLIC, "town", ""),
        ("白沙镇{v}村小学", K.PRIMARY, PUBLIC, "village", "move_keep"),
        ("白沙镇{v}村小学", K.PRIMARY, PUBLIC, "village", ""),
        ("白沙镇{v}村小学", K.PRIMARY, PUBLIC, "village", ""),
        ("白沙镇{v}教学点", K.TEACHING_POINT, PUBLIC, "village", ""),
        ("白沙镇中心幼儿园", K.KINDERGARTEN, PUBLIC, "town", ""),
        ("白沙镇小太阳幼儿园", K.KINDERGARTEN, PRIVATE, "private", ""),
    ),
    "东山乡": (
        ("东山乡中心小学", K.PRIMARY, PUBLIC, "rural", ""),
        ("东山乡初级中学", K.JUNIOR, PUBLIC, "rural", ""),
        ("东山乡{v}村小学", K.PRIMARY, PUBLIC, "village", ""),
        ("东山乡{v}教学点", K.TEACHING_POINT, PUBLIC, "village", ""),
        ("东山乡中心幼儿园", K.KINDERGARTEN, PUBLIC, "rural", ""),
    ),
    "青石乡": (
        ("青石乡中心小学", K.PRIMARY, PUBLIC, "rural", ""),
        ("青石乡初级中学", K.JUNIOR, PUBLIC, "rural", ""),
        ("示范县青石寄宿制学校", K.NINE_YEAR, PUBLIC, "rural", ""),
        ("青石乡{v}村小学", K.PRIMARY, PUBLIC, "village", ""),
        ("青石乡{v}村小学", K.PRIMARY, PUBLIC, "village", ""),
        ("青石乡{v}村小学", K.PRIMARY, PUBLIC, "village", ""),
        ("青石乡{v}教学点", K.TEACHING_POINT, PUBLIC, "village", ""),
        ("青石乡中心幼儿园", K.KINDERGARTEN, PUBLIC, "rural", ""),
        ("青石乡{v}村幼儿园", K.KINDERGARTEN, PUBLIC, "village", ""),
        ("青石乡春苗幼儿园", K.KINDERGARTEN, PRIVATE, "private", ""),
    ),
    "新塘乡": (
        ("新塘乡中心小学", K.PRIMARY, PUBLIC, "rural", ""),
        ("新塘乡九年一贯制学校", K.NINE_YEAR, PUBLIC, "rural", ""),
        ("新塘乡{v}村小学", K.PRIMARY, PUBLIC, "village", ""),
        ("新塘乡{v}教学点", K.TEACHING_POINT, PUBLIC, "village", ""),
        ("新塘乡中心幼儿园", K.KINDERGARTEN, PUBLIC, "rural", ""),
    ),
}

# Pupils by level: (kind, tier) -> {field: (low, high)}.
ENROLMENT = {
    (K.PRIMARY, "county"): {"enrolment_primary": (1500, 2600)},
    (K.PRIMARY, "town"): {"enrolment_primary": (800, 1500)},
    (K.PRIMARY, "rural"): {"enrolment_primary": (300, 800)},
    (K.PRIMARY, "village"): {"enrolment_primary": (60, 300)},
    (K.TEACHING_POINT, "village"): {"enrolment_primary": (20, 60)},
    (K.JUNIOR, "county"): {"enrolment_junior": (1200, 2200)},
    (K.JUNIOR, "town"): {"enrolment_junior": (600, 1300)},
    (K.JUNIOR, "rural"): {"enrolment_junior": (300, 800)},
    (K.COMPLETE_SECONDARY, "county"): {"enrolment_junior": (900, 1500), "enrolment_senior": (1000, 1800)},
    (K.COMPLETE_SECONDARY, "town"): {"enrolment_junior": (500, 900), "enrolment_senior": (500, 1000)},
    (K.SENIOR, "county"): {"enrolment_senior": (1800, 2500)},
    (K.VOCATIONAL, "county"): {"enrolment_senior": (900, 1600)},
    (K.NINE_YEAR, "county"): {"enrolment_primary": (800, 1300), "enrolment_junior": (400, 800)},
    (K.NINE_YEAR, "town"): {"enrolment_primary": (500, 900), "enrolment_junior": (250, 500)},
    (K.NINE_YEAR, "rural"): {"enrolment_primary": (300, 600), "enrolment_junior": (150, 400)},
    (K.KINDERGARTEN, "county"): {"enrolment_kindergarten": (280, 400)},
    (K.KINDERGARTEN, "town"): {"enrolment_kindergarten": (150, 320)},
    (K.KINDERGARTEN, "rural"): {"enrolment_kindergarten": (80, 200)},
    (K.KINDERGARTEN, "village"): {"enrolment_kindergarten": (40, 90)},
    (K.KINDERGARTEN, "private"): {"enrolment_kindergarten": (80, 300)},
}

# Inspectors of 示范县: (zone index, kind, employer and post, gender or None, certificate year).
FULL, PART = Inspector.Kind.FULL_TIME, Inspector.Kind.PART_TIME
INSPECTORS = (
    (0, FULL, "示范县人民政府教育督导室 专职督学", "male", 2021),
    (0, PART, "示范县教研室 初中语文教研员", None, 2024),
    (0, PART, "示范县机关幼儿园 退休园长", "female", 2024),
    (1, FULL, "示范县人民政府教育督导室 专职督学", None, 2021),
    (1, PART, "示范县实验小学 退休校长", "male", 2024),
    (2, FULL, "示范县人民政府教育督导室 副主任督学", None, 2021),
    (2, PART, "示范县教育局基础教育股 股长", None, 2024),
    (3, FULL, "示范县人民政府教育督导室 专职督学", None, 2022),
    (3, PART, "示范县教师进修学校 高级讲师", None, 2024),
    (3, PART, "示范县第一中学 退休副校长", "male", 2024),
    (4, PART, "示范县教研室 小学数学教研员", None, 2024),
    (4, PART, "示范县教育局安全股 副股长", None, 2024),
)
INSPECTOR_USER = 5  # index of the inspector who signs in as ``inspector`` (zone 3, six schools after the redraw)
ZONE_LEADER = 0  # index of the inspector who leads zone 1 and signs in as ``zone_leader``

NEIGHBOUR_SCHOOLS = (
    ("100", "邻县第一中学", K.SENIOR, "county"),
    ("100", "邻县城关中学", K.JUNIOR, "county"),
    ("100", "邻县实验小学", K.PRIMARY, "county"),
    ("100", "邻县实验幼儿园", K.KINDERGARTEN, "county"),
    ("200", "邻县石门乡中心小学", K.PRIMARY, "rural"),
)


def _enrolment(rng: random.Random, kind: str, tier: str) -> dict[str, int]:
    return {field: rng.randint(low, high) for field, (low, high) in ENROLMENT[(kind, tier)].items()}


def _address(rng: random.Random, county: str, township: str, village: str = "") -> str:
    if village:
        return f"{county}{township}{village}村"
    streets = STREETS_RURAL if township.endswith("乡") else STREETS
    return f"{county}{township}{rng.choice(streets)}{rng.randint(1, 199)}号"


def _point(township: int, seq: int) -> dict:
    """A school's WGS-84 coordinates: its township's place around the county seat, the schools a few
    hundred metres apart (made up, like the county; taken from the index, not the seed)."""
    return {"latitude": COUNTY_POINT[0] + Decimal("0.04") * (township - 4) + Decimal("0.005") * seq,
            "longitude": COUNTY_POINT[1] + Decimal("0.05") * (township % 3) - Decimal("0.004") * seq}


def _demo_channels(*, admin, office) -> None:
    """The office sends the overdue, deadline, survey and report messages by e-mail too."""
    channel_settings_set(actor=admin, office_id=office.pk, defaults={kind: [Channel.EMAIL] for kind in DEMO_EMAIL_KINDS})


def _send_demo_messages(*, office) -> None:
    """A delivery log that works offline: the day's reminders go out (``dudao notify reminders``), then
    the e-mail of the office's messages is delivered at once through Django's in-memory mail backend
    (nothing leaves the machine; docs/notifications.md), each delivery logged as in production.
    Runs after the demo is committed, when the services' messages have been written."""
    with transaction.atomic():
        reminders_send(on=timezone.localdate())
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        for pk in Delivery.objects.filter(office=office, status=Delivery.Status.QUEUED).values_list("pk", flat=True):
            deliver.call(pk)


def _school_people(people: People, kind: str) -> dict:
    # Kindergartens are mostly led by women (园长); schools by either.
    gender = "female" if kind == K.KINDERGARTEN else people.rng.choice(("male", "male", "female"))
    principal, _ = people.name(gender)
    liaison, _ = people.name()
    return {"principal_name": principal, "liaison_name": liaison, "liaison_phone": people.phone()}


# ---- the build ------------------------------------------------------------------------------
@transaction.atomic
def build_demo(*, seed: int = DEFAULT_SEED) -> DemoSummary:
    """Creates the demo county; call only when ``demo_exists()`` is false and ``demo_conflicts()`` empty."""
    rng = random.Random(seed)
    people = People(rng)
    password = make_password(DEMO_PASSWORD)

    admin = User.objects.create(
        username="sysadmin", full_name="系统管理员", email="sysadmin@example.cn", password=password,
        is_superuser=True, is_staff=True,
    )
    Membership.objects.create(user=admin, role=Role.SYSADMIN, valid_from=FIRST_TERM)

    # Regions and offices.
    province = Region.objects.create(code=PROVINCE_CODE, name="示范省", level=Region.Level.PROVINCE)
    city = Region.objects.create(code=CITY_CODE, name="示范市", level=Region.Level.CITY, parent=province)
    county = Region.objects.create(code=COUNTY_CODE, name="示范县", level=Region.Level.COUNTY, parent=city)
    neighbour = Region.objects.create(code=NEIGHBOUR_CODE, name="邻县", level=Region.Level.COUNTY, parent=city)
    townships = {
        t.name: Region.objects.create(code=COUNTY_CODE + t.suffix, name=t.name, level=Region.Level.TOWNSHIP,
                                      parent=county)
        for t in TOWNSHIPS
    }
    neighbour_townships = {
        "100": Region.objects.create(code=NEIGHBOUR_CODE + "100", name="城关镇", level=Region.Level.TOWNSHIP,
                                     parent=neighbour),
        "200": Region.objects.create(code=NEIGHBOUR_CODE + "200", name="石门乡", level=Region.Level.TOWNSHIP,
                                     parent=neighbour),
    }
    city_office = Office.objects.create(
        name="示范市人民政府教育督导室", region=city, hotline="0799-6123456", email="dudao@sfs.example.cn",
        address="示范市行政中心3号楼5楼",
    )
    office = Office.objects.create(
        name="示范县人民政府教育督导室", region=county, hotline="0799-1234567", email="dudao@sfx.example.cn",
        address="示范县城关镇人民路88号（县教育局大院内）",
    )
    neighbour_office = Office.objects.create(
        name="邻县人民政府教育督导室", region=neighbour, hotline="0799-7654321", email="dudao@lx.example.cn",
        address="邻县城关镇建设路16号",
    )

    # Schools of 示范县, township by township.
    villages = rng.sample(VILLAGES, len(VILLAGES))
    schools: list[tuple[School, Township, str]] = []  # (school, township, tag)
    for t_index, township in enumerate(TOWNSHIPS, start=1):
        for seq, (template, kind, ownership, tier, tag) in enumerate(CATALOGUE[township.name], start=1):
            village = villages.pop() if "{v}" in template else ""
            name = template.format(v=village)
            location = RURAL if tier == "village" else township.location
            school = School.objects.create(
                code=f"{COUNTY_CODE}{t_index}{seq:03d}", name=name, kind=kind, ownership=ownership,
                location=location, region=townships[township.name], **_point(t_index, seq),
                address=_address(rng, "示范县", township.name, village),
                **_enrolment(rng, kind, tier), **_school_people(people, kind),
            )
            schools.append((school, township, tag))
    tagged = {tag: school for school, _t, tag in schools if tag}

    # Zones, drawn for the autumn term 2024.
    zones = [Zone.objects.create(office=office, name=name, description=description) for name, description in ZONES]
    zone_schools: list[list[School]] = [[] for _ in zones]
    for school, township, _tag in schools:
        zone_schools[township.zone].append(school)
    for zone, members in zip(zones, zone_schools, strict=True):
        for school in members:
            zone_assign_school(actor=admin, school_id=school.pk, zone_id=zone.pk, on=FIRST_TERM,
                               reason="2024年秋季学期划分督学责任区")

    # Inspectors, listed at the schools of their zone: schools first, kindergartens last, five each.
    inspectors = []
    for serial, (_zone, kind, employer, gender, year) in enumerate(INSPECTORS, start=1):
        name, gender = people.name(gender)
        inspectors.append(Inspector.objects.create(
            office=office, name=name, gender=gender, kind=kind,
            certificate_no=f"督学证 {COUNTY_CODE}-{year}-{serial:03d}", employer=employer, phone=people.phone(), email=people.email(name),
        ))
    for zone_index, members in enumerate(zone_schools):
        mine = [i for i, spec in zip(inspectors, INSPECTORS, strict=True) if spec[0] == zone_index]
        ordered = sorted(members, key=lambda s: s.kind == K.KINDERGARTEN)  # stable: catalogue order otherwise
        for n, school in enumerate(ordered):
            listing_assign(actor=admin, school_id=school.pk, inspector_id=mine[min(n // 5, len(mine) - 1)].pk,
                           on=FIRST_TERM, reason="2024年秋季学期责任督学挂牌")
    for zone, leader in zip(zones, _zone_leaders(inspectors), strict=True):
        kind = "专职" if leader.kind == FULL else "兼职"  # not the translated label: data must not follow the locale
        zone.description = f"{zone.description}。组长：{leader.name}（{kind}督学）"
        zone.save(update_fields=["description", "updated_at"])

    # Autumn 2025: two 白沙镇 schools join the 河口 education group and move to zone 3; one of them
    # takes the 河口 inspector (who now has six schools), the other keeps its inspector for continuity.
    # In zone 1 two inspectors swap a school so that each looks after one stage.
    for tag in ("move_relist", "move_keep"):
        zone_assign_school(actor=admin, school_id=tagged[tag].pk, zone_id=zones[2].pk, on=REDRAW,
                           reason="白沙镇学校加入河口教育集团，调整督学责任区")
    listing_assign(actor=admin, school_id=tagged["move_relist"].pk, inspector_id=inspectors[INSPECTOR_USER].pk,
                   on=REDRAW, reason="随责任区调整更换责任督学")
    swap_1_from = Listing.objects.get(school=tagged["swap_1"], valid_to__isnull=True).inspector_id
    swap_2_from = Listing.objects.get(school=tagged["swap_2"], valid_to__isnull=True).inspector_id
    listing_assign(actor=admin, school_id=tagged["swap_1"].pk, inspector_id=swap_2_from, on=REDRAW,
                   reason="按学段调整挂牌，便于专业指导")
    listing_assign(actor=admin, school_id=tagged["swap_2"].pk, inspector_id=swap_1_from, on=REDRAW,
                   reason="按学段调整挂牌，便于专业指导")

    # 邻县: a few schools, one zone, one inspector — there only to show that scope holds.
    neighbour_zone = Zone.objects.create(office=neighbour_office, name="邻县督学责任区",
                                         description="邻县全部学校和幼儿园")
    name, gender = people.name()
    neighbour_inspector = Inspector.objects.create(
        office=neighbour_office, name=name, gender=gender, kind=PART,
        certificate_no=f"督学证 {NEIGHBOUR_CODE}-2024-001", employer="邻县教研室 教研员", phone=people.phone(), email=people.email(name),
    )
    for n, (suffix, school_name, kind, tier) in enumerate(NEIGHBOUR_SCHOOLS):
        township = neighbour_townships[suffix]
        seq = sum(1 for s in NEIGHBOUR_SCHOOLS[: n + 1] if s[0] == suffix)
        school = School.objects.create(
            code=f"{NEIGHBOUR_CODE}{1 if suffix == '100' else 2}{seq:03d}", name=school_name, kind=kind,
            location=URBAN if suffix == "100" else RURAL, region=township,
            address=_address(rng, "邻县", township.name),
            **_enrolment(rng, kind, tier), **_school_people(people, kind),
        )
        zone_assign_school(actor=admin, school_id=school.pk, zone_id=neighbour_zone.pk, on=FIRST_TERM,
                           reason="2024年秋季学期划分督学责任区")
        listing_assign(actor=admin, school_id=school.pk, inspector_id=neighbour_inspector.pk, on=FIRST_TERM,
                       reason="2024年秋季学期责任督学挂牌")

    # One account per role.
    def account(username, full_name, *, phone="", email="", **membership):
        user = User.objects.create(username=username, full_name=full_name, password=password, phone=phone,
                                   email=email or people.email(full_name))
        Membership.objects.create(user=user, valid_from=FIRST_TERM, **membership)
        return user

    office_admin = account("office_admin", OFFICE_ADMIN_NAME, phone=people.phone(), role=Role.OFFICE_ADMIN,
                           office=office)
    account("office_staff", OFFICE_STAFF_NAME, phone=people.phone(), role=Role.OFFICE_STAFF, office=office)
    account("city_admin", CITY_ADMIN_NAME, phone=people.phone(), role=Role.OFFICE_ADMIN, office=city_office)
    account("neighbour_admin", NEIGHBOUR_ADMIN_NAME, phone=people.phone(), role=Role.OFFICE_ADMIN,
            office=neighbour_office)
    leader = inspectors[ZONE_LEADER]
    leader.user = account("zone_leader", leader.name, phone=leader.phone, email=leader.email,
                          role=Role.ZONE_LEADER, office=office, zone=zones[0])
    leader.save(update_fields=["user", "updated_at"])
    listed = inspectors[INSPECTOR_USER]
    listed.user = account("inspector", listed.name, phone=listed.phone, email=listed.email,
                          role=Role.INSPECTOR, office=office)
    listed.save(update_fields=["user", "updated_at"])
    school = tagged["liaison"]
    account("liaison", school.liaison_name, phone=school.liaison_phone, role=Role.SCHOOL_LIAISON, office=office,
            school=school)
    account("principal", school.principal_name, phone=people.phone(), role=Role.PRINCIPAL, office=office,
            school=school)
    # the responsible units that are not schools, and the contact of the bureau's safety department
    departments = load_demo_departments(admin=User.objects.get(pk=office_admin.pk), office=office, townships=townships)
    account("unit_liaison", UNIT_LIAISON_NAME, phone=people.phone(), role=Role.UNIT_LIAISON, office=office,
            department=departments[0])

    # The other inspectors sign in too; the office sets its deadlines, plans the year and the loop runs.
    office_admin = User.objects.get(pk=office_admin.pk)
    inspector_accounts(admin=office_admin, office=office, inspectors=inspectors, password=password,
                       valid_from=FIRST_TERM)
    deadline_policies_set(admin=office_admin, office=office)
    _demo_channels(admin=office_admin, office=office)
    load_plans(rng, office=office, zones=zones, inspectors=inspectors, reviewer=office_admin)
    load_loop(rng, admin=office_admin, office=office,
              schools=[s for s, _t, _tag in schools], password=password, valid_from=FIRST_TERM,
              liaison_school=tagged["liaison"], drafts_for=inspectors[INSPECTOR_USER])
    file_demo_documents(admin=office_admin, inspector_user=User.objects.get(pk=listed.user_id),
                        liaison_school=tagged["liaison"], office=office)
    load_demo_campaigns(admin=User.objects.get(pk=office_admin.pk), office=office)
    load_demo_directives(admin=User.objects.get(pk=office_admin.pk), office=office, liaison_school=tagged["liaison"],
                         department=departments[0])
    primary = [s for s, _t, _tag in schools if s.kind == tagged["liaison"].kind and s != tagged["liaison"]]
    load_evaluations(admin=User.objects.get(pk=office_admin.pk), office=office,
                     schools=[tagged["liaison"], *primary[:3]], password=password, valid_from=FIRST_TERM)
    load_demo_balance(rng, admin=User.objects.get(pk=office_admin.pk), office=office)
    load_statutory()  # this year's holidays and 调休 working days (shipped data; loaded again, idempotent)
    # the messages are written after commit (services notify then): deliver them after those
    transaction.on_commit(partial(_send_demo_messages, office=office))

    return demo_summary()


def _zone_leaders(inspectors: list[Inspector]) -> list[Inspector]:
    """The leader of each zone: its full-time inspector, else its first one."""
    leaders = []
    for zone_index in range(len(ZONES)):
        mine = [(spec[1] != FULL, n) for n, spec in enumerate(INSPECTORS) if spec[0] == zone_index]
        leaders.append(inspectors[min(mine)[1]])
    return leaders
