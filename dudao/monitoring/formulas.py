"""Formulas of the balanced-development monitoring (义务教育均衡发展监测).

Pure functions on plain numbers and numpy arrays: no ORM, no Django, no I/O
(STYLE.md §7.4, "formulas from regulations: pure module"). Every public function cites the clause of
``docs/STANDARDS.md`` it implements; the clause labels ([V], [V-3rd], [R], [P]) say how sure we are of
the rule, and every value marked [R] or [P] is data that a caller can override.

Conventions used throughout
---------------------------
* ``values`` are per-student indicator values Xᵢ (one per school and school level) and ``weights`` the
  enrolments Pᵢ of the same schools (§3.4: "Pᵢ 为第i个学校（初中或小学）的在校生数").
* A value that is ``None``, NaN or infinite is **missing**: the school is left out and counted.
* A school whose enrolment is 0 (or missing) is left out of every enrolment-weighted statistic and
  counted: it has no pupils to weigh and no per-student value.
* Negative values or enrolments are data errors (the table reader rejects them) and raise
  ``ValueError`` here, so that they can never be averaged away silently.
* Comparisons with a standard or a threshold are made on the unrounded value, with a relative
  tolerance of ``REL_TOL`` (1e-9) that only absorbs binary floating-point noise (e.g. 0.85 × 4.2 is not
  exactly 3.57 in binary); it never decides a case the data can tell apart. Rounding to 3 decimals
  (``publish``) is for display only (§3.4 "Compare with thresholds before rounding … Publish to 3
  decimals").
* Every sentence meant for a person (a reason, a note, a label) is a ``Message``: its English text,
  with the template and named parameters kept so that the presentation layer shows it in the user's
  language (``dudao.monitoring.texts.localize``). Errors that only a programmer can cause stay plain
  ``ValueError`` text.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "BASIC_2012_COMPOSITE_THRESHOLDS",
    "BASIC_2012_INDICATORS",
    "COMBINED_SCHOOL_WEIGHTS",
    "QUALITY_2017_CV_THRESHOLDS",
    "QUALITY_2017_FLOOR_RATIO",
    "QUALITY_2017_INDICATORS",
    "QUALITY_2017_MIN_MET",
    "QUALITY_2017_STANDARDS",
    "RAW_FIELDS",
    "REL_TOL",
    "SPLIT_FIELDS",
    "STATUS_ORDER",
    "AttainmentResult",
    "CVAdjustment",
    "CVResult",
    "COMPULSORY_STAGES",
    "CVStatus",
    "Contribution",
    "DevelopmentIndex",
    "Direction",
    "IndicatorSpec",
    "IndicatorStatus",
    "Message",
    "Method",
    "SchoolRuleResult",
    "SchoolType",
    "Stage",
    "attainment_rate",
    "composite_cv_2012",
    "compute_indicator",
    "compute_indicator_column",
    "compute_indicators",
    "cv_adjustment_arrays",
    "cv_adjustment_groups",
    "cv_adjustment_plan",
    "cv_adjustment_unneeded",
    "cv_result",
    "cv_within_threshold",
    "development_index",
    "difference_contribution_arrays",
    "difference_contributions",
    "gini",
    "indicator_status",
    "indicator_status_codes",
    "indicators_for",
    "meets_standard",
    "percent",
    "publish",
    "publish_all",
    "school_rule_2017",
    "segment_cumsum",
    "shortfall_to_standard",
    "split_combined_school",
    "split_shares",
    "wan_yuan_to_yuan",
    "weighted_cv",
    "weighted_cv_detail",
    "weighted_mean",
]

REL_TOL = 1e-9
"""Relative tolerance for comparisons with standards and thresholds (floating-point noise only)."""

Number = float | int
MaybeNumber = float | int | None


# ---------------------------------------------------------------------------------------------------
# Messages for people
# ---------------------------------------------------------------------------------------------------


class Message(str):
    """A sentence for a person: an English template with named placeholders and its parameters.

    It *is* its English text, so results stay plain JSON and read well in a log; the presentation
    layer translates ``template`` (in ``context``, if any) and fills in ``params``, translating
    those that are messages themselves. Write one with ``_("{n} schools", n=3)`` or
    ``pgettext("unit", "m²")``: ``makemessages`` extracts those calls into the catalogue.
    """

    __slots__ = ("context", "params", "template")  # no ``__dict__``: a large result holds many

    template: str
    context: str | None
    params: dict[str, Any]

    def __new__(cls, template: str, /, **params: Any) -> Message:
        self = super().__new__(cls, template.format_map(params) if params else template)
        self.template = template
        self.context = None
        self.params = params
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuild_message, (self.template, self.context, self.params)


def _rebuild_message(template: str, context: str | None, params: dict[str, Any]) -> Message:
    message = Message(template, **params)
    message.context = context
    return message


_ = Message


def pgettext(context: str, template: str, /, **params: Any) -> Message:
    """A ``Message`` whose template is translated in a context (the same English word, another sense)."""
    return _rebuild_message(template, context, params)


# ---------------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------------


class Method(StrEnum):
    """The two national assessment methods (GLOSSARY: ``basic-2012``, ``quality-2017``)."""

    BASIC_2012 = "basic-2012"  # 基本均衡, 教督〔2012〕3号 (STANDARDS §3)
    QUALITY_2017 = "quality-2017"  # 优质均衡, 教督〔2017〕6号 (STANDARDS §4)


class Stage(StrEnum):
    """A school level (学段). CVs are computed separately for 小学 and 初中, never pooled (§3.3)."""

    PRIMARY = "primary"  # 小学
    JUNIOR = "junior"  # 初中
    SENIOR = "senior"  # 高中: only to split the facilities of 完全中学 / 十二年一贯制 (§3.6)

    @property
    def label(self) -> Message:
        return {
            "primary": pgettext("stage", "Primary"),
            "junior": pgettext("stage", "Junior secondary"),
            "senior": pgettext("stage", "Senior secondary"),
        }[self.value]


COMPULSORY_STAGES: tuple[Stage, Stage] = (Stage.PRIMARY, Stage.JUNIOR)


class SchoolType(StrEnum):
    """The kind of school as in the statistics report; combined schools are split by §3.6."""

    PRIMARY = "primary"  # 小学
    JUNIOR = "junior"  # 初中
    NINE_YEAR = "nine_year"  # 九年一贯制学校 (小学 + 初中)
    COMPLETE_SECONDARY = "complete_secondary"  # 完全中学 (初中 + 高中)
    TWELVE_YEAR = "twelve_year"  # 十二年一贯制学校 (小学 + 初中 + 高中)

    @property
    def label(self) -> Message:
        return {
            "primary": pgettext("school type", "Primary school"),
            "junior": pgettext("school type", "Junior secondary school"),
            "nine_year": pgettext("school type", "Nine-year school"),
            "complete_secondary": pgettext("school type", "Complete secondary school"),
            "twelve_year": pgettext("school type", "Twelve-year school"),
        }[self.value]

    @property
    def stages(self) -> tuple[Stage, ...]:
        """All stages the school runs, in order (including 高中 for the split)."""
        return _SCHOOL_TYPE_STAGES[self.value]

    @property
    def compulsory_stages(self) -> tuple[Stage, ...]:
        return tuple(s for s in self.stages if s in COMPULSORY_STAGES)

    @property
    def is_combined(self) -> bool:
        return len(self.stages) > 1


_SCHOOL_TYPE_STAGES: dict[str, tuple[Stage, ...]] = {
    "primary": (Stage.PRIMARY,),
    "junior": (Stage.JUNIOR,),
    "nine_year": (Stage.PRIMARY, Stage.JUNIOR),
    "complete_secondary": (Stage.JUNIOR, Stage.SENIOR),
    "twelve_year": (Stage.PRIMARY, Stage.JUNIOR, Stage.SENIOR),
}


# ---------------------------------------------------------------------------------------------------
# Raw school statistics fields
# ---------------------------------------------------------------------------------------------------

RAW_FIELDS: dict[str, str] = {
    # field name: 中文 (statistics report wording) — units in the name
    "students": "在校生数",
    "teaching_area_m2": "教学及辅助用房面积",
    "indoor_sports_area_m2": "室内体育用房面积",
    "gym_area_m2": "体育馆面积",
    "field_area_m2": "运动场地面积",
    "equipment_value_yuan": "教学仪器设备资产值（元）",
    "computers": "教学用计算机台数",
    "books": "图书册数",
    "teachers": "专任教师数",
    "teachers_above_required_degree": "高于规定学历专任教师数",
    "teachers_intermediate_title": "中级及以上专业技术职务专任教师数",
    "key_teachers_county_level": "县级及以上骨干教师数",
    "pe_music_art_teachers": "体育、音乐、美术专任教师数",
    "multimedia_classrooms": "网络多媒体教室数",
    "classes": "班级数",
}
"""The raw per-school fields the indicators are computed from (STANDARDS §3.3, §4.2).

