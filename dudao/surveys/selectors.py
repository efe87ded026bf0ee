"""Scoped reads of surveys, their links and their results.

Results are counts, never answer sheets: per school and group the number of responses and the
satisfaction tally; per question the count of each option. A school-bound user (liaison,
principal, inspector, zone leader) gets only the rows of their own schools — the same tables,
filtered — so no other school's answers reach them. The rates themselves come from ``rates``.
"""

from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Count, Q

from dudao.instruments.models import Answer
from dudao.instruments.selectors import version_items
from dudao.organizations.models import School
from dudao.surveys import rates
from dudao.surveys.models import Survey, SurveyLink, SurveyResponse


def with_counts(queryset):
    """Surveys with office, questionnaire and the numbers of schools and responses (constant queries)."""
    return (queryset.select_related("office__region", "version__instrument", "created_by")
            .annotate(response_count=Count("responses", distinct=True),
                      school_count=Count("links__school", distinct=True)))


def survey_list(*, user):
    """Surveys in scope, with their counts."""
    return with_counts(Survey.objects.for_user(user))


def survey_get(*, user, survey_id: int) -> Survey:
    return (Survey.objects.for_user(user).select_related("office__region", "version__instrument", "created_by")
            .get(pk=survey_id))


def survey_can_change(*, user, survey) -> bool:
    return Survey.objects.for_user(user, "change").filter(pk=survey.pk).exists()


def link_list(*, user, survey):
    """The survey's links the user may see, with responses and single-use codes counted."""
    return (SurveyLink.objects.for_user(user).filter(survey=survey).select_related("school", "survey")
            .annotate(response_count=Count("responses", distinct=True),
                      code_count=Count("codes", distinct=True),
                      unused_code_count=Count("codes", filter=Q(codes__used=False), distinct=True))
            .order_by("school__code", "group"))


def visible_school_ids(*, user, survey) -> list[int]:
    return sorted(set(SurveyLink.objects.for_user(user).filter(survey=survey).values_list("school_id", flat=True)))


def previous_survey(*, user, survey) -> Survey | None:
    """Last year's survey of the same office on the same questionnaire (any version), if the user may
    see it; the latest one when there were several."""
    return (Survey.objects.for_user(user).filter(office_id=survey.office_id, year=survey.year - 1,
                                                 version__instrument_id=survey.version.instrument_id)
            .exclude(status=Survey.Status.DRAFT).select_related("version__instrument").order_by("-pk").first())


# ---- results ---------------------------------------------------------------------------------------

@dataclass
class Cell:
    """One school and group (or all groups, or all schools): responses and the satisfaction tally."""

    responses: int = 0
    tally: rates.Tally = field(default_factory=rates.Tally)
    threshold: object = None

    @property
    def rate(self) -> Fraction | None:
        return self.tally.rate

    @property
    def percent(self):
        return rates.percent(self.rate)

    @property
    def passed(self) -> bool | None:
        return rates.passes(self.rate, self.threshold)


@dataclass
class Question:
    code: str
    text: str
    response_type: str
    options: list[str]
    rated: bool
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def answered(self) -> int:
        return sum(self.counts.values())

    @property
    def rows(self) -> list[tuple[str, int, object, bool]]:
        """(option, count, percent of the answers, counted as satisfied)."""
        total = self.answered
        return [(o, self.counts.get(o, 0), rates.percent(Fraction(self.counts.get(o, 0), total)) if total else None,
                 o in self.counted) for o in self.options]

    counted: tuple = ()

    @property
    def tally(self) -> rates.Tally:
        return rates.tally(self.counts, self.counted)

    @property
    def percent(self):
        return rates.percent(self.tally.rate) if self.rated else None


@dataclass
class SchoolRow:
    school: object
    cells: dict[str, Cell]
    overall: Cell


@dataclass
class Results:
    survey: Survey
    groups: list[tuple[str, str]]
    schools: list[SchoolRow]
    overall: Cell
    group_totals: dict[str, Cell]
    questions: list[Question]
    counted: list[str]
    threshold: object
    school_filter: int | None = None
    group_filter: str | None = None

    @property
    def responses(self) -> int:
        return self.overall.responses


CHOICE_TYPES = ("rating", "single_choice", "multiple_choice", "yes_no")


