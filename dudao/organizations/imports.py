"""Importing schools and an office's calendar days from the downloadable Excel templates: every row checked,
then all or nothing."""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dudao.accounts.access import offices_of, owns_region
from dudao.audit.services import record_many
from dudao.core.bulk import update_rows
from dudao.core.choices import choice_lookup, is_year, year_message
from dudao.core.periods import change_periods, periods_by_school, plan_period
from dudao.jobs.imports import Importer, ImportView
from dudao.organizations.models import CalendarDay, Office, Region, School, Zone, ZoneMembership, pinyin_key
from dudao.organizations.services import calendar_day_set, may_move_schools

ENROLMENT_BY_KIND = {
    School.Kind.PRIMARY: ["enrolment_primary"],
    School.Kind.JUNIOR: ["enrolment_junior"],
    School.Kind.NINE_YEAR: ["enrolment_primary", "enrolment_junior"],
    School.Kind.COMPLETE_SECONDARY: ["enrolment_junior", "enrolment_senior"],
    School.Kind.SENIOR: ["enrolment_senior"],
    School.Kind.VOCATIONAL: ["enrolment_senior"],
    School.Kind.KINDERGARTEN: ["enrolment_kindergarten"],
    School.Kind.TEACHING_POINT: ["enrolment_primary"],
}
ENROLMENT_FIELDS = ["enrolment_kindergarten", "enrolment_primary", "enrolment_junior", "enrolment_senior"]