``teachers_above_required_degree`` follows the stage's 规定学历: 小学 专科及以上, 初中 本科及以上 (§3.3 [R],
§4.2 practice). ``classes`` is not used by the resource indicators; it is kept for the government
guarantee items (§4.4 items 3 and 5)."""

SPLIT_FIELDS: tuple[str, ...] = (
    "teaching_area_m2",
    "indoor_sports_area_m2",
    "gym_area_m2",
    "field_area_m2",
    "equipment_value_yuan",
    "computers",
    "books",
)
"""Fields of a combined school that are split between its stages (§3.6): the five split indicators
教学及辅助用房面积、体育运动场馆面积、教学仪器设备值、计算机台数、图书册数. The sports area is the sum of
gym and field, and the indoor sports area is part of the teaching area, so all four area fields are
split with the same share. Everything else (pupils, teachers, classrooms, classes) is reported per stage."""


def wan_yuan_to_yuan(value: Number) -> float:
    """Converts 万元 (as in the statistics report) to 元 (the indicator's unit) exactly (§4.2:
    "The statistics report gives 万元, so multiply by 10 000")."""
    if isinstance(value, bool) or not math.isfinite(float(value)):
        raise ValueError(f"not a finite amount: {value!r}")
    return float(Decimal(repr(float(value))) * 10000)


# ---------------------------------------------------------------------------------------------------
# Splitting combined schools (§3.6)
# ---------------------------------------------------------------------------------------------------

COMBINED_SCHOOL_WEIGHTS: dict[SchoolType, dict[Stage, float]] = {
    SchoolType.NINE_YEAR: {Stage.PRIMARY: 1.0, Stage.JUNIOR: 1.1},
    SchoolType.COMPLETE_SECONDARY: {Stage.JUNIOR: 1.0, Stage.SENIOR: 1.2},
    SchoolType.TWELVE_YEAR: {Stage.PRIMARY: 1.0, Stage.JUNIOR: 1.1, Stage.SENIOR: 1.32},
}
"""Weights per pupil of each stage (§3.6 [V-3rd], a widely used provincial rule): 九年一贯制 1 : 1.1,
完全中学 junior : senior 1 : 1.2, 十二年一贯制 1 : 1.1 : 1.32."""


def split_shares(school_type: SchoolType | str, enrolment: Mapping[Stage | str, Number]) -> dict[Stage, float]:
    """Share of a combined school's facilities that goes to each stage (STANDARDS §3.6).

    ``share_s = w_s · E_s / Σ w · E`` with the weights of ``COMBINED_SCHOOL_WEIGHTS``, e.g. 九年一贯制
    primary share = A ÷ (A + 1.1B). Every stage the school type runs must be in ``enrolment`` (0 is
    allowed). A single-level school gets share 1 for its stage.

    Raises ``ValueError`` for a negative or missing enrolment, or when the weighted enrolment is 0
    (no pupils at all: the split is undefined).
    """
    school_type = SchoolType(school_type)
    counts = {Stage(k): v for k, v in enrolment.items()}
    weights = COMBINED_SCHOOL_WEIGHTS.get(school_type, {school_type.stages[0]: 1.0})
    weighted: dict[Stage, float] = {}
    for stage, weight in weights.items():
        count = counts.get(stage)
        if count is None or not math.isfinite(float(count)) or count < 0:
            raise ValueError(f"{school_type.label}: enrolment of {stage.label} must be a non-negative number")
        weighted[stage] = weight * float(count)
    total = sum(weighted.values())
    if total <= 0:
        raise ValueError(f"{school_type.label}: no pupils in any stage, the split is undefined")
    return {stage: w / total for stage, w in weighted.items()}


def split_combined_school(
    school_type: SchoolType | str,
    enrolment: Mapping[Stage | str, Number],
    resources: Mapping[str, MaybeNumber],
) -> dict[Stage, dict[str, float | None]]:
    """Splits a combined school's whole-school facility totals between its stages (STANDARDS §3.6).

    Only the fields in ``SPLIT_FIELDS`` may be passed (the five split indicators); a missing (None)
    total stays missing in every part. Fixture (§3.6): 166 primary and 210 junior pupils, 23 226 books
    → 9 711.6 primary and 13 514.4 junior books.
    """
    unknown = set(resources) - set(SPLIT_FIELDS)
    if unknown:
        raise ValueError(f"only the split fields may be split, not {sorted(unknown)}")
    shares = split_shares(school_type, enrolment)
    return {
        stage: {name: (None if total is None else float(total) * share) for name, total in resources.items()}
        for stage, share in shares.items()
    }


# ---------------------------------------------------------------------------------------------------
# Indicator definitions (§3.3 and §4.2) as data
# ---------------------------------------------------------------------------------------------------


class _Result:
    """A computed result (a frozen dataclass) that reads as plain JSON."""

    def as_dict(self) -> dict[str, Any]:
        """The fields by name; a list is copied, numbers and messages are immutable (the same as
        ``dataclasses.asdict`` for these flat results, without its deep copy of every value)."""
        data = {}
        for item in fields(self):  # type: ignore[arg-type]
            value = getattr(self, item.name)
            data[item.name] = list(value) if isinstance(value, list) else value
        return data


@dataclass(frozen=True)
class IndicatorSpec:
    """One resource indicator: ``value = (Σ add − Σ subtract) × per ÷ students``.

    ``resource_unit`` is the unit of the numerator (what a school would add: ㎡, 元, 台, 册, 人, 间);
    ``per`` is 100 for the "每百名学生" indicators and 1 otherwise.
    """

    key: str
    number: int
    name: Message
    unit: Message
    resource_unit: Message
    add: tuple[str, ...]
    subtract: tuple[str, ...] = ()
    per: float = 1.0
    clause: str = ""

    @property
    def fields(self) -> tuple[str, ...]:
        return self.add + self.subtract

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "number": self.number,
            "name": self.name,
            "unit": self.unit,
            "resource_unit": self.resource_unit,
            "per": self.per,
            "clause": self.clause,
        }


_AREA = pgettext("unit", "m²")
_YUAN = pgettext("unit", "yuan")
_COMPUTERS = pgettext("unit", "computers")
_BOOKS = pgettext("unit", "books")
_TEACHERS = pgettext("unit", "teachers")
_ROOMS = pgettext("unit", "rooms")
_AREA_PER_PUPIL = pgettext("unit", "m²/pupil")
_YUAN_PER_PUPIL = pgettext("unit", "yuan/pupil")
_TEACHERS_PER_PUPIL = pgettext("unit", "teachers/pupil")
_TEACHERS_PER_100 = pgettext("unit", "teachers/100 pupils")

_TEACHING_AREA = _("Teaching and auxiliary rooms per pupil")  # 生均教学及辅助用房面积
_SPORTS_AREA = _("Sports grounds and halls per pupil")  # 生均体育运动场馆面积
_EQUIPMENT_VALUE = _("Teaching equipment value per pupil")  # 生均教学仪器设备值

BASIC_2012_INDICATORS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec("teaching_area", 1, _TEACHING_AREA, _AREA_PER_PUPIL, _AREA, ("teaching_area_m2",), clause="§3.3-1"),
    IndicatorSpec(
        "sports_area", 2, _SPORTS_AREA, _AREA_PER_PUPIL, _AREA, ("gym_area_m2", "field_area_m2"), clause="§3.3-2"
    ),
    IndicatorSpec(
        "equipment_value", 3, _EQUIPMENT_VALUE, _YUAN_PER_PUPIL, _YUAN, ("equipment_value_yuan",), clause="§3.3-3"
    ),
    IndicatorSpec(
        "computers_per_100",
        4,
        _("Computers per 100 pupils"),  # 每百名学生拥有计算机台数
        pgettext("unit", "computers/100 pupils"),
        _COMPUTERS,
        ("computers",),
        per=100.0,
        clause="§3.3-4",
    ),
    IndicatorSpec(
        "books", 5, _("Books per pupil"), pgettext("unit", "books/pupil"), _BOOKS, ("books",), clause="§3.3-5"
    ),  # 生均图书册数
    IndicatorSpec(
        "teacher_ratio", 6, _("Teacher-pupil ratio"), _TEACHERS_PER_PUPIL, _TEACHERS, ("teachers",), clause="§3.3-6"
    ),  # 师生比
    IndicatorSpec(
        "above_degree_teachers",
        7,
        _("Teachers above the required degree per pupil"),  # 生均高于规定学历教师数
        _TEACHERS_PER_PUPIL,
        _TEACHERS,
        ("teachers_above_required_degree",),
        clause="§3.3-7",
    ),
    IndicatorSpec(
        "intermediate_title_teachers",
        8,
        _("Teachers with intermediate or higher titles per pupil"),  # 生均中级及以上专业技术职务教师数
        _TEACHERS_PER_PUPIL,
        _TEACHERS,
        ("teachers_intermediate_title",),
        clause="§3.3-8",
    ),
)
"""The 8 indicators of the 2012 method, in the official order (STANDARDS §3.3); the Chinese catalogue
gives their official names."""

QUALITY_2017_INDICATORS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec(
        "above_degree_teachers_per_100",
        1,
        _("Teachers above the required degree per 100 pupils"),  # 每百名学生拥有高于规定学历教师数
        _TEACHERS_PER_100,
        _TEACHERS,
        ("teachers_above_required_degree",),
        per=100.0,
        clause="§4.2-1",
    ),
    IndicatorSpec(
        "key_teachers_per_100",
        2,
        _("Key teachers of county level or above per 100 pupils"),  # 每百名学生拥有县级以上骨干教师数
        _TEACHERS_PER_100,
        _TEACHERS,
        ("key_teachers_county_level",),
        per=100.0,
        clause="§4.2-2",
    ),
    IndicatorSpec(
        "pe_art_teachers_per_100",
        3,
        _("PE and arts (fine arts, music) teachers per 100 pupils"),  # 每百名学生拥有体育、艺术（美术、音乐）专任教师数
        _TEACHERS_PER_100,
        _TEACHERS,
        ("pe_music_art_teachers",),
        per=100.0,
        clause="§4.2-3",
    ),
    IndicatorSpec(
        "teaching_area",
        4,
        _TEACHING_AREA,
        _AREA_PER_PUPIL,
        _AREA,
        ("teaching_area_m2",),
        subtract=("indoor_sports_area_m2",),
        clause="§4.2-4 (indoor sports rooms move to indicator 5)",
    ),
    IndicatorSpec(
        "sports_area", 5, _SPORTS_AREA, _AREA_PER_PUPIL, _AREA, ("gym_area_m2", "field_area_m2"), clause="§4.2-5"
    ),
    IndicatorSpec(
        "equipment_value", 6, _EQUIPMENT_VALUE, _YUAN_PER_PUPIL, _YUAN, ("equipment_value_yuan",), clause="§4.2-6"
    ),
    IndicatorSpec(
        "multimedia_classrooms_per_100",
        7,
        _("Networked multimedia classrooms per 100 pupils"),  # 每百名学生拥有网络多媒体教室数
        pgettext("unit", "rooms/100 pupils"),
        _ROOMS,
        ("multimedia_classrooms",),
        per=100.0,
        clause="§4.2-7",
    ),
)
"""The 7 resource indicators of the 2017 method with the practice definitions (STANDARDS §4.2)."""

QUALITY_2017_STANDARDS: dict[Stage, dict[str, float]] = {
    Stage.PRIMARY: {
        "above_degree_teachers_per_100": 4.2,
        "key_teachers_per_100": 1.0,
        "pe_art_teachers_per_100": 0.9,
        "teaching_area": 4.5,
        "sports_area": 7.5,
        "equipment_value": 2000.0,
        "multimedia_classrooms_per_100": 2.3,
    },
    Stage.JUNIOR: {
        "above_degree_teachers_per_100": 5.3,
        "key_teachers_per_100": 1.0,
        "pe_art_teachers_per_100": 0.9,
        "teaching_area": 5.8,
        "sports_area": 10.2,
        "equipment_value": 2500.0,
        "multimedia_classrooms_per_100": 2.4,
    },
}
"""Standard values of the 7 indicators, "…以上" = at least (STANDARDS §4.2 [V-3rd], 2017 办法 第六条)."""

QUALITY_2017_MIN_MET = 6
QUALITY_2017_FLOOR_RATIO = 0.85
"""§4.2: "每所学校至少6项指标达到上述要求，余项不能低于要求的85%"."""

BASIC_2012_COMPOSITE_THRESHOLDS: dict[Stage, float] = {Stage.PRIMARY: 0.65, Stage.JUNIOR: 0.55}
"""§3.5 [R] (high confidence): composite CV ≤ 0.65 (小学), ≤ 0.55 (初中). Configurable."""

QUALITY_2017_CV_THRESHOLDS: dict[Stage, float] = {Stage.PRIMARY: 0.50, Stage.JUNIOR: 0.45}
"""§4.2 [V-3rd]: **each** of the 7 CVs ≤ 0.50 (小学), ≤ 0.45 (初中); no composite in 2017."""


def indicators_for(method: Method | str) -> tuple[IndicatorSpec, ...]:
    """The indicator set of a method (§3.3 for basic-2012, §4.2 for quality-2017)."""
    return BASIC_2012_INDICATORS if Method(method) is Method.BASIC_2012 else QUALITY_2017_INDICATORS


def compute_indicator(spec: IndicatorSpec, school: Mapping[str, MaybeNumber]) -> float | None:
    """One school's indicator value from its raw fields (§3.3 / §4.2 definitions).

    Returns ``None`` when the enrolment is 0 or missing (no per-student value exists) or when any
    field the indicator needs is missing. Raises ``ValueError`` if the subtraction makes the numerator
    negative (e.g. indoor sports area larger than the teaching area: a data error).
    """
    students = _finite_or_none(school.get("students"))
    if students is None or students <= 0:
        return None
    parts = [_finite_or_none(school.get(name)) for name in spec.fields]
    if any(p is None for p in parts):
        return None
    numerator = sum(p for p in parts[: len(spec.add)] if p is not None) - sum(
        p for p in parts[len(spec.add) :] if p is not None
    )
    if numerator < 0:
        raise ValueError(_("{indicator}: the area deducted is larger than the area it is part of", indicator=spec.name))
    # Multiply before dividing so that e.g. 21 × 100 ÷ 500 gives exactly the double nearest 4.2.
    return numerator * spec.per / students


def compute_indicators(specs: Iterable[IndicatorSpec], school: Mapping[str, MaybeNumber]) -> dict[str, float | None]:
    """All indicator values of one school, keyed by ``IndicatorSpec.key``."""
    return {spec.key: compute_indicator(spec, school) for spec in specs}


def compute_indicator_column(
    spec: IndicatorSpec, columns: Mapping[str, NDArray[np.float64]]
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """``compute_indicator`` for many schools at once (§3.3 / §4.2 definitions), school by school the
    same value: ``columns`` maps ``students`` and the indicator's raw fields to float arrays of equal
    length, NaN for a blank cell.

    Returns ``(values, invalid)``: the indicator values, NaN where ``compute_indicator`` gives ``None``
    (0 or missing enrolment, a missing field, or a negative numerator), and the schools whose
    numerator is negative (where ``compute_indicator`` raises ``ValueError``: a data error).
    """
    students = np.asarray(columns["students"], dtype=float)
    parts = [np.asarray(columns[name], dtype=float) for name in spec.fields]
    known = np.isfinite(students) & (students > 0)
    for part in parts:
        known &= np.isfinite(part)
    # The same operations in the same order as ``compute_indicator``: Σ add − Σ subtract, × per, ÷ pupils.
    added = parts[0]
    for part in parts[1 : len(spec.add)]:
        added = added + part
    if spec.subtract:
        subtracted = parts[len(spec.add)]
        for part in parts[len(spec.add) + 1 :]:
            subtracted = subtracted + part
        numerator = added - subtracted
    else:
        numerator = added
    invalid = known & (numerator < 0)
    usable = known & ~invalid
    values = np.full(students.shape, np.nan)
    values[usable] = numerator[usable] * spec.per / students[usable]
    return values, invalid


# ---------------------------------------------------------------------------------------------------
# Enrolment-weighted mean and CV (§3.4)
# ---------------------------------------------------------------------------------------------------


class CVStatus(StrEnum):
    OK = "ok"
    SINGLE_SCHOOL = "single_school"  # one school: no dispersion, CV = 0
    ZERO_MEAN = "zero_mean"  # every school has 0: CV undefined
    NO_DATA = "no_data"  # no school with a value and pupils


@dataclass(frozen=True)
class CVResult(_Result):
    """An enrolment-weighted CV with the bookkeeping a report needs (§3.4).

    ``value`` is ``None`` exactly when the CV is undefined (``status`` ``zero_mean`` or ``no_data``),
    and ``note`` then says why. ``n_excluded = n_missing + n_zero_enrolment``.
    """

    value: float | None
    mean: float | None
    sd: float | None
    n_used: int
    n_missing: int
    n_zero_enrolment: int
    status: CVStatus
    note: Message | None = None

    @property
    def n_excluded(self) -> int:
        return self.n_missing + self.n_zero_enrolment

    def as_dict(self) -> dict[str, Any]:
        data = super().as_dict()
        data["status"] = self.status.value
        data["n_excluded"] = self.n_excluded
        return data


@dataclass(frozen=True)
class _Sample:
    """The usable part of (values, weights), with the indices into the input."""

    x: NDArray[np.float64]
    w: NDArray[np.float64]
    index: NDArray[np.intp]
    n_missing: int
    n_zero_enrolment: int
    size: int

    @property
    def p(self) -> NDArray[np.float64]:
        return self.w / self.w.sum()


def _dot(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    """Σ aᵢbᵢ (pairwise summation, as ``np.sum``). Not ``np.dot``: on a vector of a province's schools
    BLAS starts threads, which on a busy server cost many times the sum itself."""
    return float(np.sum(a * b))


def _finite_or_none(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _as_float_array(items: Iterable[MaybeNumber] | NDArray[Any]) -> NDArray[np.float64]:
    if isinstance(items, np.ndarray) and items.dtype != object:
        return items.astype(float, copy=False).ravel()
    return np.array([np.nan if v is None else float(v) for v in items], dtype=float)


def _sample(values: Iterable[MaybeNumber] | NDArray[Any], weights: Iterable[MaybeNumber] | NDArray[Any]) -> _Sample:
    x = _as_float_array(values)
    w = _as_float_array(weights)
    if x.shape != w.shape:
        raise ValueError(f"{x.size} values but {w.size} enrolments")
    if np.any(x < 0):
        raise ValueError("indicator values must not be negative")
    if np.any(w < 0):
        raise ValueError("enrolments must not be negative")
    has_weight = np.isfinite(w) & (w > 0)
    has_value = np.isfinite(x)
    used = has_weight & has_value
    index = np.flatnonzero(used)
    return _Sample(
        x=x[index],
        w=w[index],
        index=index,
        n_missing=int(np.count_nonzero(has_weight & ~has_value)),
        n_zero_enrolment=int(np.count_nonzero(~has_weight)),
        size=int(x.size),
    )


def weighted_mean(values: Iterable[MaybeNumber], weights: Iterable[MaybeNumber]) -> float | None:
    """Enrolment-weighted mean X̄ = Σ PᵢXᵢ / Σ Pᵢ = county total ÷ county enrolment (STANDARDS §3.4).

    Schools with a missing value or with 0 enrolment are left out; ``None`` if none is left.
    """
    sample = _sample(values, weights)
    if sample.x.size == 0:
        return None
    return _dot(sample.p, sample.x)


def weighted_cv_detail(values: Iterable[MaybeNumber], weights: Iterable[MaybeNumber]) -> CVResult:
    """Enrolment-weighted coefficient of variation (差异系数) with its bookkeeping (STANDARDS §3.4).

    ``X̄ = Σ PᵢXᵢ / P``, ``S = sqrt(Σ (Pᵢ/P)(Xᵢ − X̄)²)`` (population form: divide by the total
    enrolment P, no n − 1), ``CV = S / X̄``. Fixture: books of five primary schools → 0.515257.

    Edge cases (never NaN, never an exception for data that passed the reader):
    * missing values (None/NaN/inf) are left out and counted in ``n_missing``;
    * schools with 0 enrolment are left out and counted in ``n_zero_enrolment``;
    * no school left → ``value=None``, ``status=no_data``;
    * every school at 0 (X̄ = 0) → ``value=None``, ``status=zero_mean``;
    * one school → ``0.0``, ``status=single_school``; all values equal → exactly ``0.0``.
    """
    sample = _sample(values, weights)
    if sample.x.size == 0:
        return cv_result(0, sample.n_missing, sample.n_zero_enrolment, None, None)
    mean = _dot(sample.p, sample.x)
    if mean == 0.0 or sample.x.size == 1:
        return cv_result(int(sample.x.size), sample.n_missing, sample.n_zero_enrolment, mean, None)
    if np.all(sample.x == sample.x[0]):
        sd = 0.0
    else:
        sd = float(math.sqrt(_dot(sample.p, (sample.x - mean) ** 2)))
    return cv_result(int(sample.x.size), sample.n_missing, sample.n_zero_enrolment, mean, sd)


def cv_result(n_used: int, n_missing: int, n_zero_enrolment: int, mean: float | None, sd: float | None) -> CVResult:
    """The ``weighted_cv_detail`` of a sample from its counts (schools used, without a value, with 0
    enrolment), its weighted mean X̄ (``None`` when no school is used) and its SD S (0 when all values
    are equal; not read when X̄ = 0 or one school is used): the same cases, notes and figures."""
    counts = {"n_missing": n_missing, "n_zero_enrolment": n_zero_enrolment}
    excluded = _join(
        _("{n} school(s) without a value left out", n=n_missing) if n_missing else None,
        _("{n} school(s) with 0 enrolment left out", n=n_zero_enrolment) if n_zero_enrolment else None,
    )
    if n_used == 0 or mean is None:
        return CVResult(
            None,
            None,
            None,
            0,
            **counts,
            status=CVStatus.NO_DATA,
            note=_join(_("no school has both a value and pupils"), excluded),
        )
    if mean == 0.0:
        return CVResult(
            None,
            0.0,
            0.0,
            n_used,
            **counts,
            status=CVStatus.ZERO_MEAN,
            note=_join(_("every school has 0: the mean is 0 and the CV is undefined"), excluded),
        )
    if n_used == 1:
        return CVResult(
            0.0,
            mean,
            0.0,
            1,
            **counts,
            status=CVStatus.SINGLE_SCHOOL,
            note=_join(_("only one school: no difference between schools, CV = 0"), excluded),
        )
    assert sd is not None
    return CVResult(sd / mean, mean, sd, n_used, **counts, status=CVStatus.OK, note=excluded)


def weighted_cv(values: Iterable[MaybeNumber], weights: Iterable[MaybeNumber]) -> float | None:
    """Enrolment-weighted CV (STANDARDS §3.4); ``None`` when undefined. See ``weighted_cv_detail``."""
    return weighted_cv_detail(values, weights).value


def _join(*parts: Message | None) -> Message | None:
    """The given messages in order, separated by semicolons; ``None`` when there are none."""
    given = [p for p in parts if p]
    if not given:
        return None
    joined = given[0]
    for part in given[1:]:
        joined = _("{first}; {second}", first=joined, second=part)
    return joined


# ---------------------------------------------------------------------------------------------------
# Thresholds, composite and publication (§3.4, §3.5, §4.2)
# ---------------------------------------------------------------------------------------------------


def cv_within_threshold(cv: float, threshold: float) -> bool:
    """``cv ≤ threshold`` on the unrounded CV (§3.4 "compare with thresholds before rounding"; §3.5,
    §4.2 "小于或等于" is inclusive). Only float noise (``REL_TOL``) is forgiven: 0.6504 fails 0.65."""
    return cv <= threshold + REL_TOL * abs(threshold)


def composite_cv_2012(cvs: Sequence[float]) -> float:
    """Composite CV of the 2012 method: the unweighted mean of the 8 indicator CVs (STANDARDS §3.4).

    E.g. 庐阳区 小学 → 0.59175 (published 0.592). Raises ``ValueError`` unless given exactly 8 finite
    CVs: a composite over fewer indicators is not the official figure.
    """
    if len(cvs) != len(BASIC_2012_INDICATORS):
        raise ValueError(f"the 2012 composite needs {len(BASIC_2012_INDICATORS)} CVs, got {len(cvs)}")
    numbers = [_finite_or_none(cv) for cv in cvs]
    if any(n is None or n < 0 for n in numbers):
        raise ValueError("every CV of the composite must be a finite non-negative number")
    return math.fsum(n for n in numbers if n is not None) / len(numbers)


def publish(value: float | None, places: int = 3) -> float | None:
    """Rounds a figure for publication, half up, from its shortest decimal form (§3.4: the official
    tables publish CVs to 3 decimals, e.g. 0.59175 → 0.592). Never use it before comparing."""
    if value is None or not math.isfinite(value):
        return None
    text = repr(float(value))
    decimals = text.partition(".")[2]
    if len(decimals) != places + 1 or decimals[-1] != "5":
        # not halfway in its shortest form: the float is on the same side of the halfway point as its
        # shortest form, so the nearest (``round``) is the same
        return round(float(value), places)
    return float(Decimal(text).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def publish_all(values: Sequence[float | None], places: int = 3) -> list[float | None]:
    """``publish`` of each value, the same numbers, for many at once: ``round`` is the same where a
    value is not near halfway at ``places`` + 1 decimals (its shortest form cannot end there in 5),
    and ``publish`` itself decides the others."""
    if len(values) < 64:  # too few to be worth the arrays
        return [publish(value, places) for value in values]
    numbers = np.array([math.nan if value is None else value for value in values], dtype=float)
    scaled = numbers * 10.0 ** (places + 1)
    with np.errstate(invalid="ignore"):
        clear = np.abs(scaled - np.rint(scaled)) > 1e-6 * np.maximum(1.0, np.abs(scaled))  # False for NaN and inf
    out: list[float | None] = [round(number, places) for number in numbers.tolist()]
    for i in np.flatnonzero(~clear).tolist():
        out[i] = publish(values[i], places)
    return out


# ---------------------------------------------------------------------------------------------------
# Standards, per-school status and the 2017 school rule (§4.2)
# ---------------------------------------------------------------------------------------------------


def percent(ratio: float) -> str:
    """A ratio as a percentage for a sentence: 0.85 → "85 %", 0.875 → "87.5 %"."""
    return f"{ratio * 100:.4g} %"


def meets_standard(value: float, standard: float) -> bool:
    """``value ≥ standard`` ("…以上" includes the number itself, §4.2), forgiving float noise only."""
    return value >= standard - REL_TOL * abs(standard)


class IndicatorStatus(StrEnum):
    MET = "met"  # value ≥ standard
    BETWEEN = "between"  # 85 % × standard ≤ value < standard
    BELOW_FLOOR = "below_floor"  # value < 85 % × standard
    MISSING = "missing"  # no value (data missing or no pupils)


def indicator_status(
    value: float | None, standard: float, floor_ratio: float = QUALITY_2017_FLOOR_RATIO
) -> IndicatorStatus:
    """Status of one school on one indicator against its standard (STANDARDS §4.2): met, in between
    (not met but ≥ 85 % of the standard, "不能低于要求的85%"), below the floor, or missing. Both limits
    are inclusive."""
    if value is None or not math.isfinite(value):
        return IndicatorStatus.MISSING
    if meets_standard(value, standard):
        return IndicatorStatus.MET
    if meets_standard(value, floor_ratio * standard):
        return IndicatorStatus.BETWEEN
    return IndicatorStatus.BELOW_FLOOR


STATUS_ORDER: tuple[IndicatorStatus, ...] = (
    IndicatorStatus.MET,
    IndicatorStatus.BETWEEN,
    IndicatorStatus.BELOW_FLOOR,
    IndicatorStatus.MISSING,
)
"""The statuses in the order of the codes ``indicator_status_codes`` returns (0 = met … 3 = missing)."""


def indicator_status_codes(
    values: NDArray[np.float64], standard: float, floor_ratio: float = QUALITY_2017_FLOOR_RATIO
) -> NDArray[np.int8]:
    """``indicator_status`` for many schools at once (STANDARDS §4.2), as codes into ``STATUS_ORDER``:
    the same comparisons (``meets_standard`` with the standard, then with ``floor_ratio`` × standard)
    on every value; NaN or infinite is missing."""
    x = np.asarray(values, dtype=float)
    finite = np.isfinite(x)
    floor = floor_ratio * standard
    met = finite & (x >= standard - REL_TOL * abs(standard))
    between = finite & ~met & (x >= floor - REL_TOL * abs(floor))
    codes = np.full(x.shape, 3, dtype=np.int8)
    codes[finite] = 2
    codes[between] = 1
    codes[met] = 0
    return codes


@dataclass(frozen=True)
class SchoolRuleResult(_Result):
    """Outcome of the 2017 per-school rule. ``passed`` is ``None`` when missing data leave it open."""

    passed: bool | None
    n_met: int
    n_between: int
    n_below_floor: int
    n_missing: int
    reason: Message

    def as_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "n_met": self.n_met,
            "n_between": self.n_between,
            "n_below_floor": self.n_below_floor,
            "n_missing": self.n_missing,
            "reason": self.reason,
        }


def school_rule_2017(
    statuses: Iterable[IndicatorStatus | str],
    min_met: int = QUALITY_2017_MIN_MET,
    floor_ratio: float = QUALITY_2017_FLOOR_RATIO,
) -> SchoolRuleResult:
    """The 2017 per-school rule, written generally (STANDARDS §4.2): "每所学校至少6项指标达到上述要求，
    余项不能低于要求的85%" → passes iff at least ``min_met`` indicators are met **and** no indicator is
    below the floor (the floor itself is applied by ``indicator_status``).

    With missing indicators the rule is decided when it can be (a known failure, or enough met and
    nothing that could still fall below the floor is impossible to know), else ``passed=None``.
    ``floor_ratio`` only words the reason: the statuses already carry the floor.
    """
    counts = dict.fromkeys(IndicatorStatus, 0)
    for status in statuses:
        counts[IndicatorStatus(status)] += 1
    met, between = counts[IndicatorStatus.MET], counts[IndicatorStatus.BETWEEN]
    below, missing = counts[IndicatorStatus.BELOW_FLOOR], counts[IndicatorStatus.MISSING]
    floor = percent(floor_ratio)
    if missing:
        tally = _(
            "{met} met, {between} between {floor} and the standard, {below} below {floor}, {missing} missing",
            met=met, between=between, below=below, missing=missing, floor=floor,
        )
    else:
        tally = _(
            "{met} met, {between} between {floor} and the standard, {below} below {floor}",
            met=met, between=between, below=below, floor=floor,
        )
    if below:
        passed: bool | None = False
        reason = _("{n} indicator(s) below {floor} of the standard ({tally})", n=below, floor=floor, tally=tally)
    elif met + missing < min_met:
        passed = False
        reason = _("only {met} of at least {min_met} indicators met ({tally})", met=met, min_met=min_met, tally=tally)
    elif missing:
        passed = None
        reason = _("undetermined: {n} indicator(s) without data ({tally})", n=missing, tally=tally)
    else:
        passed = True
        reason = _("at least {min_met} met and the rest ≥ {floor} ({tally})", min_met=min_met, floor=floor, tally=tally)
    return SchoolRuleResult(passed, met, between, below, missing, reason)


@dataclass(frozen=True)
class AttainmentResult(_Result):
    """Share of schools meeting a standard, **by count of schools** (not enrolment-weighted)."""

    rate: float | None
    n_met: int
    n_assessed: int
    n_excluded: int


def attainment_rate(
    values: Iterable[MaybeNumber],
    standard: float,
    weights: Iterable[MaybeNumber] | None = None,
) -> AttainmentResult:
    """达标率: the share of schools whose value meets the standard (DOMAIN §6, STANDARDS §8 "差异系数和达标率").

    Counted by schools, not weighted by enrolment (the way the 2017 rule talks about "每所学校").
    Schools without a value, or with 0 enrolment when ``weights`` are given, are not assessed and
    are counted in ``n_excluded``; ``rate`` is ``None`` if no school is assessed.
    """
    x = _as_float_array(values)
    assessed = np.isfinite(x)
    if weights is not None:
        w = _as_float_array(weights)
        if w.shape != x.shape:
            raise ValueError(f"{x.size} values but {w.size} enrolments")
        assessed &= np.isfinite(w) & (w > 0)
    n_assessed = int(np.count_nonzero(assessed))
    n_met = int(np.count_nonzero(x[assessed] >= standard - REL_TOL * abs(standard)))  # meets_standard
    rate = n_met / n_assessed if n_assessed else None
    return AttainmentResult(rate, n_met, n_assessed, int(x.size) - n_assessed)


# ---------------------------------------------------------------------------------------------------
# Indices beyond the CV (§8)
# ---------------------------------------------------------------------------------------------------


def gini(values: Iterable[MaybeNumber], weights: Iterable[MaybeNumber]) -> float | None:
    """Enrolment-weighted Gini coefficient, "实用公式" (STANDARDS §8 [V-3rd]).

    Sort schools by Xᵢ ascending; Pᵢ = enrolment share, Wᵢ = resource share (resourceᵢ = XᵢPᵢ),
    Qᵢ = W₁ + … + Wᵢ; ``G = 1 − Σ Pᵢ (2Qᵢ − Wᵢ)``. Equals the pairwise form
    Σᵢ Σⱼ PᵢPⱼ|Xᵢ − Xⱼ| / (2X̄) and does not depend on the order of ties. Fixture → 0.288377.

    Range [0, 1 − minᵢ Pᵢ] ⊂ [0, 1). Missing values and 0-enrolment schools are left out; ``None`` when
    no school is left or the total resource is 0. Rounding noise below 1e-12 is clamped to 0.
    """
    sample = _sample(values, weights)
    if sample.x.size == 0:
        return None
    order = np.argsort(sample.x, kind="stable")
    x, w = sample.x[order], sample.w[order]
    resource = x * w
    total = float(resource.sum())
    if total == 0.0:
        return None
    if np.all(x == x[0]):
        return 0.0
    p = w / w.sum()
    share = resource / total
    cumulative = np.cumsum(share)
    g = 1.0 - _dot(p, 2.0 * cumulative - share)
    return 0.0 if -1e-12 < g < 0.0 else g


@dataclass(frozen=True)
class DevelopmentIndex(_Result):
    """发展程度指数 (STANDARDS §8 [P]): ``Dᵢ = Xᵢ / standard`` and the county's ``X̄ / standard``."""

    county: float | None
    schools: list[float | None]


