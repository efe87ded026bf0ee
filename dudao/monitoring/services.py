"""Writes of the statistics years and school returns: open, lock, unlock, import, file one return;
and of the thresholds and standards an office sets for the balance analysis.

Every service is atomic, checks scope and state, and writes its audit record in the same
transaction. A locked year refuses imports and edits with ``TransitionNotAllowed`` (HTTP 409).
"""

from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.audit.services import record, record_many
from dudao.core.choices import is_year, year_message
from dudao.core.excel import UploadRefused, check_file_size, check_package, upload_limits
from dudao.core.importing import ImportReport, RowError
from dudao.core.workflow import TransitionNotAllowed, apply_transition
from dudao.monitoring import analysis
from dudao.monitoring.analysis import SchoolRow, SchoolTableError
from dudao.monitoring.formulas import COMPULSORY_STAGES, Method, indicators_for
from dudao.monitoring.models import COUNT_FIELDS, VALUE_FIELDS, BalanceStandard, SchoolReturn, StatisticsYear
from dudao.monitoring.texts import localize_errors
from dudao.organizations.models import Office, School

JUMP_FACTOR = 10  # a value this many times last year's is worth a second look (a unit slip: 万元 vs 元)
_COLUMNS = {c.name: c for c in analysis.COLUMNS}


def column_header(name: str) -> str:
    """The template header of an engine field (the column the user sees in the workbook)."""
    return analysis.template_header(_COLUMNS[name])


def _writable_year(actor, statistics_year_id: int) -> StatisticsYear:
    year = StatisticsYear.objects.for_user(actor, "view").select_related("office__region").get(pk=statistics_year_id)
    if year.is_locked:
        raise TransitionNotAllowed(_("The statistics year {year} is locked.").format(year=year.year))
    return year


@transaction.atomic
def statistics_year_open(*, actor, office_id: int, year: int) -> StatisticsYear:
    """Opens a statistics year for an office in the actor's change scope."""
    if not actor.has_perm("monitoring.add_statisticsyear"):
        raise PermissionDenied
    office = Office.objects.for_user(actor, "view").select_related("region").get(pk=office_id)
    if StatisticsYear.objects.filter(office=office, year=year).exists():
        raise ValidationError({"year": _("The office already has a statistics year {year}.").format(year=year)})
    statistics_year = StatisticsYear.objects.create(office=office, year=year)
    if not StatisticsYear.objects.for_user(actor, "change").filter(pk=statistics_year.pk).exists():
        raise PermissionDenied
    record(actor=actor, action="monitoring.statisticsyear.open", target=statistics_year,
           changes={"year": [None, year]})
    return statistics_year


def _transition(name: str):
    @transaction.atomic
    def service(*, actor, statistics_year_id: int, reason: str = "") -> StatisticsYear:
        year = (StatisticsYear.objects.for_user(actor, "view").select_for_update(no_key=True)
                .select_related("office__region").get(pk=statistics_year_id))
        change = apply_transition(year, name, actor=actor)
        if name == "lock":
            year.locked_by, year.locked_at = actor, timezone.now()
        else:
            year.locked_by, year.locked_at = None, None
        year.save(update_fields=["locked_by", "locked_at", "updated_at"])
        record(actor=actor, action=f"monitoring.statisticsyear.{name}", target=year, changes=change, reason=reason)
        return year

    service.__name__ = f"statistics_year_{name}"
    service.__doc__ = f"Applies {name!r} to a statistics year (the office's review: locked years take no changes)."
    return service


statistics_year_lock = _transition("lock")
statistics_year_unlock = _transition("unlock")
STATISTICS_YEAR_TRANSITION_SERVICES = {"lock": statistics_year_lock, "unlock": statistics_year_unlock}


# ---------------------------------------------------------------------------------------------------
# Validation beyond the engine: schools of the office, warnings against last year
# ---------------------------------------------------------------------------------------------------


def _number(value) -> float | None:
    return None if value is None else float(value)


def _last_year_values(year: StatisticsYear, school_codes) -> dict[tuple[str, str], dict[str, float | None]]:
    previous = (
        SchoolReturn.objects.filter(statistics_year__office_id=year.office_id, statistics_year__year=year.year - 1,
                                    school__code__in=list(school_codes))
        .select_related("school")
    )
    return {(r.school.code, r.stage): {"students": float(r.students), **{n: _number(getattr(r, n)) for n in VALUE_FIELDS}}
            for r in previous}


