"""Scope-matrix cases of the training file, cases and terms (see ``dudao.core.testing.scope_matrix``).

Each row belongs to the county's second inspector, who has no login: only scope decides who sees it."""

import datetime
from decimal import Decimal

from dudao.core.testing.scope_matrix import ScopeCase, register
from dudao.inspectors.models import Case, Term, TrainingRecord, term_end
from dudao.inspectors.selectors import development as selectors


def _training(world, county):
    c = getattr(world, county)
    return TrainingRecord.objects.create(
        inspector=c.inspectors[1], year=2026, course=f"培训课程标记{county.upper()}", kind="centralised",
        start_date=datetime.date(2026, 4, 8), hours=Decimal(16), created_by=c.users["office_admin"])


def _case(world, county):
    c = getattr(world, county)
    return Case.objects.create(office=c.office, inspector=c.inspectors[1], year=2026, title=f"督导案例标记{county.upper()}",
                               text="正文", created_by=c.users["office_admin"])


def _term(world, county):
    c = getattr(world, county)
    start = datetime.date(2025, 9, 1)
    return Term.objects.create(inspector=c.inspectors[1], start=start, end=term_end(start), number=1,
                               note=f"聘期标记{county.upper()}", created_by=c.users["office_admin"])


register(ScopeCase(
    label="inspectors.TrainingRecord",
    b_row=lambda world: _training(world, "b"),
    a_row=lambda world: _training(world, "a"),
    marker=lambda record: record.course,
    ui_list="inspectors:training_list",
    api_basename="inspectors-trainingrecord",
    selectors={"training_record_list": lambda user: selectors.training_record_list(user=user)},
))

register(ScopeCase(
    label="inspectors.Case",
    b_row=lambda world: _case(world, "b"),
    a_row=lambda world: _case(world, "a"),
    marker=lambda case: case.title,
    ui_list="inspectors:case_list",
    ui_detail="inspectors:case_detail",
    api_basename="inspectors-case",
    selectors={"case_list": lambda user: selectors.case_list(user=user)},
))

register(ScopeCase(
    label="inspectors.Term",
    b_row=lambda world: _term(world, "b"),
    a_row=lambda world: _term(world, "a"),
    marker=lambda term: term.inspector.certificate_no,
    ui_list="inspectors:term_list",
    api_basename="inspectors-term",
    selectors={"term_list": lambda user: selectors.term_list(user=user)},
))
