"""Builds a synthetic province in PostgreSQL: the organisation tree and years of monthly visits.

    DATABASE_URL=postgres://postgres@127.0.0.1:55432/dudao_bench \\
        python bench/generate.py --schools 20000 --years 10 --seed 1

The database must be migrated and hold no organisation data yet (a fresh ``migrate``). Rows are
written with PostgreSQL ``COPY`` (psycopg 3 ``cursor.copy``) with their ids chosen here, so
foreign keys need no round trips; the identity sequences are moved past them at the end and the
tables are analysed.

What it builds (deterministic for the same ``--seed``, ``--schools``, ``--years`` and ``--end``):

* regions: 1 province (99), 14 cities, 100 counties, 10 townships per county; materialised
  ``path`` and pinyin ``sort_key`` computed here, as ``Region.save`` would;
* an office for the province, each city and each county; 5 zones per county office;
* schools spread over the townships; each in one zone and listed (挂牌) at one inspector; about 5
  schools per inspector (so ~4 000 inspectors for 20 000 schools), each inspector with a user
  account and an inspector membership in the county office;
* per school and month, one routine visit on the national checklist (5 % of months have none,
  2 % have a second one); the current month only up to today, with a few drafts; ~30 % of visits
  with an observed lesson;
* findings on ~3 % of visits (on a checklist item), a notice for ~60 % of findings with answers,
  re-checks and escalations in the states their age makes likely (old ones mostly closed, a few
  left overdue);
* a routine task per inspector per month, most done;
* users for the benchmark (password ``dudao-demo``): ``bench_inspector`` (the first inspector of
  the first county), ``bench_zone_leader``, ``bench_county_admin``, ``bench_city_admin``,
  ``bench_province_admin``; and one office administrator per office (``admin_<code>``).

Not generated: audit events (the history did not go through the services), checklist answers
(``instruments.Response``/``Answer``), evidence files, work plans and notifications. None of the
measured pages reads them except the dashboard's short "recent events" list.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
import time
import uuid
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dudao.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, models  # noqa: E402

from dudao.accounts.models import Membership, Role, User  # noqa: E402
from dudao.documents.models import IssuedNumber, NumberSequence  # noqa: E402
from dudao.inspections.models import (  # noqa: E402
    Escalation,
    Finding,
    LessonObservation,
    Method,
    Recheck,
    Rectification,
    RectificationResponse,
    Severity,
    Visit,
)
from dudao.inspectors.models import Inspector, Listing  # noqa: E402
from dudao.instruments.models import Instrument, InstrumentVersion, Item  # noqa: E402
from dudao.organizations.models import Office, Region, School, Zone, ZoneMembership, pinyin_key  # noqa: E402
from dudao.plans.models import Task  # noqa: E402

TZ = ZoneInfo(settings.TIME_ZONE)
PASSWORD = "dudao-demo"
NOTICE_NUMBER = "督整〔{year}〕{seq}号"  # the pattern with the office's name left out
CITIES = 14
COUNTIES = 100
TOWNSHIPS_PER_COUNTY = 10
ZONES_PER_COUNTY = 5
SCHOOLS_PER_INSPECTOR = 5
CHUNK_SCHOOLS = 500  # schools whose history is generated and copied at once

CITY_NAMES = ["临江", "青山", "白河", "石门", "云岭", "东湖", "南屏", "西岭", "北塘", "金沙", "玉泉", "松林", "梅岭", "桃源",
              "柳溪", "竹溪"]
COUNTY_WORDS = ["安", "平", "宁", "和", "丰", "兴", "泰", "清", "长", "永", "新", "富", "乐", "康", "德", "顺"]
TOWN_WORDS = ["河口", "石桥", "大坪", "长岭", "新街", "马场", "龙潭", "沙坝", "高桥", "花园", "竹林", "白岩"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志文海燕鹏飞晓雪"
KINDS = [  # (kind, weight, name suffix)
    (School.Kind.PRIMARY, 45, "小学"),
    (School.Kind.KINDERGARTEN, 30, "幼儿园"),
    (School.Kind.JUNIOR, 12, "中学"),
    (School.Kind.NINE_YEAR, 5, "九年制学校"),
    (School.Kind.COMPLETE_SECONDARY, 3, "完全中学"),
    (School.Kind.SENIOR, 3, "高级中学"),
    (School.Kind.VOCATIONAL, 2, "职业学校"),
]
HIGHLIGHTS = ["课后服务安排有序，学生参与率高。", "校园环境整洁，安全台账规范。", "教研活动扎实，集体备课记录完整。",
              "食堂管理规范，陪餐制度落实。", "体育大课间组织有序。", ""]
FEEDBACK = ["已当场向校长反馈，建议完善相关制度。", "已与分管副校长交换意见。", "肯定成绩，指出不足，限期改进。", ""]
PROBLEMS = ["部分班级作业量偏大。", "消防通道有杂物堆放。", "晨午检记录不全。", "食堂留样记录缺少签字。",
            "校门口护学岗人员不足。", "个别教师体罚学生苗头。"]
SUBJECTS = ["语文", "数学", "英语", "科学", "道德与法治", "体育", "音乐", "美术"]
METHOD_SETS = [
    json.dumps([Method.CAMPUS_WALK, Method.RECORDS]),
    json.dumps([Method.CAMPUS_WALK, Method.LESSON]),
    json.dumps([Method.MEETING, Method.TALKS]),
    json.dumps([Method.CAMPUS_WALK]),
]
SEVERITIES = [(Severity.MINOR, 30), (Severity.GENERAL, 55), (Severity.SERIOUS, 12), (Severity.URGENT, 3)]
DEADLINE_DAYS = {Severity.MINOR: 30, Severity.GENERAL: 30, Severity.SERIOUS: 15, Severity.URGENT: 3}


# ---- COPY helpers --------------------------------------------------------------------------------


class Copier:
    """Writes rows of one model with ``COPY``; missing fields take the model's (non-callable) default."""

    def __init__(self):
        self.counts: dict[str, int] = {}
        self.seconds: dict[str, float] = {}

    @staticmethod
    def _defaults(model) -> dict[str, object]:
        out = {}
        for f in model._meta.concrete_fields:
            if f.has_default() and not callable(f.default):
                value = f.default
                out[f.attname] = json.dumps(value) if isinstance(f, models.JSONField) else value
            elif isinstance(f, models.CharField | models.TextField) and not f.null:
                out[f.attname] = ""
            elif f.null:
                out[f.attname] = None
        return out

    def copy(self, model, rows: list[dict]) -> None:
        if not rows:
            return
        started = time.monotonic()
        fields = model._meta.concrete_fields
        defaults = self._defaults(model)
        names = [f.attname for f in fields]
        missing = [n for n in names if n not in rows[0] and n not in defaults]
        if missing:
            raise ValueError(f"{model.__name__}: no value for {missing}")
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as cp:
            for row in rows:
                cp.write_row([row[n] if n in row else defaults[n] for n in names])
        label = model._meta.db_table
        self.counts[label] = self.counts.get(label, 0) + len(rows)
        self.seconds[label] = self.seconds.get(label, 0.0) + time.monotonic() - started