def return_warnings(year: StatisticsYear, rows: list[SchoolRow]) -> list[RowError]:
    """Plausibility warnings (not errors): a value ``JUMP_FACTOR``× or more last year's; more teachers
    than pupils."""
    warnings: list[RowError] = []
    last = _last_year_values(year, {r.school_code for r in rows})
    for row in rows:
        current = {"students": float(row.students), **row.values}
        before = last.get((row.school_code, row.stage.value), {})
        for name, value in current.items():
            old = before.get(name)
            if value is not None and old and value >= JUMP_FACTOR * old:
                warnings.append(RowError(row.row, column_header(name), _(
                    "{value:g} is {factor:.0f}× last year's {old:g}: check the unit and the figure"
                ).format(value=value, factor=value / old, old=old), "jump"))
        indoor, gym = row.values.get("indoor_sports_area_m2"), row.values.get("gym_area_m2")
        if indoor is not None and gym is not None and indoor > gym:
            warnings.append(RowError(row.row, column_header("indoor_sports_area_m2"), _(
                "{indoor:g} m² of indoor sports rooms are deducted from the teaching rooms (2017 indicator 4), "
                "but only the gymnasium's {gym:g} m² counts as sports area (indicator 5): {rest:g} m² count in "
                "neither"
            ).format(indoor=indoor, gym=gym, rest=indoor - gym), "indoor_sports_outside_gym"))
        teachers = row.values.get("teachers")
        if teachers is not None and teachers > row.students:
            warnings.append(RowError(row.row, column_header("teachers"), _(
                "{teachers:g} full-time teachers for {students} pupils"
            ).format(teachers=teachers, students=row.students), "teachers_above_students"))
    return sorted(warnings, key=lambda e: (e.row, e.column))


def _schools_by_code(actor, year: StatisticsYear, rows: list[SchoolRow]) -> tuple[dict[str, School], list[RowError]]:
    codes = {r.school_code for r in rows}
    schools = {
        s.code: s
        for s in School.objects.for_user(actor, "view")
        .filter(region__path__startswith=year.office.region.path, code__in=codes)
        .select_related("region")
    }
    errors = [
        RowError(r.row, column_header("school_code"),
                 _("no school with code {code} in {office}").format(code=r.school_code, office=year.office), "unknown_school")
        for r in rows if r.school_code not in schools
    ]
    return schools, errors


def _amounts_past_columns(rows: list[SchoolRow]) -> list[RowError]:
    """An amount wider than its decimal column (e.g. 10 000 000 000 m²) is the row's error, not a database overflow."""
    errors = []
    for r in rows:
        for name, value in r.values.items():
            f = SchoolReturn._meta.get_field(name) if name in VALUE_FIELDS else None
            if value is None or getattr(f, "max_digits", None) is None:
                continue
            limit = 10 ** (f.max_digits - f.decimal_places)
            if round(value, f.decimal_places) >= limit:
                errors.append(RowError(r.row, column_header(name), _("{value} is more than {limit}").format(
                    value=f"{value:g}", limit=f"{limit - 10 ** -f.decimal_places:.{f.decimal_places}f}"), "too_large"))
    return errors


def school_return_import_check(*, actor, statistics_year_id: int, path: str | Path) -> ImportReport:
    """Validates a county workbook for a year without writing: every error and every warning."""
    year = _writable_year(actor, statistics_year_id)
    try:
        if Path(path).suffix.lower() in (".xlsx", ".xlsm"):
            check_package(path)
        else:
            check_file_size(Path(path).stat().st_size)
    except UploadRefused as refusal:
        return ImportReport(errors=[refusal.as_row_error()])
    try:
        rows = analysis.read_school_table(path, limits=upload_limits())
    except SchoolTableError as exc:
        return ImportReport(errors=localize_errors(exc.errors))
    _schools, errors = _schools_by_code(actor, year, rows)
    errors += _amounts_past_columns(rows)
    return ImportReport(errors=errors, warnings=return_warnings(year, rows), rows=rows)


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 2)))


def _return_from_row(year: StatisticsYear, school: School, row: SchoolRow, actor, now) -> SchoolReturn:
    values = {
        name: (None if row.values.get(name) is None else
               int(row.values[name]) if name in COUNT_FIELDS else _decimal(row.values[name]))
        for name in VALUE_FIELDS
    }
    return SchoolReturn(statistics_year=year, school=school, stage=row.stage.value, school_type=row.school_type.value,
                        students=row.students, senior_students=row.senior_students, submitted_by=actor,
                        submitted_at=now, **values)


