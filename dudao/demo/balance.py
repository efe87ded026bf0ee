"""The demo county's balanced-development statistics (均衡发展监测): its last two statistics years.

The statistics of a year are those of the start of its school year (学年初, September), so the
current statistics year is this year from September and last year before it. The office opens both
years and imports the county workbook of each through ``monitoring.services`` (the same template and
import as the page, audited); the earlier year is locked as reviewed, the current one stays open.

The figures are drawn for every primary, junior secondary, nine-year and complete secondary school of
the county from its enrolment: pupils per stage, facilities (whole-school totals on the first row of
a combined school), equipment, books and teachers around the 2017 standard values, small village
schools with roomier buildings and fewer qualified teachers, so the CVs are those of a real county
(some indicators within the thresholds, some not). The earlier year has slightly smaller facilities.
"""

import datetime
import math
import random
import tempfile
from pathlib import Path

from django.utils import timezone

from dudao.core.excel import write_workbook
from dudao.monitoring import analysis, selectors, services
from dudao.monitoring.formulas import QUALITY_2017_STANDARDS, Stage
from dudao.organizations.models import School

STAGES = {"小学": Stage.PRIMARY, "初中": Stage.JUNIOR}


def statistics_years(today: datetime.date) -> tuple[int, int]:
    """The previous and the current statistics year on ``today`` (statistics are taken in September)."""
    current = today.year if today.month >= 9 else today.year - 1
    return current - 1, current


def _pupils(school: School, stage: Stage) -> int:
    return school.enrolment_primary if stage is Stage.PRIMARY else school.enrolment_junior


def _facilities(rng: random.Random, pupils: int, stage: Stage, small: bool) -> dict[str, float]:
    """Whole-school facility totals for ``pupils`` (a village school's buildings do not shrink with it)."""
    standard = QUALITY_2017_STANDARDS[stage]
    room = rng.uniform(1.4, 2.6) if small else rng.uniform(0.8, 1.45)
    teaching = standard["teaching_area"] * pupils * room
    gym = 0 if small or rng.random() < 0.4 else rng.uniform(500, 1200)
    field_area = max(standard["sports_area"] * pupils * rng.uniform(0.7, 1.5) - gym, 1800 if small else 0)
    return {
        "teaching_area_m2": round(teaching, 1),
        "indoor_sports_area_m2": round(gym + teaching * rng.uniform(0.02, 0.05), 1),  # the gym is one of them
        "gym_area_m2": round(gym, 1),
        "field_area_m2": round(field_area, 1),
        "equipment_value_yuan": round(standard["equipment_value"] * pupils * rng.uniform(0.6, 1.6), 2),
        "computers": max(10, round(pupils * rng.uniform(0.08, 0.2))),
        "books": round(pupils * rng.uniform(22, 45)),
    }


def _teachers(rng: random.Random, pupils: int, stage: Stage, small: bool) -> dict[str, int]:
    """The stage's teachers: about one for 17 pupils (13 in junior secondary), at least six in a school."""
    teachers = max(6, round(pupils / rng.uniform(11, 15 if stage is Stage.JUNIOR else 19)))
    qualified = rng.uniform(0.6, 0.9) if small else rng.uniform(0.85, 1.0)
    classes = max(3 if small else 6, math.ceil(pupils / rng.uniform(38, 48)))
    return {
        "teachers": teachers,
        "teachers_above_required_degree": round(teachers * qualified),
        "teachers_intermediate_title": round(teachers * rng.uniform(0.3, 0.6)),
        "key_teachers_county_level": round(teachers * (rng.uniform(0.02, 0.12) if small else rng.uniform(0.12, 0.3))),
        "pe_music_art_teachers": max(1, round(teachers * rng.uniform(0.08, 0.2))),
        "multimedia_classrooms": max(1, round(classes * (rng.uniform(0.5, 1.0) if small else rng.uniform(0.9, 1.3)))),
        "classes": classes,
    }


def _current_rows(rng: random.Random, skeleton: list[list[str]], schools: dict[str, School]) -> list[dict]:
    rows, facilities_given = [], set()
    for code, name, school_type, stage_label in skeleton:
        school, stage = schools[code], STAGES[stage_label]
        pupils = _pupils(school, stage)
        small = pupils < 300
        row = {"school_code": code, "school_name": name, "school_type": school_type, "stage": stage_label,
               "students": pupils, **_teachers(rng, pupils, stage, small)}
        if school.kind == School.Kind.COMPLETE_SECONDARY:
            row["senior_students"] = school.enrolment_senior
        if code not in facilities_given:  # a combined school's totals go on its first row (STANDARDS §3.6)
            facilities_given.add(code)
            whole = pupils + (school.enrolment_junior if school.kind == School.Kind.NINE_YEAR else 0) + (
                school.enrolment_senior if school.kind == School.Kind.COMPLETE_SECONDARY else 0)
            row.update(_facilities(rng, whole, stage, small))
        rows.append(row)
    return rows


def _year_before(rng: random.Random, rows: list[dict]) -> list[dict]:
    """The same schools a year earlier: a few more or fewer pupils, a little less of everything else
    (the same teachers, fewer of them qualified, key or specialised)."""
    before = []
    for row in rows:
        earlier, built = dict(row), rng.uniform(0.88, 1.0)  # one factor for the areas: the gym stays within
        for name, value in row.items():
            if name in ("students", "senior_students"):
                earlier[name] = round(value * rng.uniform(0.95, 1.04))
            elif isinstance(value, float):
                earlier[name] = round(value * built, 1)
            elif isinstance(value, int) and name not in ("teachers", "classes"):
                earlier[name] = round(value * rng.uniform(0.85, 1.0))
        before.append(earlier)
    return before


def _import(*, admin, statistics_year, rows: list[dict]) -> None:
    headers = [analysis.template_header(c) for c in analysis.COLUMNS]
    data = write_workbook([("学校数据", headers, [[row.get(c.name) for c in analysis.COLUMNS] for row in rows])])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "county.xlsx"
        path.write_bytes(data)
        report = services.school_return_import(
            actor=admin, statistics_year_id=statistics_year.pk, path=path, confirm_warnings=True,
            filename=f"{statistics_year.office.region.name}{statistics_year.year}年学校办学条件统计表.xlsx")
    if report.errors:
        raise RuntimeError(f"demo balance statistics refused: {report.errors[:3]}")


def load_demo_balance(rng: random.Random, *, admin, office) -> list:
    """Opens the office's last two statistics years, imports both workbooks, locks the earlier one."""
    previous, current = statistics_years(timezone.localdate())
    years = [services.statistics_year_open(actor=admin, office_id=office.pk, year=y) for y in (previous, current)]
    skeleton = selectors.template_rows(user=admin, statistics_year=years[1])
    schools = {s.code: s for s in School.objects.for_user(admin).filter(code__in={r[0] for r in skeleton})}
    rows = _current_rows(rng, skeleton, schools)
    _import(admin=admin, statistics_year=years[0], rows=_year_before(rng, rows))
    _import(admin=admin, statistics_year=years[1], rows=rows)
    services.statistics_year_lock(actor=admin, statistics_year_id=years[0].pk, reason="数据已审核")
    for year in years:
        year.refresh_from_db()
    return years