@cache
def sort_key(name: str) -> str:
    return pinyin_key(name)


def aware(day: datetime.date, hour: int = 16, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def months_back(end: datetime.date, years: int) -> list[datetime.date]:
    """The first days of the ``years * 12`` months ending with ``end``'s month."""
    out = []
    y, m = end.year, end.month
    for _ in range(years * 12):
        out.append(datetime.date(y, m, 1))
        m -= 1
        if m == 0:
            y, m = y - 1, 12
    return out[::-1]


def month_end(first: datetime.date) -> datetime.date:
    nxt = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return nxt - datetime.timedelta(days=1)


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")


def weighted(rng: random.Random, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


# ---- the generator ---------------------------------------------------------------------------------


class Province:
    def __init__(self, *, schools: int, years: int, seed: int, end: datetime.date):
        self.n_schools = schools
        self.years = years
        self.seed = seed
        self.end = end
        self.months = months_back(end, years)
        self.start = self.months[0]
        self.rng = random.Random(seed)
        self.copier = Copier()
        self.ids: dict[str, int] = {}
        self.password = make_password(PASSWORD, salt="benchsalt")

    def next_id(self, model) -> int:
        key = model._meta.db_table
        if key not in self.ids:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(key)}")
                self.ids[key] = cursor.fetchone()[0]
        self.ids[key] += 1
        return self.ids[key]

    def stamp(self, day: datetime.date | None = None) -> dict:
        at = aware(day or self.start, 9)
        return {"created_at": at, "updated_at": at}

    # -- users ---------------------------------------------------------------------------------
    def user(self, username: str, full_name: str) -> dict:
        return {
            "id": self.next_id(User), "password": self.password, "last_login": None, "is_superuser": False,
            "username": username, "first_name": "", "last_name": "", "email": "", "is_staff": False,
            "is_active": True, "date_joined": aware(self.start, 9), "full_name": full_name, "phone": "", "language": "",
        }

    def membership(self, user_id: int, role: str, office_id: int, zone_id: int | None = None) -> dict:
        return {"id": self.next_id(Membership), "user_id": user_id, "role": role, "office_id": office_id,
                "zone_id": zone_id, "school_id": None, "valid_from": self.start, "valid_to": None, **self.stamp()}

    # -- the tree ------------------------------------------------------------------------------
    def build_tree(self) -> None:
        rng = self.rng
        regions, offices, zones, users, memberships = [], [], [], [], []
        self.counties: list[dict] = []  # county region rows with their townships, office, zones
        self.office_admin: dict[int, int] = {}  # office id → its admin user id

        def region(code, name, level, parent):
            path = (parent["path"] if parent else "/") + f"{code}/"
            row = {"id": self.next_id(Region), "code": code, "name": name, "level": level,
                   "parent_id": parent["id"] if parent else None, "path": path, "sort_key": sort_key(name),
                   **self.stamp()}
            regions.append(row)
            return row

        def office(reg, username):
            row = {"id": self.next_id(Office), "name": f"{reg['name']}人民政府教育督导室", "region_id": reg["id"],
                   "hotline": "12345", "email": "", "address": "", "schools_per_inspector": SCHOOLS_PER_INSPECTOR,
                   "schools_per_zone": 60, **self.stamp()}
            offices.append(row)
            admin = self.user(username or f"admin_{reg['code']}", f"{reg['name']}督导室管理员")
            users.append(admin)
            memberships.append(self.membership(admin["id"], Role.OFFICE_ADMIN, row["id"]))
            self.office_admin[row["id"]] = admin["id"]
            return row

        province = region("99", "示范省", Region.Level.PROVINCE, None)
        self.province_office = office(province, "bench_province_admin")
        county_no = 0
        for c in range(CITIES):
            city = region(f"99{c + 1:02d}", f"{CITY_NAMES[c]}市", Region.Level.CITY, province)
            city_office = office(city, "bench_city_admin" if c == 0 else None)
            if c == 0:
                self.city_office = city_office
            n_counties = COUNTIES // CITIES + (1 if c < COUNTIES % CITIES else 0)
            for k in range(n_counties):
                county_no += 1
                word = COUNTY_WORDS[k % len(COUNTY_WORDS)]
                county = region(f"{city['code']}{k + 1:02d}", f"{CITY_NAMES[c][0]}{word}县", Region.Level.COUNTY, city)
                county_office = office(county, "bench_county_admin" if county_no == 1 else None)
                townships = [
                    region(f"{county['code']}{t + 1:03d}", f"{TOWN_WORDS[t % len(TOWN_WORDS)]}镇",
                           Region.Level.TOWNSHIP, county)
                    for t in range(TOWNSHIPS_PER_COUNTY)
                ]
                county_zones = []
                for z in range(ZONES_PER_COUNTY):
                    zrow = {"id": self.next_id(Zone), "office_id": county_office["id"], "name": f"第{z + 1}责任区",
                            "number": z + 1, "description": "", "is_active": True, **self.stamp()}
                    zones.append(zrow)
                    county_zones.append(zrow)
                self.counties.append({"region": county, "office": county_office, "townships": townships,
                                      "zones": county_zones, "schools": [], "inspectors": []})
        self.copier.copy(Region, regions)
        self.copier.copy(Office, offices)
        self.copier.copy(Zone, zones)
        self.copier.copy(User, users)
        self.copier.copy(Membership, memberships)
        self.rng = rng

    def build_schools(self) -> None:
        rng = self.rng
        schools, zms, inspectors, listings, users, memberships = [], [], [], [], [], []
        per_county = [self.n_schools // len(self.counties)] * len(self.counties)
        for i in range(self.n_schools % len(self.counties)):
            per_county[i] += 1
        self.schools: list[dict] = []
        cert = 0
        for county, n in zip(self.counties, per_county, strict=True):
            counter: dict[str, int] = {}
            for s in range(n):
                township = county["townships"][s % len(county["townships"])]
                kind, _w, suffix = KINDS[rng.choices(range(len(KINDS)), weights=[k[1] for k in KINDS])[0]]
                key = township["name"] + suffix
                counter[key] = counter.get(key, 0) + 1
                name = f"{county['region']['name']}{township['name']}第{counter[key]}{suffix}"
                school_id = self.next_id(School)
                pupils = rng.randint(80, 1800)
                row = {
                    "id": school_id, "code": f"B{school_id:09d}", "name": name, "kind": kind,
                    "ownership": School.Ownership.PRIVATE if rng.random() < 0.1 else School.Ownership.PUBLIC,
                    "location": rng.choice(list(School.Location.values)), "region_id": township["id"],
                    "address": f"{township['name']}中心街{s + 1}号",
                    "enrolment_kindergarten": pupils if kind == School.Kind.KINDERGARTEN else 0,
                    "enrolment_primary": pupils if kind in (School.Kind.PRIMARY, School.Kind.NINE_YEAR) else 0,
                    "enrolment_junior": pupils if kind in (School.Kind.JUNIOR, School.Kind.COMPLETE_SECONDARY) else 0,
                    "enrolment_senior": pupils if kind in (School.Kind.SENIOR, School.Kind.VOCATIONAL) else 0,
                    "liaison_name": person(rng), "liaison_phone": f"139{school_id:08d}", "principal_name": person(rng),
                    "is_active": True, "sort_key": sort_key(name), **self.stamp(),
                }
                schools.append(row)
                zone = county["zones"][s * len(county["zones"]) // max(n, 1)]
                zms.append({"id": self.next_id(ZoneMembership), "zone_id": zone["id"], "school_id": school_id,
                            "valid_from": self.start, "valid_to": None, **self.stamp()})
                county["schools"].append({"id": school_id, "kind": kind, "zone_id": zone["id"],
                                          "office_id": county["office"]["id"]})
            # schools are in zone order: every 5 consecutive schools get one inspector
            for start in range(0, n, SCHOOLS_PER_INSPECTOR):
                cert += 1
                name = person(rng)
                username = "bench_inspector" if cert == 1 else f"insp{cert:05d}"
                user = self.user(username, name)
                users.append(user)
                inspector_id = self.next_id(Inspector)
                inspectors.append({
                    "id": inspector_id, "office_id": county["office"]["id"], "user_id": user["id"], "name": name,
                    "gender": rng.choice(["male", "female"]),
                    "kind": Inspector.Kind.FULL_TIME if rng.random() < 0.3 else Inspector.Kind.PART_TIME,
                    "certificate_no": f"DX{cert:07d}", "employer": "", "phone": f"138{cert:08d}", "email": "",
                    "photo": "", "status": Inspector.Status.ACTIVE, "sort_key": sort_key(name), **self.stamp(),
                })
                memberships.append(self.membership(user["id"], Role.INSPECTOR, county["office"]["id"]))
                group = county["schools"][start:start + SCHOOLS_PER_INSPECTOR]
                county["inspectors"].append({"id": inspector_id, "user_id": user["id"], "zone_id": group[0]["zone_id"]})
                for school in group:
                    school["inspector_id"] = inspector_id
                    school["user_id"] = user["id"]
                    listings.append({"id": self.next_id(Listing), "inspector_id": inspector_id,
                                     "school_id": school["id"], "valid_from": self.start, "valid_to": None,
                                     **self.stamp()})
            self.schools.extend(county["schools"])
        first = self.counties[0]
        leader = self.user("bench_zone_leader", "责任区组长")
        users.append(leader)
        memberships.append(self.membership(leader["id"], Role.ZONE_LEADER, first["office"]["id"],
                                           first["zones"][0]["id"]))
        self.copier.copy(School, schools)
        self.copier.copy(ZoneMembership, zms)
        self.copier.copy(User, users)
        self.copier.copy(Inspector, inspectors)
        self.copier.copy(Membership, memberships)
        self.copier.copy(Listing, listings)

    # -- the monthly history ---------------------------------------------------------------------
    def checklists(self) -> None:
        versions = {}
        for v in InstrumentVersion.objects.filter(  # scope: a bench script reads the shipped instruments
                instrument__office__isnull=True, instrument__kind=Instrument.Kind.CHECKLIST,
                status=InstrumentVersion.Status.PUBLISHED).select_related("instrument"):
            versions[v.instrument.audience] = v
        self.checklist = {}
        for audience, kindergarten in ((Instrument.Audience.SCHOOLS, False), (Instrument.Audience.KINDERGARTENS, True)):
            version = versions.get(audience)
            items = list(Item.objects.filter(version=version).exclude(  # scope: a bench script reads the shipped items
                response_type=Item.ResponseType.SECTION).values_list("id", "code")) if version else []
            self.checklist[kindergarten] = (version.pk if version else None, items or [(None, "")])

    def build_history(self) -> None:
        today = self.end
        total = len(self.schools)
        started = time.monotonic()
        self.sequence: dict[tuple[int, int], int] = {}
        self.numbers: list[tuple[int, int, str, int]] = []  # office, year, number, notice
        for chunk_start in range(0, total, CHUNK_SCHOOLS):
            chunk = self.schools[chunk_start:chunk_start + CHUNK_SCHOOLS]
            visits, lessons, findings, notices, answers, rechecks, escalations = [], [], [], [], [], [], []
            for school in chunk:
                self.school_history(school, today, visits, lessons, findings, notices, answers, rechecks, escalations)
            self.copier.copy(Visit, visits)
            self.copier.copy(LessonObservation, lessons)
            self.copier.copy(Finding, findings)
            self.copier.copy(Rectification, notices)
            self.copier.copy(RectificationResponse, answers)
            self.copier.copy(Recheck, rechecks)
            self.copier.copy(Escalation, escalations)
            done = chunk_start + len(chunk)
            elapsed = time.monotonic() - started
            print(f"  history: {done}/{total} schools, {self.copier.counts.get('inspections_visit', 0)} visits, "
                  f"{elapsed:.0f}s (eta {elapsed / done * (total - done):.0f}s)", flush=True)
        sequence_ids = {key: self.next_id(NumberSequence) for key in sorted(self.sequence)}
        self.copier.copy(NumberSequence, [
            {"id": sequence_ids[office_id, year], "office_id": office_id, "year": year,
             "pattern": NOTICE_NUMBER.format(year=year, seq="{seq}"), "last": last,
             **self.stamp(datetime.date(year, 1, 1))}
            for (office_id, year), last in sorted(self.sequence.items())
        ])
        self.copier.copy(IssuedNumber, [
            {"id": self.next_id(IssuedNumber), "office_id": office_id, "year": year, "number": number,
             "kind": "rectification_notice", "sequence_id": sequence_ids[office_id, year],
             "subject_type": "inspections.rectification", "subject_id": notice_id, "replaces": "",
             **self.stamp(datetime.date(year, 1, 1))}
            for office_id, year, number, notice_id in self.numbers
        ])

    def school_history(self, school, today, visits, lessons, findings, notices, answers, rechecks, escalations):
        rng = random.Random(self.seed * 1_000_003 + school["id"])
        kindergarten = school["kind"] == School.Kind.KINDERGARTEN
        checklist_id, items = self.checklist[kindergarten]
        admin = self.office_admin[school["office_id"]]
        for first in self.months:
            roll = rng.random()
            count = 0 if roll < 0.05 else (2 if roll > 0.98 else 1)
            last_day = month_end(first).day
            for _ in range(count):
                day = first.replace(day=rng.randint(1, min(last_day, 28)))
                if day > today:
                    continue
                draft = first.year == today.year and first.month == today.month and rng.random() < 0.03
                at = aware(day, rng.randint(9, 17), rng.randint(0, 59))
                visit_id = self.next_id(Visit)
                visits.append({
                    "id": visit_id, "client_uuid": uuid.UUID(int=rng.getrandbits(128), version=4),
                    "school_id": school["id"], "inspector_id": school["inspector_id"], "date": day,
                    "kind": Visit.Kind.ROUTINE, "methods": rng.choice(METHOD_SETS), "purpose": "经常性督导",
                    "checklist_id": checklist_id, "response_id": None, "highlights": rng.choice(HIGHLIGHTS),
                    "highlight_recommended": rng.random() < 0.02, "problems": "", "feedback": rng.choice(FEEDBACK),
                    "status": Visit.Status.DRAFT if draft else Visit.Status.SUBMITTED,
                    "submitted_at": None if draft else at, "created_by_id": school["user_id"],
                    "created_at": at, "updated_at": at,
                })
                if rng.random() < 0.3:
                    lessons.append({
                        "id": self.next_id(LessonObservation), "visit_id": visit_id,
                        "class_name": f"{rng.randint(1, 6)}年级{rng.randint(1, 6)}班", "subject": rng.choice(SUBJECTS),
                        "teacher": person(rng), "topic": "", "rating": weighted(rng, [("excellent", 25), ("good", 50),
                                                                                      ("fair", 20), ("poor", 5)]),
                        "comments": "",
                    })
                if not draft and rng.random() < 0.03:
                    self.finding(rng, school, admin, visit_id, day, items, today, findings, notices, answers,
                                 rechecks, escalations)

    def finding(self, rng, school, admin, visit_id, day, items, today, findings, notices, answers, rechecks,
                escalations):
        item_id, item_code = rng.choice(items)
        severity = weighted(rng, SEVERITIES)
        finding_id = self.next_id(Finding)
        findings.append({
            "id": finding_id, "school_id": school["id"], "visit_id": visit_id, "item_id": item_id,
            "item_code": item_code, "severity": severity, "description": rng.choice(PROBLEMS), "found_on": day,
            "created_by_id": school["user_id"], **self.stamp(day),
        })
        if rng.random() >= 0.6:
            return
        issued = min(day + datetime.timedelta(days=rng.randint(0, 3)), today)
        deadline = issued + datetime.timedelta(days=DEADLINE_DAYS[severity])
        age = (today - deadline).days  # days past the deadline (negative: still running)
        roll = rng.random()
        if age > 60:
            status = "closed" if roll < 0.97 else ("issued" if roll < 0.99 else "returned")
        elif age > 0:
            status = "closed" if roll < 0.6 else ("issued" if roll < 0.8 else ("returned" if roll < 0.9 else "submitted"))
        else:
            status = "issued" if roll < 0.5 else ("submitted" if roll < 0.75 else ("returned" if roll < 0.85 else "closed"))
        key = (school["office_id"], issued.year)
        self.sequence[key] = self.sequence.get(key, 0) + 1
        notice_id = self.next_id(Rectification)
        answered = min(issued + datetime.timedelta(days=rng.randint(3, DEADLINE_DAYS[severity])), today)
        checked = min(answered + datetime.timedelta(days=rng.randint(1, 10)), today)
        number = NOTICE_NUMBER.format(year=issued.year, seq=self.sequence[key])
        self.numbers.append((school["office_id"], issued.year, number, notice_id))
        notices.append({
            "id": notice_id, "finding_id": finding_id, "school_id": school["id"],
            "number": number, "requirements": "请按要求限期整改并报送整改报告。",
            "issued_on": issued, "deadline": deadline, "status": status, "issued_by_id": admin,
            "closed_on": checked if status == "closed" else None, **self.stamp(issued),
        })
        if status in ("submitted", "returned", "closed"):
            answers.append({"id": self.next_id(RectificationResponse), "rectification_id": notice_id,
                            "measures": "已制定整改方案并落实到人。", "submitted_by_id": admin,
                            "submitted_at": aware(answered, 10)})
        if status in ("returned", "closed"):
            rechecks.append({
                "id": self.next_id(Recheck), "rectification_id": notice_id,
                "result": Recheck.Result.RECTIFIED if status == "closed" else Recheck.Result.PARTIAL,
                "remarks": "", "checked_on": checked, "checked_by_id": school["user_id"],
                "closed": status == "closed", "recorded_at": aware(checked, 15),
            })
        if status in ("issued", "returned") and age > 30 and rng.random() < 0.3:
            when = min(deadline + datetime.timedelta(days=rng.randint(5, 30)), today)
            escalations.append({"id": self.next_id(Escalation), "rectification_id": notice_id,
                                "kind": Escalation.Kind.INTERVIEW, "date": when, "note": "约谈校长。",
                                "recorded_by_id": admin, "recorded_at": aware(when, 11)})

    def build_tasks(self) -> None:
        today = self.end
        tasks = []
        for county in self.counties:
            admin = self.office_admin[county["office"]["id"]]
            for inspector in county["inspectors"]:
                rng = random.Random(self.seed * 7_000_003 + inspector["id"])
                for first in self.months:
                    due = month_end(first)
                    done = due < today and rng.random() < 0.95 or due >= today and rng.random() < 0.4
                    completed = due - datetime.timedelta(days=rng.randint(-5, 10)) if done else None
                    if completed is not None:
                        completed = min(completed, today)
                    tasks.append({
                        "id": self.next_id(Task), "office_id": county["office"]["id"], "kind": Task.Kind.ROUTINE,
                        "title": f"{first.year}年{first.month}月经常性督导", "description": "",
                        "inspector_id": inspector["id"], "school_id": None, "zone_id": inspector["zone_id"],
                        "due_date": due, "status": Task.Status.DONE if done else Task.Status.OPEN,
                        "completed_on": completed, "completed_at": aware(completed, 18) if completed else None,
                        "completion_note": "", "batch": None, "created_by_id": admin, **self.stamp(first),
                    })
            if len(tasks) > 100_000:
                self.copier.copy(Task, tasks)
                tasks = []
        self.copier.copy(Task, tasks)

    # -- finishing -------------------------------------------------------------------------------
    def finish(self) -> None:
        with connection.cursor() as cursor:
            for table in sorted(self.copier.counts):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT MAX(id) FROM {connection.ops.quote_name(table)}))",
                    [table],
                )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schools", type=int, default=20_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--end", type=datetime.date.fromisoformat, default=None,
                        help="the last day of the history (default: today)")
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        parser.error("DATABASE_URL must point at PostgreSQL (the generator uses COPY)")
    if School.objects.exists() or Region.objects.exists():  # scope: a bench script checks the whole database
        parser.error("the database already holds regions or schools: run it on a freshly migrated database")
    from django.utils import timezone

    from dudao.core.tally import recount, summary_models

    end = args.end or timezone.localdate()
    province = Province(schools=args.schools, years=args.years, seed=args.seed, end=end)
    print(f"Generating {args.schools} schools, {args.years} years ({province.start} … {end}), seed {args.seed}",
          flush=True)
    steps = [("tree", province.build_tree), ("schools, zones, inspectors", province.build_schools),
             ("checklists", province.checklists), ("visits and rectifications", province.build_history),
             ("tasks", province.build_tasks), ("sequences", province.finish),
             *((f"summary {model._meta.label}", lambda model=model: recount(model)) for model in summary_models())]
    overall = time.monotonic()
    for label, step in steps:
        started = time.monotonic()
        step()
        print(f"{label}: {time.monotonic() - started:.1f}s", flush=True)
    started = time.monotonic()
    connection.ensure_connection()
    autocommit = connection.connection.autocommit
    connection.connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    connection.connection.autocommit = autocommit
    print(f"vacuum analyze: {time.monotonic() - started:.1f}s", flush=True)
    print(f"total: {time.monotonic() - overall:.1f}s", flush=True)
    print("\nrows copied (table: rows, seconds)")
    for table, n in sorted(province.copier.counts.items()):
        print(f"  {table}: {n} ({province.copier.seconds[table]:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