def school_return_import(*, actor, statistics_year_id: int, path: str | Path, confirm_warnings: bool = False,
                         filename: str = "") -> ImportReport:
    """Imports the county workbook: writes nothing while errors remain (or warnings are unconfirmed);
    otherwise replaces the year's returns of the schools in the file, in one transaction, audited.
    The workbook is checked and read before that transaction: only the writing holds the database."""
    if not (actor.has_perm("monitoring.add_schoolreturn") and actor.has_perm("monitoring.change_schoolreturn")):
        raise PermissionDenied
    report = school_return_import_check(actor=actor, statistics_year_id=statistics_year_id, path=path)
    if report.errors or (report.warnings and not confirm_warnings):
        return report
    with transaction.atomic():
        return _school_returns_write(actor, statistics_year_id, report, filename)


def _school_returns_write(actor, statistics_year_id: int, report: ImportReport, filename: str) -> ImportReport:
    """The writing part of ``school_return_import``, with the year and the schools checked again."""
    year = _writable_year(actor, statistics_year_id)
    StatisticsYear.objects.select_for_update(no_key=True).filter(pk=year.pk).exists()
    if not StatisticsYear.objects.for_user(actor, "change").filter(pk=year.pk).exists():
        raise PermissionDenied
    schools, errors = _schools_by_code(actor, year, report.rows)
    if errors:  # a school left the office's scope since the file was read
        return ImportReport(errors=errors)
    if not School.objects.for_user(actor, "change").filter(pk__in=[s.pk for s in schools.values()]).count() == len(schools):
        raise PermissionDenied
    now = timezone.now()
    old = SchoolReturn.objects.filter(statistics_year=year, school__in=schools.values())
    report.replaced = old.count()
    old.delete()
    created = SchoolReturn.objects.bulk_create(
        [_return_from_row(year, schools[row.school_code], row, actor, now) for row in report.rows]
    )
    reason = _("imported from {file}").format(file=filename) if filename else _("imported")
    entries = [
        ("monitoring.schoolreturn.import", item,
         {name: [None, str(getattr(item, name))] for name in ("students", *VALUE_FIELDS) if getattr(item, name) is not None},
         reason)
        for item in created
    ]
    entries.append(("monitoring.statisticsyear.import", year,
                    {"returns": [report.replaced, len(created)]}, reason))
    record_many(actor=actor, entries=entries)
    report.written = len(created)
    return report


# ---------------------------------------------------------------------------------------------------
# One return through the form
# ---------------------------------------------------------------------------------------------------


def validate_return(instance: SchoolReturn) -> None:
    """Checks one return with the engine's rules; raises ``ValidationError`` per field."""
    record_ = instance.as_record()
    try:
        analysis.parse_records([record_])
    except SchoolTableError as exc:
        by_header = {column_header(name): name for name in _COLUMNS}
        errors: dict[str, list[str]] = {}
        for error in localize_errors(exc.errors):
            name = by_header.get(error.column, error.column)
            target = name if name in {f.name for f in SchoolReturn._meta.fields} else "__all__"
            errors.setdefault(target, []).append(error.message)
        raise ValidationError(errors) from exc


@transaction.atomic
def school_return_save(*, actor, instance: SchoolReturn) -> SchoolReturn:
    """Files (adds or corrects) one school's return for an open year; audited."""
    action = "change" if instance.pk else "add"
    if not actor.has_perm(f"monitoring.{action}_schoolreturn"):
        raise PermissionDenied
    _writable_year(actor, instance.statistics_year_id)
    if not School.objects.for_user(actor, "view").filter(pk=instance.school_id).exists():
        raise PermissionDenied
    validate_return(instance)
    before = {}
    if instance.pk:
        old = SchoolReturn.objects.get(pk=instance.pk)
        before = {n: getattr(old, n) for n in ("students", "senior_students", *VALUE_FIELDS)}
    instance.submitted_by, instance.submitted_at = actor, timezone.now()
    instance.save()
    if not SchoolReturn.objects.for_user(actor, "change").filter(pk=instance.pk).exists():
        raise PermissionDenied
    changes = {}
    for name in ("students", "senior_students", *VALUE_FIELDS):
        old_value, new_value = before.get(name), getattr(instance, name)
        if str(old_value) != str(new_value):
            changes[name] = [None if old_value is None else str(old_value), None if new_value is None else str(new_value)]
    record(actor=actor, action=f"monitoring.schoolreturn.{'change' if before else 'add'}", target=instance,
           changes=changes)
    return instance


# ---------------------------------------------------------------------------------------------------
# Thresholds and standards of the analysis (STANDARDS §3.5, §4.2)
# ---------------------------------------------------------------------------------------------------

THRESHOLD_RANGE = (Decimal("0.001"), Decimal("2"))


def _decimal_setting(value, field: str, low: Decimal, high: Decimal) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.001"))
    except (ArithmeticError, ValueError) as exc:
        raise ValidationError({field: [_("Enter a number.")]}) from exc
    if not (number.is_finite() and low <= number <= high):
        raise ValidationError({field: [_("Between {low} and {high}.").format(low=low, high=high)]})
    return number