class SchoolImporter(Importer):
    title = "学校导入模板"
    permission = "organizations.import_school"
    job_kind = "organizations.import_schools"
    columns = {
        "学校代码": "code",
        "学校名称": "name",
        "学校类型": "kind",
        "办学性质": "ownership",
        "城乡类别": "location",
        "所在区域代码": "region",
        "督学责任区": "zone",
        "地址": "address",
        "幼儿园在园人数": "enrolment_kindergarten",
        "小学在校生数": "enrolment_primary",
        "初中在校生数": "enrolment_junior",
        "高中在校生数": "enrolment_senior",
        "督导联系人": "liaison_name",
        "联系电话": "liaison_phone",
        "校长/园长": "principal_name",
        "纬度": "latitude",
        "经度": "longitude",
    }
    required = ("学校代码", "学校名称", "学校类型", "所在区域代码")
    example = ["3601020001", "示范县实验小学", "小学", "公办", "城区", "360102", "第一责任区", "城关镇人民路1号",
               0, 1200, 0, 0, "王老师", "13800000000", "李校长",
               28.682892, 115.858198]
    notes = [
        "带 * 的列必填。学校类型：小学、初中、九年一贯制学校、完全中学、高中、中等职业学校、幼儿园、教学点。",
        "办学性质：公办 / 民办（默认公办）；城乡类别：城区 / 镇区 / 乡村（默认城区）。",
        "所在区域代码为行政区划代码（县区或乡镇），须在您的管辖范围内；督学责任区填写名称，可留空。",
        "在校生数须为非负整数；与学校类型对应的学段人数必填（如小学填“小学在校生数”）。",
        "学校代码已存在时更新该校信息；同一文件中学校代码不得重复。全角数字和首尾空格会自动规范化。",
        "纬度、经度为 WGS-84 坐标（手机定位所给的坐标，不是高德、腾讯等地图的 GCJ-02 坐标），以度为单位的小数，"
        "如 28.682892、115.858198；两列同时填写或同时留空。已有学校留空时保留原坐标。",
    ]

    def prepare(self, rows) -> None:
        self.kinds = choice_lookup(School.Kind.choices)
        self.kinds.update({"九年一贯制": School.Kind.NINE_YEAR, "中职": School.Kind.VOCATIONAL})
        self.ownerships = choice_lookup(School.Ownership.choices)
        self.locations = choice_lookup(School.Location.choices)
        self.locations.update({"城市": School.Location.URBAN, "镇": School.Location.TOWN, "农村": School.Location.RURAL})
        self.regions = {r.code: r for r in Region.objects.for_user(self.actor, "change")}
        self.zones = {z.name: z for z in Zone.objects.for_user(self.actor, "view").filter(is_active=True)}
        codes = [str(r.get("code", "")) for _, r in rows]
        self.existing = dict(School.objects.filter(code__in=codes).values_list("code", "pk"))  # code → id
        self.editable = set(
            School.objects.for_user(self.actor, "change").filter(code__in=codes).values_list("code", flat=True)
        )
        self.today = timezone.localdate()
        self.zone_periods = periods_by_school(ZoneMembership, self.existing.values(), target="zone", related=False)

    def validate_row(self, number, record):
        errors, err = self.row_errors(number, record)
        cleaned = {}
        code = str(record.get("code", ""))
        if code and (len(code) > 20 or not code.isalnum()):
            err("code", _("Use at most 20 letters or digits."))
        if code in self.existing and code not in self.editable:
            err("code", _("This code belongs to a school outside your scope."))
        cleaned["code"] = code
        cleaned["name"] = str(record.get("name", ""))[:100]
        kind = self.kinds.get(str(record.get("kind", "")).lower())
        if record.get("kind") and kind is None:
            err("kind", _("Unknown school kind “{value}”.").format(value=record.get("kind")))
        cleaned["kind"] = kind
        for field, lookup, default in (("ownership", self.ownerships, School.Ownership.PUBLIC),
                                       ("location", self.locations, School.Location.URBAN)):
            raw = str(record.get(field, "")).lower()
            value = lookup.get(raw) if raw else default
            if value is None:
                err(field, _("Unknown value “{value}”.").format(value=record.get(field)))
            cleaned[field] = value
        region_code = str(record.get("region", ""))
        region = self.regions.get(region_code)
        if region_code and region is None:
            err("region", _("Unknown region code “{value}” or outside your scope.").format(value=region_code))
        cleaned["region"] = region
        zone_name = str(record.get("zone", ""))
        zone = self.zones.get(zone_name) if zone_name else None
        if zone_name and zone is None:
            err("zone", _("Unknown zone “{value}”.").format(value=zone_name))
        if zone is not None and region is not None and not region.path.startswith(zone.office.region.path):
            err("zone", _("The zone belongs to another office than the region."))
        if zone is not None and code in self.existing:
            try:  # the zone service's rule: history is kept, a move may not start inside a closed period
                plan_period(self.zone_periods.get(self.existing[code], []), target="zone", value=zone,
                            on=self.today, what=_("zone membership"))
            except ValidationError as refusal:
                err("zone", " ".join(refusal.messages))
        cleaned["zone"] = zone
        needed = ENROLMENT_BY_KIND.get(kind, [])
        for field in ENROLMENT_FIELDS:
            raw = record.get(field, "")
            if raw in ("", None):
                if field in needed:
                    err(field, _("Required for this kind of school."))
                cleaned[field] = 0
                continue
            try:
                value = int(str(raw).replace(",", ""))
                if float(str(raw).replace(",", "")) != value:
                    raise ValueError
            except ValueError:
                err(field, _("Must be a whole number."))
                continue
            if value < 0:
                err(field, _("Must not be negative."))
            cleaned[field] = value
        for field, limit in (("address", 200), ("liaison_name", 32), ("liaison_phone", 32), ("principal_name", 32)):
            value = str(record.get(field, ""))
            if len(value) > limit:
                err(field, _("At most {limit} characters.").format(limit=limit))
            cleaned[field] = value
        cleaned.update(self._coordinates(record, err))
        return cleaned, errors

    COORDINATE_LIMITS = {"latitude": 90, "longitude": 180}

    def _coordinates(self, record, err) -> dict:
        """Latitude and longitude (decimal degrees, six places), both or neither; blank: no change."""
        raw = {f: record.get(f, "") for f in self.COORDINATE_LIMITS}
        given = {f: v for f, v in raw.items() if v not in ("", None)}
        if not given:
            return {}
        out = {}
        for field, limit in self.COORDINATE_LIMITS.items():
            if field not in given:
                err(field, _("Give both latitude and longitude, or neither."))
                continue
            try:
                value = Decimal(str(given[field]).rstrip("°").strip())
                if not value.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                err(field, _("Enter decimal degrees, such as 28.682892."))
                continue
            if not -limit <= value <= limit:
                err(field, _("Must be between {low} and {high}.").format(low=-limit, high=limit))
                continue
            out[field] = value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
        return out

    def validate_across(self, rows):
        return self.repeated(rows, "code", _("Duplicate school code; also on row {row}."))

    def write(self, rows, progress=None) -> int:
        """New schools are written in bulk (with their zone and one audit event each), and so are the
        changes to existing ones: only the fields that differ, one audit event per changed school, and
        a zone move only where the zone differs. An unchanged row writes nothing."""
        today = timezone.localdate()
        total = len(rows)
        new_rows = [data for _number, data in rows if data["code"] not in self.existing]
        self._create_in_bulk(new_rows, today, progress, total)
        self._update_in_bulk([data for _number, data in rows if data["code"] in self.existing], today, progress, total,
                             done=len(new_rows))
        return total

    UPDATE_BATCH = 1000

    def _update_in_bulk(self, rows, today, progress, total, done: int) -> None:
        """Re-reads the existing schools and their zone periods under lock, then writes what differs."""
        if not rows:
            return
        schools = {s.code: s for s in School.objects.select_for_update(of=("self",)).select_related("region")
                   .filter(code__in=[data["code"] for data in rows]).order_by("pk")}
        now, reason = timezone.now(), _("Excel import")
        changed: dict[int, dict] = {}
        by_fields: dict[tuple, list] = {}  # the schools to write, by the fields that changed
        moves = []
        for data in rows:
            zone = data.pop("zone")
            school = schools[data["code"]]
            changes = {}
            for key, value in data.items():
                before, after = (school.region_id, value.pk) if key == "region" else (getattr(school, key), value)
                if before != after:
                    changes[key] = [before, after]
                    setattr(school, key, value)
            if changes:
                fields = [*changes, *(["sort_key"] if "name" in changes else []), "updated_at"]
                if "name" in changes:
                    school.sort_key = pinyin_key(school.name)
                school.updated_at = now
                by_fields.setdefault(tuple(fields), []).append(school)
                changed[school.pk] = changes
            if zone is not None:
                moves.append((school, zone))
        if moves and not may_move_schools(self.actor):  # as zone_assign_school, before anything is written
            raise PermissionDenied
        for fields, group in by_fields.items():
            for start in range(0, len(group), self.UPDATE_BATCH):
                update_rows(School, group[start:start + self.UPDATE_BATCH], list(fields), batch_size=self.UPDATE_BATCH)
                done += min(self.UPDATE_BATCH, len(group) - start)
                if progress:
                    progress(total // 2 + done // 2, total)
        moved = {}
        if moves:  # what zone_assign_school does for each, in bulk
            periods = periods_by_school(ZoneMembership, [school.pk for school, _zone in moves], target="zone", lock=True)
            moved = {school.pk: change for school, change in change_periods(
                ZoneMembership, changes=moves, periods=periods, target="zone", on=today, what=_("zone membership"))}
        zones = {school.pk: zone for school, zone in moves}
        entries = []  # in the order of the rows, as the services would write them one school after another
        for school in (schools[data["code"]] for data in rows):
            if school.pk in changed:
                entries.append(("organizations.school.update", school, changed[school.pk], reason))
            if school.pk in moved:
                entries += moved[school.pk].audit_entries(action="organizations.zonemembership.move", school=school,
                                                          value=zones[school.pk], reason=reason)
        if entries:
            record_many(actor=self.actor, entries=entries)

    def _create_in_bulk(self, new_rows, today, progress, total, batch: int = 500) -> None:
        for start in range(0, len(new_rows), batch):
            chunk = new_rows[start:start + batch]
            zones = [data.pop("zone") for data in chunk]
            schools = [School(**data, sort_key=pinyin_key(data["name"])) for data in chunk]
            School.objects.bulk_create(schools)
            ZoneMembership.objects.bulk_create(
                [ZoneMembership(zone=zone, school=school, valid_from=today)
                 for school, zone in zip(schools, zones, strict=True) if zone is not None]
            )
            entries = []
            for school, zone, data in zip(schools, zones, chunk, strict=True):
                changes = {k: [None, v.pk if k == "region" else v] for k, v in data.items()}
                if zone is not None:
                    changes["zone"] = [None, zone.name]
                entries.append(("organizations.school.create", school, changes, _("Excel import")))
            record_many(actor=self.actor, entries=entries)
            if progress:
                progress(total // 2 + (start + len(chunk)) // 2, total)


run_school_import_job = SchoolImporter.run_job


class SchoolImportView(ImportView):
    importer_class = SchoolImporter
    list_url = "/organizations/schools/"
    extra_context = {"title": gettext_lazy("Import schools")}


# ---- the working-day calendar ---------------------------------------------------------------------

DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
KIND_WORDS = {"放假": CalendarDay.Kind.HOLIDAY, "休息": CalendarDay.Kind.HOLIDAY, "休息日": CalendarDay.Kind.HOLIDAY,
              "节假日": CalendarDay.Kind.HOLIDAY, "上班": CalendarDay.Kind.WORKING, "工作日": CalendarDay.Kind.WORKING,
              "调休上班": CalendarDay.Kind.WORKING}


def cell_date(value) -> datetime.date | None:
    """A date cell (a date, or text such as 2025-10-01, 2025/10/1, 2025年10月1日); ``None`` if it is none."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    found = DATE_TEXT.match(str(value or ""))
    if not found:
        return None
    try:
        return datetime.date(*(int(part) for part in found.groups()))
    except ValueError:
        return None


def own_calendar_office(actor):
    """The office whose calendar an import without a named office fills: the user's own office
    (the first, by region), if they may change it."""
    offices = (Office.objects.for_user(actor, "view").filter(pk__in=sorted(offices_of(actor)))
               .select_related("region").order_by("region__path"))
    return next((office for office in offices if owns_region(actor, office.region.path)), None)


class CalendarDayImporter(Importer):
    """The office's own days from a workbook (the template, or the page's export edited): each row a
    holiday or a working day of the office, added or corrected through ``calendar_day_set``."""

    title = "工作日历导入模板"
    permission = "organizations.add_calendarday"
    job_kind = "organizations.import_calendar_days"
    columns = {"日期": "date", "类型": "kind", "名称": "name", "备注": "note"}
    required = ("日期", "类型")
    example = ["2025-10-09", "放假", "县庆", "本县放假一天"]
    notes = [
        "带 * 的列必填。日期写作 2025-10-01（也可写 2025/10/1 或 2025年10月1日）。",
        "类型：放假 / 上班。上班可将法定节假日或周末改为本单位的工作日，放假可将工作日改为本单位的休息日。",
        "每行一个日期，同一文件中日期不得重复；本单位已有该日期的记录时予以更正。",
        "导入的日期适用于本单位及其下级单位（下级单位对同一日期另有设定的除外）。法定节假日无需导入。",
    ]

    def __init__(self, actor, office=None):
        super().__init__(actor)
        self.office = office if office is not None else own_calendar_office(actor)

    def prepare(self, rows) -> None:
        self.kinds = choice_lookup(CalendarDay.Kind.choices) | KIND_WORDS

    def validate_row(self, number, record):
        errors, err = self.row_errors(number)
        if self.office is None:
            err("date", _("Your account belongs to no office whose calendar you may change."))
        raw = record.get("date", "")
        day = cell_date(raw)
        if raw in ("", None):
            err("date", _("Required."))
        elif day is None:
            err("date", _("Not a date: “{value}”. Write it as 2025-10-01.").format(value=raw))
        elif not is_year(day.year):
            err("date", year_message())
        kind_text = str(record.get("kind", "")).strip()
        kind = self.kinds.get(kind_text.lower())
        if not kind_text:
            err("kind", _("Required."))
        elif kind is None:
            err("kind", _("Unknown value “{value}”.").format(value=kind_text))
        cleaned = {"date": day, "kind": kind}
        for field, limit in (("name", 64), ("note", 200)):
            value = str(record.get(field, ""))
            if len(value) > limit:
                err(field, _("At most {limit} characters.").format(limit=limit))
            cleaned[field] = value
        return cleaned, errors

    def validate_across(self, rows):
        return self.repeated(rows, "date", _("Duplicate date; also on row {row}."))

    def write(self, rows, progress=None) -> int:
        for _number, data in rows:
            calendar_day_set(actor=self.actor, office_id=self.office.pk, reason=_("Excel import"), **data)
        return len(rows)


run_calendar_import_job = CalendarDayImporter.run_job


class CalendarDayImportView(ImportView):
    importer_class = CalendarDayImporter
    list_url = "/organizations/calendar/"
    extra_context = {"title": gettext_lazy("Import calendar days")}