def survey_results(*, user, survey: Survey, school_id: int | None = None, group: str | None = None) -> Results:
    """The results of a survey as far as the user may see them (their schools only when school-bound).

    The question table can be narrowed to one school and/or group; the school table always shows
    every visible school and group. Four queries whatever the number of schools and answers.
    """
    school_ids = visible_school_ids(user=user, survey=survey)
    counted = list(survey.counted_options)
    threshold = survey.pass_threshold
    items = [i for i in version_items(version=survey.version) if not i.is_section]
    questions = [Question(i.code, i.text, i.response_type, list(i.options or []),
                          rates.is_rated(i.response_type, i.options or [], counted), counted=tuple(counted))
                 for i in items if i.response_type in CHOICE_TYPES]
    by_code = {q.code: q for q in questions}
    rated = {q.code for q in questions if q.rated}

    responses = (SurveyResponse.objects.filter(survey=survey, school_id__in=school_ids)  # scope: visible schools
                 .values_list("school_id", "group").annotate(n=Count("pk")).order_by())
    answer_rows = (Answer.objects.filter(response__survey_response__survey=survey,  # scope: visible schools
                                         response__survey_response__school_id__in=school_ids,
                                         item__code__in=list(by_code))
                   .values_list("response__survey_response__school_id", "response__survey_response__group",
                                "item__code", "value").annotate(n=Count("pk")).order_by())

    def cell() -> Cell:
        return Cell(threshold=threshold)

    per: dict[tuple[int, str], Cell] = {}
    for school, grp, n in responses:
        per.setdefault((school, grp), cell()).responses += n
    for school, grp, code, value, n in answer_rows:
        values = value if isinstance(value, list) else [value]
        if school_id in (None, school) and group in (None, "", grp):
            question = by_code[code]
            for v in values:
                key = "是" if v is True else "否" if v is False else str(v)
                question.counts[key] = question.counts.get(key, 0) + n
        if code in rated and not isinstance(value, list):
            add = rates.Tally(n if value in counted else 0, n)
            target = per.setdefault((school, grp), cell())
            target.tally = target.tally + add
    for q in questions:
        if q.response_type == "yes_no":
            q.options = ["是", "否"]

    schools = {s.pk: s for s in School.objects.filter(pk__in=school_ids).order_by("code")}  # scope: visible ids
    groups = [(g, label) for g, label in Survey.Group.choices if g in survey.groups]
    rows = []
    for sid, school in schools.items():
        cells = {g: per.get((sid, g), cell()) for g, _label in groups}
        overall = cell()
        overall.responses = sum(c.responses for c in cells.values())
        overall.tally = rates.pooled(c.tally for c in cells.values())
        rows.append(SchoolRow(school, cells, overall))
    group_totals = {}
    for g, _label in groups:
        total = cell()
        total.responses = sum(r.cells[g].responses for r in rows)
        total.tally = rates.pooled(r.cells[g].tally for r in rows)
        group_totals[g] = total
    overall = cell()
    overall.responses = sum(r.overall.responses for r in rows)
    overall.tally = rates.pooled(r.overall.tally for r in rows)
    return Results(survey=survey, groups=[(g, str(label)) for g, label in groups], schools=rows, overall=overall,
                   group_totals=group_totals, questions=questions, counted=counted, threshold=threshold,
                   school_filter=school_id, group_filter=group or None)


def survey_comparison(*, user, survey: Survey, results: Results | None = None) -> dict | None:
    """This year's rates beside last year's survey's (same office and questionnaire), per school and
    group and overall, with the change in percentage points. Each year's rate is its own survey's
    official result (its own counted answers). ``None`` when there is no survey of last year."""
    before = previous_survey(user=user, survey=survey)
    if before is None:
        return None
    now = results or survey_results(user=user, survey=survey)
    then = survey_results(user=user, survey=before)
    then_rows = {row.school.pk: row for row in then.schools}
    lines = []
    for row in now.schools:
        old = then_rows.get(row.school.pk)
        for g, label in [*now.groups, ("", "")]:
            current = row.cells[g] if g else row.overall
            previous = (old.cells.get(g) if g else old.overall) if old else None
            old_rate = previous.rate if previous else None
            lines.append({"school": row.school, "group": g, "group_label": label, "now": current.percent,
                          "before": rates.percent(old_rate), "change": rates.change(current.rate, old_rate),
                          "now_passed": current.passed, "before_passed": rates.passes(old_rate, before.pass_threshold)})
    return {"previous": before, "lines": lines, "overall": {
        "now": now.overall.percent, "before": then.overall.percent,
        "change": rates.change(now.overall.rate, then.overall.rate)}}