def _standard_values(method: Method, standards) -> dict[str, dict[str, float]]:
    """The 2017 standard values, complete (every indicator of both stages) and positive."""
    if method is not Method.QUALITY_2017:
        if standards:
            raise ValidationError({"standards": [_("The 2012 method has no standard values.")]})
        return {}
    keys = [spec.key for spec in indicators_for(method)]
    clean: dict[str, dict[str, float]] = {}
    for stage in COMPULSORY_STAGES:
        given = (standards or {}).get(stage.value) or {}
        unknown = set(given) - set(keys)
        if unknown:
            raise ValidationError({"standards": [_("Unknown indicators: {keys}.").format(keys=", ".join(sorted(unknown)))]})
        clean[stage.value] = {}
        for key in keys:
            if given.get(key) is None:
                raise ValidationError({"standards": [_("Give the standard of every indicator for both stages.")]})
            try:
                number = float(given[key])
            except (TypeError, ValueError) as exc:
                raise ValidationError({"standards": [_("Enter a number.")]}) from exc
            if not (number > 0 and number < 1e9):
                raise ValidationError({"standards": [_("A standard must be a positive number.")]})
            clean[stage.value][key] = number
    return clean


def _changeable_office(actor, office_id: int) -> Office:
    if not (actor.has_perm("monitoring.add_balancestandard") and actor.has_perm("monitoring.change_balancestandard")):
        raise PermissionDenied
    office = Office.objects.for_user(actor, "view").select_related("region").get(pk=office_id)
    if not Office.objects.for_user(actor, "change").filter(pk=office.pk).exists():
        raise PermissionDenied
    return office


def _setting_snapshot(item: BalanceStandard | None) -> dict:
    if item is None:
        return {"threshold_primary": None, "threshold_junior": None, "standards": None, "floor_ratio": None}
    return {"threshold_primary": str(item.threshold_primary), "threshold_junior": str(item.threshold_junior),
            "standards": item.standards or None, "floor_ratio": None if item.floor_ratio is None else str(item.floor_ratio)}


@transaction.atomic
def balance_standard_set(*, actor, office_id: int, year: int, method: str, thresholds: dict,
                         standards: dict | None = None, floor_ratio=None) -> BalanceStandard:
    """Sets an office's CV thresholds (per stage), and for the 2017 method its standard values and the
    floor of the per-school rule, for one statistics year; its regions below inherit them. Audited."""
    office = _changeable_office(actor, office_id)
    try:
        method = Method(method)
    except ValueError as exc:
        raise ValidationError({"method": [_("Choose a method.")]}) from exc
    if not is_year(year):
        raise ValidationError({"year": [year_message()]})
    values = {
        f"threshold_{stage.value}": _decimal_setting((thresholds or {}).get(stage.value), f"threshold_{stage.value}",
                                                     *THRESHOLD_RANGE)
        for stage in COMPULSORY_STAGES
    }
    values["standards"] = _standard_values(method, standards)
    if method is Method.QUALITY_2017:
        values["floor_ratio"] = _decimal_setting(floor_ratio, "floor_ratio", Decimal("0.001"), Decimal("1"))
    elif floor_ratio is not None:
        raise ValidationError({"floor_ratio": [_("The 2012 method has no per-school rule.")]})
    else:
        values["floor_ratio"] = None
    item = (BalanceStandard.objects.select_for_update().select_related("office__region")
            .filter(office=office, year=year, method=method.value).first())
    before = _setting_snapshot(item)
    if item is None:
        item = BalanceStandard(office=office, year=year, method=method.value)
    for name, value in values.items():
        setattr(item, name, value)
    item.set_by, item.set_at = actor, timezone.now()
    item.save()
    after = _setting_snapshot(item)
    changes = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
    record(actor=actor, action="monitoring.balancestandard.set", target=item, changes=changes,
           reason=f"{year} {method.value}")
    return item


@transaction.atomic
def balance_standard_clear(*, actor, balance_standard_id: int) -> None:
    """Removes an office's own setting: its analyses use the inherited setting or the national defaults again."""
    if not actor.has_perm("monitoring.delete_balancestandard"):
        raise PermissionDenied
    item = (BalanceStandard.objects.for_user(actor, "view").select_for_update(of=("self",))
            .select_related("office__region").get(pk=balance_standard_id))
    _changeable_office(actor, item.office_id)
    record(actor=actor, action="monitoring.balancestandard.clear", target=item,
           changes={name: [value, None] for name, value in _setting_snapshot(item).items() if value is not None},
           reason=f"{item.year} {item.method}")
    item.delete()
