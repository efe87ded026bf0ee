"""Working days: the one calendar every deadline counted in working days uses (complaints: 15
working days; any office policy in working days).

A day is a working day when the lowest office's own entry says so (the office's, else its city's,
else its province's: ``CalendarDay`` rows of an office), else the State Council's arrangement
(法定节假日与调休: ``CalendarDay`` rows without an office) says so, else when it is Monday to Friday.
Years the statutory calendar does not cover count weekends only, until they are loaded.

The statutory days are shipped data: ``load_statutory`` copies them from the ``chinese_calendar``
package after every ``migrate`` and on ``dudao calendar load``; nothing reads the package while
serving a request. ``WorkingCalendar`` reads an office's special days one year range per query.
"""

import datetime

from django.db import transaction
from django.db.models import Q

from dudao.core.scope import ancestor_paths
from dudao.organizations.models import CalendarDay

DAY = datetime.timedelta(days=1)

# the package's English names of the holidays, as the State Council's notices name them
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def statutory_days_from_package() -> dict[datetime.date, tuple[str, str]]:
    """The package's days as ``{date: (kind, Chinese name)}``: its holidays, and its working days that
    fall on a Saturday or Sunday (调休上班, named after the holiday they make up for; its other working
    days are ordinary weekdays)."""
    import chinese_calendar

    days = {}
    for day, name in chinese_calendar.holidays.items():
        if name:
            days[day] = (CalendarDay.Kind.HOLIDAY, HOLIDAY_NAMES.get(str(name), str(name)))
    for day, name in chinese_calendar.workdays.items():
        if name and day.weekday() >= 5:
            days[day] = (CalendarDay.Kind.WORKING, HOLIDAY_NAMES.get(str(name), str(name)))
    return days


@transaction.atomic
def load_statutory(days: dict[datetime.date, tuple[str, str]] | None = None) -> dict[str, int]:
    """Makes the statutory rows the package's days (``days`` instead, for a test): adds the new ones,
    corrects the changed ones and removes those of a covered year the arrangement no longer has.
    Idempotent: run after every ``migrate`` (shipped data) and by ``dudao calendar load``."""
    days = statutory_days_from_package() if days is None else days
    years = {day.year for day in days}
    existing = {row.date: row for row in CalendarDay.objects.filter(office__isnull=True)}  # scope: shipped rows
    added = [CalendarDay(date=day, kind=kind, name=name) for day, (kind, name) in sorted(days.items())
             if day not in existing]
    changed = []
    for day, (kind, name) in days.items():
        row = existing.get(day)
        if row is not None and (row.kind, row.name) != (kind, name):
            row.kind, row.name = kind, name
            changed.append(row)
    gone = [row.pk for day, row in existing.items() if day.year in years and day not in days]
    CalendarDay.objects.bulk_create(added, batch_size=500)
    CalendarDay.objects.bulk_update(changed, ["kind", "name", "updated_at"], batch_size=500)
    CalendarDay.objects.filter(pk__in=gone).delete()
    return {"added": len(added), "changed": len(changed), "removed": len(gone)}


def covered_years() -> list[int]:
    """The years the statutory calendar holds (the years with no row count weekends only)."""
    return sorted({day.year for day in CalendarDay.objects.filter(office__isnull=True)  # scope: shipped rows
                   .dates("date", "year")})


def deciding_offices(office) -> list[str]:
    """The region paths whose offices' entries hold for ``office``: its own and those above it."""
    return ancestor_paths(office.region.path) if office is not None else []


class WorkingCalendar:
    """The special days in force for one office (none: the statutory calendar alone), read one year
    range per query and kept for the calendar's life (a request, a service call)."""

    def __init__(self, office=None):
        self.office = office
        self.paths = deciding_offices(office)
        self.days: dict[datetime.date, CalendarDay] = {}
        self.years: set[int] = set()

    def load(self, first_year: int, last_year: int) -> None:
        """Reads the special days of the years ``first_year``–``last_year`` not read yet, in one query."""
        wanted = [year for year in range(first_year, last_year + 1) if year not in self.years]
        if not wanted:
            return
        whose = Q(office__isnull=True)
        if self.paths:
            whose |= Q(office__region__path__in=self.paths)
        rows = (CalendarDay.objects.filter(whose, date__gte=datetime.date(min(wanted), 1, 1),  # scope: the days
                                           date__lte=datetime.date(max(wanted), 12, 31))   # in force for the office
                .select_related("office__region"))
        rank = {path: depth for depth, path in enumerate(self.paths, start=1)}
        for row in rows:
            current = self.days.get(row.date)
            if current is None or self._rank(row, rank) > self._rank(current, rank):
                self.days[row.date] = row
        self.years.update(range(min(wanted), max(wanted) + 1))

    @staticmethod
    def _rank(row, rank) -> int:
        return 0 if row.office_id is None else rank.get(row.office.region.path, 0)

    def special(self, day: datetime.date) -> CalendarDay | None:
        """The entry that decides ``day`` (the lowest office's, else the statutory one), if any."""
        self.load(day.year, day.year)
        return self.days.get(day)

    def is_working_day(self, day: datetime.date) -> bool:
        entry = self.special(day)
        if entry is not None:
            return entry.kind == CalendarDay.Kind.WORKING
        return day.weekday() < 5

    def add(self, start: datetime.date, days: int) -> datetime.date:
        """The ``days``-th working day after ``start`` (``start`` itself not counted)."""
        self.load(start.year, start.year + 1 + days // 200)
        day, left = start, days
        while left > 0:
            day += DAY
            if self.is_working_day(day):
                left -= 1
        return day

    def next_working_day(self, day: datetime.date) -> datetime.date:
        """``day`` if it is a working day, else the first working day after it."""
        self.load(day.year, day.year + 1)
        while not self.is_working_day(day):
            day += DAY
        return day


def is_working_day(day: datetime.date, office=None) -> bool:
    """Whether ``day`` is a working day for ``office`` (none: by the statutory calendar alone)."""
    return WorkingCalendar(office).is_working_day(day)


def add(start: datetime.date, days: int, office=None, *, working: bool = True) -> datetime.date:
    """``start`` plus ``days`` working days of ``office``'s calendar, or plus ``days`` calendar days
    when the policy counts calendar days (``working=False``)."""
    if not working:
        return start + datetime.timedelta(days=days)
    return WorkingCalendar(office).add(start, days)


def year_days(office, year: int) -> list[CalendarDay]:
    """The special days in force for ``office`` in ``year``, by date: for each date the entry that
    decides it (the lowest office's, else the statutory one)."""
    calendar = WorkingCalendar(office)
    calendar.load(year, year)
    return [calendar.days[day] for day in sorted(calendar.days)]