def development_index(
    values: Sequence[MaybeNumber], weights: Sequence[MaybeNumber], standard: float
) -> DevelopmentIndex:
    """Development-degree index (STANDARDS §8 [P]): per school ``Xᵢ / standard``; for the county the
    enrolment-weighted mean ``X̄ / standard``; > 1 = above the standard. The development-degree Gini on
    the Dᵢ equals ``gini(values, weights)`` because the Gini is scale invariant."""
    if not (math.isfinite(standard) and standard > 0):
        raise ValueError("the standard must be a positive number")
    mean = weighted_mean(values, weights)
    x = _as_float_array(values)
    w = _as_float_array(weights)
    schools = [
        float(v) / standard if math.isfinite(v) and math.isfinite(p) and p > 0 else None
        for v, p in zip(x, w, strict=True)
    ]
    return DevelopmentIndex(None if mean is None else mean / standard, schools)


class Direction(StrEnum):
    WEAK = "weak"  # Xᵢ < X̄: a weak school (薄弱学校) pulling the county down
    OVER_RESOURCED = "over_resourced"  # Xᵢ > X̄
    AT_MEAN = "at_mean"


@dataclass(frozen=True)
class Contribution:
    """A school's share of the weighted variance and the side of the mean it is on (§8)."""

    share: float
    direction: Direction
    deviation: float  # Xᵢ − X̄

    def as_dict(self) -> dict[str, Any]:
        return {"share": self.share, "direction": self.direction.value, "deviation": self.deviation}


