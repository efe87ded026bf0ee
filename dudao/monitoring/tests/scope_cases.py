"""Scope-matrix cases of statistics years, school returns and thresholds (see ``dudao.core.testing.scope_matrix``)."""

from django.utils import timezone

from dudao.core.testing.scope_matrix import ScopeCase, register
from dudao.monitoring import selectors
from dudao.monitoring.models import BalanceStandard, SchoolReturn, StatisticsYear


def _year(county) -> StatisticsYear:
    year, _ = StatisticsYear.objects.get_or_create(office=county.office, year=2024)
    return year


def _return(county) -> SchoolReturn:
    school = county.schools[0]
    item, _ = SchoolReturn.objects.get_or_create(
        statistics_year=_year(county), school=school, stage="primary",
        defaults={"school_type": "primary", "students": 400, "books": 12000, "teachers": 30},
    )
    return item


register(ScopeCase(
    label="monitoring.StatisticsYear",
    b_row=lambda world: _year(world.b),
    a_row=lambda world: _year(world.a),
    marker=lambda year: year.office.name,
    ui_list="monitoring:year_list",
    ui_detail="monitoring:year_detail",
    api_basename="monitoring-statisticsyear",
    selectors={"statistics_year_list": lambda user: selectors.statistics_year_list(user=user)},
))

register(ScopeCase(
    label="monitoring.SchoolReturn",
    b_row=lambda world: _return(world.b),
    a_row=lambda world: _return(world.a),
    marker=lambda item: item.school.code,
    ui_list="monitoring:return_list",
    ui_detail="monitoring:return_detail",
    api_basename="monitoring-schoolreturn",
    selectors={"school_return_list": lambda user: selectors.school_return_list(user=user)},
))


def _standard(county) -> BalanceStandard:
    item, _ = BalanceStandard.objects.get_or_create(
        office=county.office, year=2024, method="basic-2012",
        defaults={"threshold_primary": "0.600", "threshold_junior": "0.500", "set_at": timezone.now()},
    )
    return item


register(ScopeCase(
    label="monitoring.BalanceStandard",
    b_row=lambda world: _standard(world.b),
    a_row=lambda world: _standard(world.a),
    marker=lambda item: item.office.name,
    api_basename="monitoring-balancestandard",
))