def difference_contributions(
    values: Sequence[MaybeNumber], weights: Sequence[MaybeNumber]
) -> list[Contribution | None]:
    """差异贡献率 of each school (STANDARDS §8 [P]): the decomposition of the weighted variance of §3.4,
    ``cᵢ = (Pᵢ/P)(Xᵢ − X̄)² / Σⱼ (Pⱼ/P)(Xⱼ − X̄)²``; Σ cᵢ = 1. Direction: weak if Xᵢ < X̄,
    over-resourced if Xᵢ > X̄. Fixture → 0.0003, 0.0797, 0.4813, 0.4225, 0.0162.

    Aligned with the input; ``None`` for a school left out (missing value or 0 enrolment). When the
    variance is 0 (all schools equal) there is no difference to attribute: every share is 0.0 and
    every direction ``at_mean``.
    """
    index, shares, deviations = difference_contribution_arrays(values, weights)
    result: list[Contribution | None] = [None] * _as_float_array(values).size
    for i, share, dev in zip(index.tolist(), shares.tolist(), deviations.tolist(), strict=True):
        direction = Direction.AT_MEAN if dev == 0.0 else (Direction.WEAK if dev < 0 else Direction.OVER_RESOURCED)
        result[i] = Contribution(share, direction, dev)
    return result


def difference_contribution_arrays(
    values: Sequence[MaybeNumber] | NDArray[Any], weights: Sequence[MaybeNumber] | NDArray[Any]
) -> tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.float64]]:
    """``difference_contributions`` as arrays (STANDARDS §8 [P]): ``(index, share, deviation)`` for the
    schools in the statistic (positions in the input, ascending), with ``share`` =
    ``(Pᵢ/P)(Xᵢ − X̄)² / Σⱼ (Pⱼ/P)(Xⱼ − X̄)²`` and ``deviation`` = ``Xᵢ − X̄`` (all 0 when every school
    has the same value). The direction is the sign of the deviation."""
    sample = _sample(values, weights)
    if sample.x.size == 0:
        return sample.index, np.zeros(0), np.zeros(0)
    p = sample.p
    mean = _dot(p, sample.x)
    deviation = sample.x - mean
    if np.all(sample.x == sample.x[0]):
        deviation = np.zeros_like(sample.x)
    terms = p * deviation**2
    total = float(terms.sum())
    shares = terms / total if total > 0 else np.zeros_like(terms)
    return sample.index, shares, deviation


# ---------------------------------------------------------------------------------------------------
# Room for adjustment (差异调整空间, §8 [P])
# ---------------------------------------------------------------------------------------------------


def shortfall_to_standard(resource: float, students: float, standard: float, *, per: float = 1.0) -> float:
    """Least resource a school must add to reach the standard (STANDARDS §8 [P]):
    ``max(0, standard × Pᵢ / per − resourceᵢ)``, in the resource's own unit (㎡, 元, 人, 台, 间 …);
    ``per`` is 100 for the "每百名学生" indicators. 0 for a school that already meets the standard."""
    if students <= 0:
        return 0.0
    if meets_standard(resource * per / students, standard):
        return 0.0
    return max(0.0, standard * students / per - resource)


@dataclass(frozen=True)
class CVAdjustment(_Result):
    """The least total addition that brings a CV down to a threshold (see ``cv_adjustment_plan``).

    ``additions`` is aligned with the input and in value × enrolment units (divide by the indicator's
    ``per`` to get ㎡, 人, 台 …); ``None`` for schools left out of the CV. ``level`` is the common
    value L the weakest schools are raised to. ``total`` is ``None`` only when the CV is undefined.
    """

    needed: bool
    total: float | None
    level: float | None
    additions: list[float | None]
    cv_before: float | None
    cv_after: float | None
    threshold: float
    n_raised: int
    note: Message | None = None


_PLAN_MARGIN = 1e-12
"""The plan aims at threshold × (1 − 1e-12), so that it still meets the threshold when a caller
rebuilds the new values as Xᵢ + Δᵢ/Pᵢ in floating point (costs a relative 1e-12 of the total)."""


def segment_cumsum(values: NDArray[np.float64], bounds: Sequence[int] | NDArray[np.intp]) -> NDArray[np.float64]:
    """``np.cumsum`` of each segment ``values[bounds[i]:bounds[i + 1]]``, sum for sum the same (added in
    order from the segment's start, whatever the other segments), for all the segments at once: the
    segments of about the same size (within a factor 2) are the rows of a matrix, padded with zeros
    after their end, summed along the rows."""
    if len(bounds) == 2 and bounds[0] == 0 and bounds[1] == len(values):  # one segment
        return np.cumsum(values)
    bounds = np.asarray(bounds, dtype=np.intp)
    sizes = np.diff(bounds)
    out = np.empty(len(values))
    classes = np.frexp(sizes)[1]  # sizes 2^(c-1) … 2^c − 1 in class c
    for c in np.unique(classes[sizes > 0]).tolist():
        rows = np.flatnonzero(classes == c)
        if rows.size == 1:
            low, high = bounds[rows[0]], bounds[rows[0] + 1]
            np.cumsum(values[low:high], out=out[low:high])
            continue
        width = int(sizes[rows].max())
        inside = np.arange(width) < sizes[rows, None]
        at = (bounds[rows, None] + np.arange(width))[inside]
        matrix = np.zeros((rows.size, width))
        matrix[inside] = values[at]
        out[at] = np.cumsum(matrix, axis=1)[inside]
    return out


_GROUPS_AT_ONCE = 32
"""From this many groups on, ``cv_adjustment_groups`` bisects their levels all at once."""


def _bisect_level(low: float, high: float, target: float, cv: Callable[[float], float]) -> float:
    """``_bisect_levels`` of one group, on Python floats: the same steps."""
    for _step in range(200):
        mid = 0.5 * (low + high)
        if mid <= low or mid >= high:
            break
        if cv(mid) <= target:
            high = mid
        else:
            low = mid
    return high


def _prefix_cv(x: NDArray[np.float64], below: NDArray[np.float64], first: NDArray[np.float64],
               second: NDArray[np.float64], centre: float) -> Callable[[float], float]:
    """The water-filled CV of one group of ``cv_adjustment_groups`` at a level, from its prefix sums,
    with the operations of its ``prefix_cv`` on one number at a time (a small group's columns as lists)."""
    if x.size <= 4096:
        x, below, first, second = x.tolist(), below.tolist(), first.tolist(), second.tolist()
    end = len(x)

    def cv(level: float) -> float:
        j = bisect_left(x, level)
        if j == end:
            return 0.0
        e = level - centre
        shifted = below[j] * e + first[j]
        variance = below[j] * e * e + second[j] - shifted * shifted
        return float(math.sqrt(max(variance, 0.0)) / (centre + shifted))

    return cv


def _bisect_levels(cv: Callable[[NDArray[np.intp], NDArray[np.float64]], NDArray[np.float64]],
                   low: NDArray[np.float64], high: NDArray[np.float64], target: float) -> NDArray[np.float64]:
    """For each group ``k``, the least level in [low[k], high[k]] whose water-filled CV
    (``cv(groups, levels)``) meets ``target`` (the CV at ``high[k]`` does), bisected with the same steps
    as for the group alone, all the groups a step at a time."""
    low, high = low.copy(), high.copy()
    active = np.arange(low.size)
    for _step in range(200):
        mid = 0.5 * (low[active] + high[active])
        inside = (mid > low[active]) & (mid < high[active])
        active, mid = active[inside], mid[inside]
        if not active.size:
            break
        meets = cv(active, mid) <= target
        high[active[meets]] = mid[meets]
        low[active[~meets]] = mid[~meets]
    return high


def cv_adjustment_plan(values: Sequence[MaybeNumber], weights: Sequence[MaybeNumber], threshold: float) -> CVAdjustment:
    """Least total resource to add so that the county's CV falls to ``threshold`` (STANDARDS §8 [P],
    差异调整空间; CV of §3.4). Additions only (Δᵢ ≥ 0), allocated to named schools.

    Problem: minimise Σ Δᵢ subject to CV(Xᵢ + Δᵢ/Pᵢ) ≤ t, Δᵢ ≥ 0. Solution: **water-filling** — raise
    every school below a common level L to L (Δᵢ = Pᵢ·max(0, L − Xᵢ)), with the least L that meets
    the threshold (aiming 1e-12 below it, see ``_PLAN_MARGIN``). Why this is optimal:

    1. Σ Δᵢ = P·(m − X̄) where m is the new weighted mean, so minimising the total is minimising m.
    2. For a fixed m, the variance Σ pᵢyᵢ² − m² is minimised over {y ≥ X, Σ pᵢyᵢ = m} by a strictly
       convex problem whose KKT conditions give yᵢ = max(Xᵢ, λ): water-filling is the unique best
       allocation of any given total.
    3. The least CV reachable at mean m, f(m), is strictly decreasing while positive: from an
       allocation at m, adding the same amount to every school reaches any m' > m with the same SD,
       so f(m') ≤ f(m)·m/m'. Hence CV(water-fill at L) decreases in L, and the least feasible L
       (found by bisection on [min X, max X], where L = max X gives CV 0) is the optimum.

    (The feasible set is a second-order cone, so the problem is convex; the tests check the result
    against ``scipy.optimize`` and a brute-force grid.) The bisection keeps the upper end feasible, so
    the returned plan always satisfies the threshold. The plan is continuous: rounding whole teachers
    or computers up is the office's call.

    Missing values and 0-enrolment schools are left out (``None`` additions). If the CV is undefined
    (no data, all zero) there is no plan (``total=None``); if it already meets the threshold the
    plan is empty (``needed=False``, total 0).
    """
    plan, additions = cv_adjustment_arrays(values, weights, threshold)
    plan.additions.extend(None if add != add else add for add in additions.tolist())
    return plan


def cv_adjustment_unneeded(before: CVResult, threshold: float) -> CVAdjustment | None:
    """The plan when there is nothing to add, from the CV before (``weighted_cv_detail``): no plan
    when the CV is undefined, an empty one when it already meets ``threshold``; ``None`` when a plan
    is needed (``cv_adjustment_plan``). Its ``additions`` are left empty."""
    if before.value is None:
        return CVAdjustment(
            False, None, None, [], None, None, threshold, 0, note=_("no plan: {reason}", reason=before.note)
        )
    if cv_within_threshold(before.value, threshold):
        return CVAdjustment(
            False,
            0.0,
            None,
            [],
            before.value,
            before.value,
            threshold,
            0,
            note=_MEETS_THRESHOLD,
        )
    return None


_MEETS_THRESHOLD = _("the CV already meets the threshold")


def cv_adjustment_arrays(
    values: Sequence[MaybeNumber] | NDArray[Any],
    weights: Sequence[MaybeNumber] | NDArray[Any],
    threshold: float,
    *,
    before: CVResult | None = None,
) -> tuple[CVAdjustment, NDArray[np.float64]]:
    """``cv_adjustment_plan`` with the additions as an array aligned with the input (NaN for the
    schools left out) instead of the plan's list, which is left empty. ``before``: the CV of the
    same values and weights (``weighted_cv_detail``), if already computed."""
    if not (math.isfinite(threshold) and threshold >= 0):
        raise ValueError("the threshold must be a non-negative number")
    sample = _sample(values, weights)
    if before is None:
        before = weighted_cv_detail(values, weights)
    unneeded = cv_adjustment_unneeded(before, threshold)
    if unneeded is None:
        plans, additions = cv_adjustment_groups(values, weights, [0, sample.size], threshold, {0: before})
        return plans[0], additions
    additions = np.full(sample.size, np.nan)
    if before.value is not None:
        additions[sample.index] = 0.0
    return unneeded, additions


def cv_adjustment_groups(
    values: Sequence[MaybeNumber] | NDArray[Any],
    weights: Sequence[MaybeNumber] | NDArray[Any],
    bounds: Sequence[int] | NDArray[np.intp],
    threshold: float,
    befores: Mapping[int, CVResult],
    *,
    order: NDArray[np.intp] | None = None,
) -> tuple[dict[int, CVAdjustment], NDArray[np.float64]]:
    """The plan of ``cv_adjustment_plan`` for each group ``g`` of ``befores`` (the schools
    ``bounds[g]:bounds[g + 1]``, whose CV ``befores[g]`` is above the threshold: a plan is needed), for
    all of them at once; a group's plan depends on its own schools only. Returns the plans by group
    and the additions aligned with ``values`` (NaN for the schools left out and those of the other
    groups). ``order``: the positions of the schools with a value and pupils, sorted by group, then
    value (ties in the input's order), if already known.

    Each group's water level is bisected (``_bisect_levels``) on its prefix sums, in O(log n) a step:
    with the schools sorted by Xᵢ and centred on c (the mean before, dᵢ = Xᵢ − c), the k schools below L
    are raised to L, so m − c = (Σ_{<k} p)(L − c) + Σ_{≥k} p d and the variance is
    (Σ_{<k} p)(L − c)² + Σ_{≥k} p d² − (m − c)² (centring keeps the subtraction well conditioned),
    aiming a relative 1e-12 below the target. The level is then checked with the two-pass CV of §3.4;
    should rounding leave it short, the bisection goes on above it, two-pass."""
    if not (math.isfinite(threshold) and threshold >= 0):
        raise ValueError("the threshold must be a non-negative number")
    planned = list(befores)
    if not planned:
        return {}, np.full(len(values), np.nan)
    x_all, w_all = _as_float_array(values), _as_float_array(weights)
    bounds = np.asarray(bounds, dtype=np.intp)
    group = np.repeat(np.arange(bounds.size - 1), np.diff(bounds))
    usable = np.isfinite(w_all) & (w_all > 0) & np.isfinite(x_all)
    additions = np.full(x_all.size, np.nan)
    if order is None:
        used = np.flatnonzero(usable)
        order = used[np.lexsort((x_all[used], group[used]))]
    slot = np.full(bounds.size - 1, -1)  # each planned group's number, 0 … n − 1
    slot[planned] = np.arange(len(planned))
    at = order[slot[group[order]] >= 0]  # the planned groups' schools, by group, then value
    g, x, w = slot[group[at]], x_all[at], w_all[at]
    n = len(planned)
    starts = np.searchsorted(g, np.arange(n + 1))
    mine = usable & (slot[group] >= 0)
    p = w / np.bincount(slot[group[mine]], w_all[mine], minlength=n)[g]  # Pᵢ / P, P added in the input's order
    centre = np.array([float(befores[k].mean or 0.0) for k in planned])
    d = x - centre[g]
    backwards = (starts[:-1] + starts[1:] - 1)[g] - np.arange(x.size)  # each group's schools from its last

    def suffix(v: NDArray[np.float64]) -> NDArray[np.float64]:
        return segment_cumsum(v[backwards], starts)[backwards]

    below = np.zeros(x.size)  # Σ p of the schools before, in the group
    below[1:] = segment_cumsum(p, starts)[:-1]
    below[starts[:-1]] = 0.0
    first, second = suffix(p * d), suffix(p * d * d)
    lowest, highest = x[starts[:-1]], x[starts[1:] - 1]
    aim = threshold * (1.0 - _PLAN_MARGIN) * (1.0 - _PLAN_MARGIN)
    if n < _GROUPS_AT_ONCE:  # a few groups: one at a time, the same operations on Python floats
        ends = starts.tolist()
        level = np.array([_bisect_level(low, high, aim, _prefix_cv(
            *(column[ends[k]:ends[k + 1]] for column in (x, below, first, second)), c)) for k, (low, high, c)
            in enumerate(zip(lowest.tolist(), highest.tolist(), centre.tolist(), strict=True))])
    else:
        ranked = np.sort(x)  # Xᵢ < L exactly when rank(Xᵢ) < rank(L), whatever the group
        keys = g * (x.size + 1) + np.searchsorted(ranked, x)

        def prefix_cv(k: NDArray[np.intp], level: NDArray[np.float64]) -> NDArray[np.float64]:
            j = np.searchsorted(keys, k * (x.size + 1) + np.searchsorted(ranked, level))  # first not below L
            raised_all = j == starts[k + 1]
            j = np.minimum(j, x.size - 1)
            e = level - centre[k]
            shifted = below[j] * e + first[j]
            variance = below[j] * e * e + second[j] - shifted * shifted
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(raised_all, 0.0, np.sqrt(np.maximum(variance, 0.0)) / (centre[k] + shifted))

        level = _bisect_levels(prefix_cv, lowest, highest, aim)

    def two_pass_cv(k: NDArray[np.intp], level: NDArray[np.float64]) -> NDArray[np.float64]:
        at_level = np.zeros(n)
        at_level[k] = level
        i = np.flatnonzero(np.isin(g, k)) if k.size < n else slice(None)
        y = np.maximum(x[i], at_level[g[i]])
        mean = np.bincount(g[i], p[i] * y, minlength=n)
        variance = np.bincount(g[i], p[i] * (y - mean[g[i]]) ** 2, minlength=n)
        with np.errstate(divide="ignore", invalid="ignore"):
            cv = np.sqrt(variance[k]) / mean[k]
        return np.where(np.maximum(level, lowest[k]) == np.maximum(level, highest[k]), 0.0, cv)  # all equal

    target = threshold * (1.0 - _PLAN_MARGIN)
    after = two_pass_cv(np.arange(n), level)
    short = np.flatnonzero(after > target)
    if short.size:  # rounding left these short of the target: the bisection goes on above, two-pass
        level[short] = _bisect_levels(lambda k, mid: two_pass_cv(short[k], mid), level[short], highest[short], target)
        after[short] = two_pass_cv(short, level[short])
    raised = np.maximum(level[g] - x, 0.0) * w
    additions[at] = raised
    n_raised = np.bincount(g[raised > 0], minlength=n).tolist()
    raised_list, starts_list, level_list, after_list = raised.tolist(), starts.tolist(), level.tolist(), after.tolist()
    plans = {}
    for k, at_group in enumerate(planned):
        before = befores[at_group]
        plans[at_group] = CVAdjustment(True, math.fsum(raised_list[starts_list[k]:starts_list[k + 1]]), level_list[k],
                                       [], before.value, after_list[k], threshold, n_raised[k], note=before.note)
    return plans, additions
