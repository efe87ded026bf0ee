"""Balanced-development analysis engine: read a school table, validate it, analyse it.

Shared by the web UI and the command line (``dudao balance analyze FILE --method … --json``). Like
``formulas`` it imports no Django, so a pure-Python CLI can use it.

The school table (template: ``write_template``)
-----------------------------------------------
One row per school. A **combined school** (九年一贯制, 完全中学, 十二年一贯制) has one row per
compulsory stage it runs (小学 and/or 初中), because pupils and teachers are reported per stage in the
statistics report, while its facilities are one whole-school total that is split by STANDARDS §3.6.

=====================================  =========================  =====================================
column (template header)               field                      rule
=====================================  =========================  =====================================
学校代码                               ``school_code``            required, text
学校名称                               ``school_name``            required, text
学校类型                               ``school_type``            required: 小学 初中 九年一贯制 完全中学 十二年一贯制
学段                                   ``stage``                  小学 / 初中; required for combined schools
在校生数                               ``students``               required, whole number ≥ 0: this stage's pupils
高中在校生数                           ``senior_students``        完全中学 / 十二年一贯制 only (for the split)
教学及辅助用房面积(㎡)                 ``teaching_area_m2``       facility (split)
室内体育用房面积(㎡)                   ``indoor_sports_area_m2``  facility (split); part of the teaching area
体育馆面积(㎡)                         ``gym_area_m2``            facility (split)
运动场地面积(㎡)                       ``field_area_m2``          facility (split)
教学仪器设备资产值(元)                 ``equipment_value_yuan``   facility (split); or the 万元 column
教学仪器设备资产值(万元)               ``equipment_value_wan_yuan`` converted ×10 000 to 元
教学用计算机台数(台)                   ``computers``              facility (split), whole number
图书册数(册)                           ``books``                  facility (split), whole number
专任教师数                             ``teachers``               per stage, whole number
高于规定学历专任教师数                 ``teachers_above_required_degree``  小学 专科及以上, 初中 本科及以上
中级及以上职称专任教师数               ``teachers_intermediate_title``     per stage
县级及以上骨干教师数                   ``key_teachers_county_level``       per stage
体育音乐美术专任教师数                 ``pe_music_art_teachers``           per stage
网络多媒体教室数(间)                   ``multimedia_classrooms``           per stage
班级数                                 ``classes``                         per stage (not used by the indicators)
=====================================  =========================  =====================================

Headers may be the Chinese ones (with or without the unit in brackets, full-width or not), the
English field names, or a few common variants (``HEADER_ALIASES``). A unit in brackets is checked:
``图书(万册)`` is refused rather than misread. The facility fields of a combined school are given on
one of its rows (the others leave them blank or repeat the same value). A blank cell is a
**missing** value: the school is left out of that indicator and counted; write 0 for "none".

Every row is validated before anything is computed, and **all** problems come back together as
``RowError(row, column, message, code)`` inside ``SchoolTableError``. Rows are numbered as in the sheet (the
header is row 1). Full-width digits and separators are normalised, spaces trimmed, thousands
separators accepted; negative, non-numeric, fractional head counts and unknown categories are errors.
"""

from __future__ import annotations

import csv
import gc
import io
import math
import re
import unicodedata
from array import array
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import accumulate, chain, repeat
from operator import attrgetter
from pathlib import Path
from typing import Any, Literal, NoReturn
from zipfile import BadZipFile

import numpy as np
from numpy.typing import NDArray

from dudao.core.importing import RowError
from dudao.monitoring.formulas import (
    BASIC_2012_COMPOSITE_THRESHOLDS,
    COMPULSORY_STAGES,
    QUALITY_2017_CV_THRESHOLDS,
    QUALITY_2017_FLOOR_RATIO,
    QUALITY_2017_MIN_MET,
    QUALITY_2017_STANDARDS,
    REL_TOL,
    SPLIT_FIELDS,
    STATUS_ORDER,
    Direction,
    IndicatorSpec,
    Message,
    Method,
    SchoolRuleResult,
    SchoolType,
    Stage,
    composite_cv_2012,
    compute_indicator,
    compute_indicator_column,
    cv_adjustment_groups,
    cv_adjustment_unneeded,
    cv_result,
    cv_within_threshold,
    indicator_status_codes,
    indicators_for,
    percent,
    publish,
    publish_all,
    school_rule_2017,
    segment_cumsum,
    split_shares,
    wan_yuan_to_yuan,
)

__all__ = [
    "COLUMNS",
    "HEADER_ALIASES",
    "Column",
    "SchoolRow",
    "SchoolTable",
    "SchoolTableError",
    "SchoolUnit",
    "analyze",
    "analyze_many",
    "build_units",
    "parse_records",
    "read_school_table",
    "template_header",
    "write_template",
]

# a count is stored in a PositiveIntegerField: nothing past what PostgreSQL's integer holds
COUNT_LIMIT = 2_147_483_647

ColumnKind = Literal["text", "school_type", "stage", "count", "amount"]

_ = Message  # a sentence for a person, extracted into the catalogue (see ``formulas.Message``)


# ---------------------------------------------------------------------------------------------------
# Columns and headers
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of the school table."""

    name: str
    header: str  # the header written by ``write_template``
    kind: ColumnKind
    units: tuple[str, ...] = ()  # units accepted in a header's brackets
    aliases: tuple[str, ...] = ()  # other accepted headers (without units)
    help: str = ""

    @property
    def is_number(self) -> bool:
        return self.kind in ("count", "amount")


_AREA = ("㎡", "m2", "平方米", "平米")
_PEOPLE = ("人",)

COLUMNS: tuple[Column, ...] = (
    Column(
        "school_code",
        "学校代码",
        "text",
        aliases=("学校标识码", "学校编码", "代码", "code"),
        help="必填。每所学校唯一；一贯制学校各学段行使用同一代码。",
    ),
    Column("school_name", "学校名称", "text", aliases=("校名", "名称", "name"), help="必填。"),
    Column(
        "school_type",
        "学校类型",
        "school_type",
        aliases=("办学类型", "学校类别", "类型", "level", "type"),
        help="必填：小学、初中、九年一贯制、完全中学、十二年一贯制。",
    ),
    Column(
        "stage",
        "学段",
        "stage",
        aliases=("学部",),
        help="小学或初中。一贯制学校必填，每个义务教育学段一行；单一学段学校可留空。",
    ),
    Column(
        "students",
        "在校生数",
        "count",
        _PEOPLE,
        aliases=("学生数", "在校学生数", "enrolment"),
        help="必填。本行学段的在校生数（整数）。",
    ),
    Column(
        "senior_students",
        "高中在校生数",
        "count",
        _PEOPLE,
        aliases=("高中学生数",),
        help="完全中学、十二年一贯制学校填写，用于拆分校舍与设施（STANDARDS §3.6）。",
    ),
    Column(
        "teaching_area_m2",
        "教学及辅助用房面积",
        "amount",
        _AREA,
        help="全校合计；一贯制学校按 §3.6 比例拆分。含室内体育用房。",
    ),
    Column(
        "indoor_sports_area_m2",
        "室内体育用房面积",
        "amount",
        _AREA,
        help="教学及辅助用房中的室内体育用房；2017 指标4扣除。没有请填 0。",
    ),
    Column("gym_area_m2", "体育馆面积", "amount", _AREA, help="全校合计（拆分）。"),
    Column("field_area_m2", "运动场地面积", "amount", _AREA, aliases=("运动场面积",), help="全校合计（拆分）。"),
    Column(
        "equipment_value_yuan",
        "教学仪器设备资产值",
        "amount",
        ("元",),
        aliases=("教学仪器设备值",),
        help="全校合计（拆分）。与“万元”列二选一。",
    ),
    Column(
        "equipment_value_wan_yuan",
        "教学仪器设备资产值",
        "amount",
        ("万元",),
        aliases=("教学仪器设备值",),
        help="统计报表口径（万元），自动乘以 10000 换算为元。",
    ),
    Column(
        "computers",
        "教学用计算机台数",
        "count",
        ("台",),
        aliases=("计算机台数", "教学用计算机"),
        help="全校合计（拆分）。",
    ),
    Column("books", "图书册数", "count", ("册",), aliases=("图书",), help="全校合计（拆分）。"),
    Column("teachers", "专任教师数", "count", _PEOPLE, help="本学段。"),
    Column(
        "teachers_above_required_degree",
        "高于规定学历专任教师数",
        "count",
        _PEOPLE,
        aliases=("高于规定学历教师数",),
        help="本学段；小学为专科及以上，初中为本科及以上。",
    ),
    Column(
        "teachers_intermediate_title",
        "中级及以上职称专任教师数",
        "count",
        _PEOPLE,
        aliases=("中级及以上专业技术职务专任教师数", "中级及以上专业技术职务教师数", "中级及以上职称教师数"),
        help="本学段。",
    ),
    Column(
        "key_teachers_county_level",
        "县级及以上骨干教师数",
        "count",
        _PEOPLE,
        aliases=("县级以上骨干教师数", "骨干教师数"),
        help="本学段。",
    ),
    Column(
        "pe_music_art_teachers",
        "体育音乐美术专任教师数",
        "count",
        _PEOPLE,
        aliases=("体育、音乐、美术专任教师数", "体育、艺术（美术、音乐）专任教师数", "体育艺术专任教师数"),
        help="本学段体育、音乐、美术（艺术）专任教师。",
    ),
    Column("multimedia_classrooms", "网络多媒体教室数", "count", ("间",), aliases=("网络多媒体教室",), help="本学段。"),
    Column(
        "classes",
        "班级数",
        "count",
        ("个", "班"),
        aliases=("班数",),
        help="本学段（指标不使用，供政府保障程度项目参考）。",
    ),
)

_COLUMNS_BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}
# a row's raw fields (``SchoolRow.values``), in this order in ``SchoolRow.numbers``
_VALUE_NAMES: tuple[str, ...] = tuple(
    c.name for c in COLUMNS if c.is_number and c.name not in ("students", "senior_students", "equipment_value_wan_yuan")
)
_VALUE_POSITIONS: dict[str, int] = {name: k for k, name in enumerate(_VALUE_NAMES)}

IGNORED_HEADERS: frozenset[str] = frozenset(
    {"序号", "备注", "说明", "乡镇", "所属乡镇", "学区", "no", "remark", "note"}
)
"""Headers that are accepted and ignored; any other unknown header is an error (a mistyped header
would otherwise turn a whole column into missing data)."""


def _normalise_text(value: str) -> str:
    """NFKC (full-width → half-width, ㎡ → m2, ideographic space → space) and trimmed."""
    return unicodedata.normalize("NFKC", value).strip()


def _header_key(value: str) -> str:
    return re.sub(r"[\s、，,·:：_\-]", "", _normalise_text(value)).lower()


def _header_keys() -> dict[str, list[Column]]:
    keys: dict[str, list[Column]] = defaultdict(list)
    for column in COLUMNS:
        for alias in (column.header, column.name, *column.aliases):
            key = _header_key(alias)
            if column not in keys[key]:
                keys[key].append(column)
    return dict(keys)


HEADER_ALIASES: dict[str, list[Column]] = _header_keys()
"""Normalised header (no unit) → candidate columns. Two candidates (equipment 元 / 万元) are told apart
by the unit in the header's brackets."""

_UNIT_IN_BRACKETS = re.compile(r"^(?P<base>.*?)\((?P<unit>[^()]*)\)$")


def _resolve_header(raw: str) -> tuple[Column | None, Message | None]:
    """Maps a header to its column; returns (column, None) or (None, reason) or (None, None) if ignored."""
    text = _normalise_text(raw)
    if _header_key(text) in IGNORED_HEADERS:
        return None, None
    exact = HEADER_ALIASES.get(_header_key(text), [])
    if len(exact) == 1:
        return exact[0], None
    match = _UNIT_IN_BRACKETS.match(text)
    base, unit = (match["base"], match["unit"]) if match else (text, None)
    candidates = HEADER_ALIASES.get(_header_key(base), [])
    if not candidates:
        return None, _("unknown column (see the sheet 填写说明 of the template)")
    if unit is None:
        if len(candidates) > 1:
            units = " / ".join(f"{c.header}({c.units[0]})" for c in candidates)
            return None, _("the header must state the unit: {units}", units=units)
        return candidates[0], None
    unit_key = _header_key(unit)
    for column in candidates:
        if unit_key in {_header_key(u) for u in column.units}:
            return column, None
    accepted = " / ".join(u for c in candidates for u in c.units)
    if not accepted:
        return None, _("unit '{unit}' is not accepted here (expected no unit)", unit=unit)
    return None, _("unit '{unit}' is not accepted here (expected {accepted})", unit=unit, accepted=accepted)


# ---------------------------------------------------------------------------------------------------
# Rows and errors
# ---------------------------------------------------------------------------------------------------


class SchoolTableError(ValueError):
    """The table cannot be analysed; ``errors`` lists every problem found (all rows, all columns): each
    ``RowError`` names the column as written in the file (or the template header when the column is
    absent) and its ``message`` is a ``Message``, shown in the user's language."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors: list[RowError] = sorted(errors, key=lambda e: (e.row, e.column))
        shown = "; ".join(f"row {e.row}, {e.column}: {e.message}" for e in self.errors[:5])
        more = f" (+{len(self.errors) - 5} more)" if len(self.errors) > 5 else ""
        super().__init__(f"{len(self.errors)} problem(s) in the school table: {shown}{more}")

    def as_dicts(self) -> list[dict[str, Any]]:
        return [{"row": e.row, "column": e.column, "code": e.code, "reason": e.message} for e in self.errors]


@dataclass(frozen=True)
class SchoolRow:
    """One validated row: a school, or one compulsory stage of a combined school.

    ``values`` holds every raw numeric field except the enrolments, ``None`` for a blank cell; the
    equipment value is always in 元 (``equipment_value_yuan``). ``numbers``: the same fields as
    float64 bytes in the order of ``_VALUE_NAMES`` (NaN for a blank cell), written by the reader,
    which has every value in hand, so that the analysis reads a level's fields as one array (a row
    made by hand has none: its ``values`` are read instead).
    """

    row: int
    school_code: str
    school_name: str
    school_type: SchoolType
    stage: Stage
    students: int
    senior_students: int | None = None
    values: Mapping[str, float | None] = field(default_factory=dict)
    numbers: bytes = field(default=b"", repr=False, compare=False)


class SchoolTable(list):
    """The rows of one table as ``parse_records`` and ``read_school_table`` give them: validated row by
    row and checked across rows together (``_check_schools``), so that ``analyze`` does not check them
    a second time. It compares, iterates and slices as a list, but cannot be changed: a changed table
    would need the checks again (``list(table)`` is a plain copy, checked when analysed)."""

    __slots__ = ()

    def _read_only(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("a checked school table cannot be changed: analyse a copy, list(table)")

    append = extend = insert = pop = remove = clear = sort = reverse = _read_only
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _read_only  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        return SchoolTable, (list(self),)


@dataclass(frozen=True)
class SchoolUnit:
    """A school at one compulsory stage, as analysed: a single-level school, or one part of a combined
    school whose facility fields were split by ``split_share`` (STANDARDS §3.6)."""

    school_code: str
    school_name: str
    school_type: SchoolType
    stage: Stage
    students: int
    values: Mapping[str, float | None]
    rows: tuple[int, ...]
    split_share: float | None = None
    note: Message | None = None

    def fields(self) -> dict[str, float | None]:
        return {"students": float(self.students), **self.values}


def _by_header(words: Mapping[str, Any]) -> dict[str, Any]:
    """``words`` keyed as the cells are matched (``_header_key``)."""
    return {_header_key(k): v for k, v in words.items()}


_SCHOOL_TYPES: dict[str, SchoolType] = _by_header({
    "小学": SchoolType.PRIMARY,
    "初中": SchoolType.JUNIOR,
    "初级中学": SchoolType.JUNIOR,
    "九年一贯制": SchoolType.NINE_YEAR,
    "九年一贯制学校": SchoolType.NINE_YEAR,
    "九年制学校": SchoolType.NINE_YEAR,
    "完全中学": SchoolType.COMPLETE_SECONDARY,
    "完中": SchoolType.COMPLETE_SECONDARY,
    "十二年一贯制": SchoolType.TWELVE_YEAR,
    "十二年一贯制学校": SchoolType.TWELVE_YEAR,
    **{t.value: t for t in SchoolType},
})
_STAGES: dict[str, Stage] = _by_header({
    "小学": Stage.PRIMARY,
    "小学部": Stage.PRIMARY,
    "初中": Stage.JUNIOR,
    "初中部": Stage.JUNIOR,
    "primary": Stage.PRIMARY,
    "junior": Stage.JUNIOR,
    "高中": Stage.SENIOR,
    "高中部": Stage.SENIOR,
    "senior": Stage.SENIOR,
})

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_SUBSET_OF_TEACHERS = ("teachers_above_required_degree", "teachers_intermediate_title", "pe_music_art_teachers")


def _is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and _normalise_text(raw) == "")


def _parse_number(raw: object, kind: ColumnKind) -> tuple[float | None, str | None, Message | None]:
    """Returns (number, None, None) or (None, code, reason). Blank → (None, None, None)."""
    if _is_blank(raw):
        return None, None, None
    if isinstance(raw, bool):
        return None, "not_numeric", _("not a number")
    if isinstance(raw, int | float):
        number = float(raw)
    elif isinstance(raw, str):
        text = _normalise_text(raw)
        if _THOUSANDS.fullmatch(text):
            text = text.replace(",", "")
        if not _NUMBER.fullmatch(text):
            return None, "not_numeric", _("'{value}' is not a number (leave blank if unknown, 0 if none)", value=raw)
        number = float(text)
    else:
        return None, "not_numeric", _("'{value}' is not a number", value=raw)
    if not math.isfinite(number):
        return None, "not_numeric", _("not a finite number")
    if number < 0:
        return None, "negative", _("{value} is negative", value=_format(number))
    if kind == "count" and number != math.floor(number):
        return None, "not_whole", _("{value} must be a whole number", value=_format(number))
    if kind == "count" and number > COUNT_LIMIT:
        return None, "too_large", _("{value} is more than {limit}", value=_format(number), limit=COUNT_LIMIT)
    return number, None, None


def _format(number: float) -> str:
    return str(int(number)) if number == int(number) else repr(number)


def _stage_list(stages: Sequence[Stage]) -> Message:
    """The stages' names as a list in the user's language (小学、初中)."""
    joined = stages[0].label
    for stage in stages[1:]:
        joined = _("{first}, {second}", first=joined, second=stage.label)
    return joined


def _gym_problem(gym: float | None, indoor: float | None) -> Message | None:
    """The gymnasium (体育馆) is one of the indoor sports rooms (室内体育用房), which are part of the
    teaching rooms: the 2017 method deducts the indoor sports rooms from indicator 4 and counts the
    gymnasium in indicator 5 (STANDARDS §4.2). A gymnasium larger than the indoor sports rooms means
    one of the two figures is wrong, and an area would be counted in both indicators; refused."""
    if gym is None or indoor is None or gym <= indoor:
        return None
    return _(
        "the gymnasium's {gym} m² is more than the {indoor} m² of indoor sports rooms (室内体育用房面积) "
        "it is part of",
        gym=_format(gym),
        indoor=_format(indoor),
    )


def _parse_text(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # a code typed as a number in Excel
    return _normalise_text(str(raw))


# ---------------------------------------------------------------------------------------------------
# Parsing a table (header + rows) into SchoolRows
# ---------------------------------------------------------------------------------------------------


def _required_columns(method: Method | None) -> set[str]:
    needed = {"school_code", "school_name", "school_type", "students"}
    if method is not None:
        for spec in indicators_for(method):
            needed.update(spec.fields)
    return needed


def _parse_table(
    header: Sequence[object],
    records: Iterable[tuple[int, Sequence[object]]],
    method: Method | None,
    *,
    header_row: int = 1,
) -> SchoolTable:
    errors: list[RowError] = []
    columns: dict[int, Column] = {}
    headers: dict[str, str] = {}  # column name → header text in the file
    named: set[int] = set()  # positions with a header (mapped or ignored)
    for position, raw in enumerate(header):
        text = _parse_text(raw)
        if not text:
            continue
        named.add(position)
        column, problem = _resolve_header(text)
        if problem:
            errors.append(RowError(header_row, text, problem, "unknown_column"))
        elif column is not None:
            if column.name in headers:
                errors.append(
                    RowError(header_row, text, _("same column as '{header}'", header=headers[column.name]),
                             "duplicate_column")
                )
            else:
                columns[position] = column
                headers[column.name] = text
    present = set(headers)
    if method is not None and "equipment_value_wan_yuan" in present:
        present.add("equipment_value_yuan")
    for name in sorted(_required_columns(method) - present):
        errors.append(
            RowError(header_row, template_header(_COLUMNS_BY_NAME[name]), _("missing column"), "missing_column")
        )

    rows: list[SchoolRow] = []
    for number, cells in records:
        if all(_is_blank(c) for c in cells):
            continue
        for position, cell in enumerate(cells):
            if position not in named and not _is_blank(cell):
                errors.append(
                    RowError(number, _("column {number}", number=position + 1),
                             _("value in a column without a header"), "no_header")
                )
        cells_by_name = {columns[p].name: cells[p] if p < len(cells) else None for p in columns}
        row, row_errors = _parse_row(number, cells_by_name, headers)
        errors.extend(row_errors)
        if row is not None:
            rows.append(row)
    errors.extend(_check_schools(rows, headers))
    if errors:
        raise SchoolTableError(errors)
    return SchoolTable(rows)


def _parse_row(
    number: int, cells: Mapping[str, object], headers: Mapping[str, str]
) -> tuple[SchoolRow | None, list[RowError]]:
    errors: list[RowError] = []

    def error(name: str, reason: Message, code: str) -> None:
        errors.append(RowError(number, headers.get(name, template_header(_COLUMNS_BY_NAME[name])), reason, code))

    code = _parse_text(cells.get("school_code"))
    name = _parse_text(cells.get("school_name"))
    if not code:
        error("school_code", _("required"), "required")
    if not name:
        error("school_name", _("required"), "required")

    school_type: SchoolType | None = None
    raw_type = _parse_text(cells.get("school_type"))
    if not raw_type:
        error("school_type", _("required"), "required")
    else:
        school_type = _SCHOOL_TYPES.get(_header_key(raw_type))
        if school_type is None:
            error(
                "school_type",
                _("'{value}' is not one of 小学, 初中, 九年一贯制, 完全中学, 十二年一贯制", value=raw_type),
                "unknown_value",
            )

    stage: Stage | None = None
    raw_stage = _parse_text(cells.get("stage"))
    if raw_stage:
        stage = _STAGES.get(_header_key(raw_stage))
        if stage is None:
            error("stage", _("'{value}' is not 小学 or 初中", value=raw_stage), "unknown_value")
        elif stage is Stage.SENIOR:
            error(
                "stage", _("高中 is not analysed: give the senior pupils in 高中在校生数 on the 初中 row"), "unknown_value"
            )
            stage = None
    if school_type is not None and (raw_stage == "" or stage is not None):
        if not school_type.is_combined:
            own = school_type.stages[0]
            if stage is not None and stage is not own:
                error("stage", _("a {type} has no {stage} stage", type=school_type.label, stage=stage.label),
                      "inconsistent")
            stage = own
        elif stage is None:
            stages = _stage_list(school_type.compulsory_stages)
            error("stage", _("required for a {type} (one row per stage: {stages})", type=school_type.label,
                             stages=stages), "required")
        elif stage not in school_type.compulsory_stages:
            error("stage", _("a {type} has no {stage} stage", type=school_type.label, stage=stage.label),
                  "inconsistent")

    numbers: dict[str, float | None] = {}
    invalid: set[str] = set()
    for column in COLUMNS:
        if not column.is_number:
            continue
        value, problem, reason = _parse_number(cells.get(column.name), column.kind)
        if problem:
            error(column.name, reason or problem, problem)
            invalid.add(column.name)
        numbers[column.name] = value

    students = numbers.pop("students")
    if students is None and "students" not in invalid:
        error("students", _("required"), "required")
    senior = numbers.pop("senior_students")
    if senior is not None and school_type is not None and Stage.SENIOR not in school_type.stages:
        error("senior_students", _("a {type} has no senior pupils", type=school_type.label), "inconsistent")

    wan_yuan = numbers.pop("equipment_value_wan_yuan")
    if wan_yuan is not None:
        if numbers["equipment_value_yuan"] is not None:
            error("equipment_value_wan_yuan", _("give the equipment value in 元 or in 万元, not both"), "inconsistent")
        else:
            numbers["equipment_value_yuan"] = wan_yuan_to_yuan(wan_yuan)

    teaching, indoor = numbers["teaching_area_m2"], numbers["indoor_sports_area_m2"]
    if teaching is not None and indoor is not None and indoor > teaching:
        error("indoor_sports_area_m2", _("larger than the teaching area it is part of"), "inconsistent")
    gym_problem = _gym_problem(numbers["gym_area_m2"], indoor)
    if gym_problem:
        error("gym_area_m2", gym_problem, "inconsistent")
    teachers = numbers["teachers"]
    if teachers is not None:
        for subset in _SUBSET_OF_TEACHERS:
            count = numbers[subset]
            if count is not None and count > teachers:
                error(
                    subset,
                    _("{count} is more than the {teachers} full-time teachers", count=_format(count),
                      teachers=_format(teachers)),
                    "inconsistent",
                )

    if errors or school_type is None or stage is None or students is None:
        return None, errors
    return (
        SchoolRow(
            row=number,
            school_code=code,
            school_name=name,
            school_type=school_type,
            stage=stage,
            students=int(students),
            senior_students=None if senior is None else int(senior),
            values=numbers,
            numbers=_pack(numbers),
        ),
        errors,
    )


def _check_schools(rows: Sequence[SchoolRow], headers: Mapping[str, str] | None = None) -> list[RowError]:
    """Checks across rows: unique schools, one row per stage of a combined school, one agreed value for
    each whole-school field."""
    headers = headers or {}

    def label(name: str) -> str:
        if name == "equipment_value_yuan" and name not in headers:
            name = "equipment_value_wan_yuan" if "equipment_value_wan_yuan" in headers else name
        return headers.get(name, template_header(_COLUMNS_BY_NAME[name]))

    errors: list[RowError] = []
    for code, group in _group_by_school(_shared_rows(rows)).items():
        first = group[0]
        if len(group) == 1 and first.school_type not in _COMBINED_TYPES:
            continue  # a single-level school on one row: nothing to check across rows
        for row in group[1:]:
            if row.school_type is not first.school_type:
                errors.append(
                    RowError(
                        row.row,
                        label("school_type"),
                        _("school {code} is a {type} on row {row}", code=code, type=first.school_type.label,
                          row=first.row),
                        "inconsistent",
                    )
                )
            if row.school_name != first.school_name:
                errors.append(
                    RowError(
                        row.row,
                        label("school_name"),
                        _("school {code} is named '{name}' on row {row}", code=code, name=first.school_name,
                          row=first.row),
                        "inconsistent",
                    )
                )
        seen: dict[Stage, int] = {}
        for row in group:
            if row.stage in seen:
                if first.school_type.is_combined:
                    reason = _("second {stage} row of {code} (also on row {row})", stage=row.stage.label, code=code,
                               row=seen[row.stage])
                else:
                    reason = _("duplicate school code {code} (also on row {row})", code=code, row=seen[row.stage])
                errors.append(RowError(row.row, label("school_code"), reason, "duplicate"))
            else:
                seen[row.stage] = row.row
        if not first.school_type.is_combined or any(r.school_type is not first.school_type for r in group):
            continue
        for stage in first.school_type.compulsory_stages:
            if stage not in seen:
                errors.append(
                    RowError(
                        first.row,
                        label("stage"),
                        _("{type} {code} has no {stage} row (add one; 0 pupils if the stage is empty)",
                          type=first.school_type.label, code=code, stage=stage.label),
                        "required",
                    )
                )
        for name in (*SPLIT_FIELDS, "senior_students"):
            given = [(r, _whole_school_value(r, name)) for r in group]
            given = [(r, v) for r, v in given if v is not None]
            for row, value in given[1:]:
                if not math.isclose(value, given[0][1], rel_tol=1e-9, abs_tol=1e-9):
                    errors.append(
                        RowError(
                            row.row,
                            label(name),
                            _("whole-school total differs from row {row}", row=given[0][0].row),
                            "inconsistent",
                        )
                    )
        gym = next((r for r in group if r.values.get("gym_area_m2") is not None), None)
        indoor = next((r for r in group if r.values.get("indoor_sports_area_m2") is not None), None)
        if gym is not None and indoor is not None and gym is not indoor:  # on one row the row check saw it
            problem = _gym_problem(gym.values["gym_area_m2"], indoor.values["indoor_sports_area_m2"])
            if problem:
                errors.append(RowError(gym.row, label("gym_area_m2"), problem, "inconsistent"))
        if Stage.SENIOR in first.school_type.stages and not any(r.senior_students is not None for r in group):
            errors.append(
                RowError(
                    first.row,
                    label("senior_students"),
                    _("required for a {type} (to split its facilities)", type=first.school_type.label),
                    "required",
                )
            )
    return errors


def _whole_school_value(row: SchoolRow, name: str) -> float | None:
    if name == "senior_students":
        return None if row.senior_students is None else float(row.senior_students)
    return row.values.get(name)


def _group_by_school(rows: Iterable[SchoolRow]) -> dict[str, list[SchoolRow]]:
    groups: dict[str, list[SchoolRow]] = defaultdict(list)
    for row in rows:
        groups[row.school_code].append(row)
    return dict(groups)


def parse_records(records: Iterable[Mapping[str, object]], *, method: Method | str | None = None) -> SchoolTable:
    """Validates records given as mappings (keys: any accepted header, e.g. the English field names),
    as the web UI or an API would pass them. Record *k* (from 1) is reported as row *k*, problems
    with the keys as row 0. Raises ``SchoolTableError`` with every problem."""
    records = list(records)
    keys: list[str] = []
    for record in records:
        keys.extend(k for k in record if k not in keys)
    table = ((k, [record.get(key) for key in keys]) for k, record in enumerate(records, start=1))
    with _collector_paused():
        return _parse_table(keys, table, None if method is None else Method(method), header_row=0)


# ---------------------------------------------------------------------------------------------------
# Reading files
# ---------------------------------------------------------------------------------------------------


def read_school_table(path: str | Path, *, method: Method | str | None = None,
                      limits: Mapping[str, int] | None = None) -> SchoolTable:
    """Reads and validates a school table (.xlsx or .csv in the template's layout; see the module
    docstring). ``.xlsx``: the first worksheet, header in row 1. ``.csv``: UTF-8 with or without BOM.

    ``limits`` (``rows``, ``cells``, ``text``: characters in one cell) stop the reading as soon as
    the table passes one, before the rest is read: an upload's limits (``settings.DUDAO_UPLOAD_LIMITS``).

    With ``method``, every column that method's indicators need must be present. Raises
    ``SchoolTableError`` listing every problem (file-level problems have row 0).
    """
    path = Path(path)
    resolved = None if method is None else Method(method)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        header, records = _read_xlsx(path, limits)
    elif suffix == ".csv":
        header, records = _read_csv(path, limits)
    else:
        raise SchoolTableError(
            [RowError(0, "", _("unsupported file type '{suffix}': use .xlsx or .csv", suffix=path.suffix), "file")]
        )
    with _collector_paused():
        return _parse_table(header, records, resolved)


def _within(rows: Iterable[Sequence[object]], limits: Mapping[str, int] | None) -> list[list[object]]:
    """The rows as lists, stopping with a ``SchoolTableError`` at the first row past ``limits``."""
    if not limits:
        return [list(r) for r in rows]
    kept: list[list[object]] = []
    cells = 0
    for number, row in enumerate(rows, start=1):
        if number > limits["rows"]:
            raise SchoolTableError([RowError(number, "", _("the table has more than {limit} rows: split it into "
                                                           "smaller files", limit=limits["rows"]), "file")])
        cells += len(row)
        if cells > limits["cells"]:
            raise SchoolTableError([RowError(number, "", _("the table has more than {limit} cells: split it into "
                                                           "smaller files", limit=limits["cells"]), "file")])
        for index, value in enumerate(row):
            if isinstance(value, str) and len(value) > limits["text"]:
                raise SchoolTableError([RowError(number, _column_letter(index), _(
                    "the cell holds more than {limit} characters", limit=limits["text"]), "file")])
        kept.append(list(row))
    return kept


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _read_xlsx(path: Path, limits: Mapping[str, int] | None = None) -> tuple[list[object], list[tuple[int, list[object]]]]:
    from openpyxl import load_workbook  # imported here so that analysing needs no openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as exc:
        raise SchoolTableError([RowError(0, "", _("cannot open the workbook: {problem}", problem=str(exc)), "file")]) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = _within(sheet.iter_rows(values_only=True), limits)
    except SchoolTableError:
        raise
    except Exception as exc:  # a damaged sheet (broken XML, a part cut short) shows only as it is read
        raise SchoolTableError([RowError(0, "", _("the workbook is damaged: open it in Excel or WPS, save it again "
                                                  "and upload that copy"), "file")]) from exc
    finally:
        workbook.close()
    return _split_header(rows)


def _read_csv(path: Path, limits: Mapping[str, int] | None = None) -> tuple[list[object], list[tuple[int, list[object]]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SchoolTableError(
            [RowError(0, "", _("the CSV file is not UTF-8: save it as 'CSV UTF-8'"), "file")]
        ) from exc
    except OSError as exc:
        raise SchoolTableError([RowError(0, "", _("cannot read the file: {problem}", problem=str(exc)), "file")]) from exc
    rows = _within(csv.reader(io.StringIO(text, newline="")), limits)
    return _split_header(rows)


def _split_header(rows: list[list[object]]) -> tuple[list[object], list[tuple[int, list[object]]]]:
    if not rows or all(_is_blank(c) for c in rows[0]):
        raise SchoolTableError([RowError(1, "", _("the first row must hold the column headers"), "file")])
    return rows[0], [(number, cells) for number, cells in enumerate(rows[1:], start=2)]


# ---------------------------------------------------------------------------------------------------
# Units: combined schools split (§3.6)
# ---------------------------------------------------------------------------------------------------


_COMBINED_TYPES = frozenset(t for t in SchoolType if t.is_combined)


def _shared_rows(rows: Sequence[SchoolRow]) -> Sequence[SchoolRow]:
    """The rows that need a look across rows: those of a combined school and those whose school code
    is on another row too (a single-level school on one row of its own needs none)."""
    counts = Counter([r.school_code for r in rows])
    if len(counts) == len(rows):
        return [r for r in rows if r.school_type in _COMBINED_TYPES]
    return [r for r in rows if r.school_type in _COMBINED_TYPES or counts[r.school_code] > 1]


@dataclass
class _Units:
    """One level's units, by school code: what ``build_units`` gives as ``SchoolUnit``s, without writing
    an object per school. The fields the statistics read are columns (lists, one item per unit); the
    rest is read from each unit's source when its row is written: the ``SchoolRow`` of a single-level
    school, the ``SchoolUnit`` of a part of a combined school."""

    codes: list[str] = field(default_factory=list)
    students: list[int] = field(default_factory=list)
    values: list[Mapping[str, float | None]] = field(default_factory=list)
    sources: list[SchoolRow | SchoolUnit] = field(default_factory=list)
    numbers: list[bytes] = field(default_factory=list)  # the values packed (``SchoolRow.numbers``)

    def __len__(self) -> int:
        return len(self.codes)

    def add(self, unit: SchoolUnit) -> None:
        self.codes.append(unit.school_code)
        self.students.append(unit.students)
        self.values.append(unit.values)
        self.sources.append(unit)
        self.numbers.append(_pack(unit.values))

    def unit(self, k: int, stage: Stage) -> SchoolUnit:
        source = self.sources[k]
        if isinstance(source, SchoolUnit):
            return source
        return SchoolUnit(source.school_code, source.school_name, source.school_type, stage, source.students,
                          source.values, (source.row,))

    @staticmethod
    def concat(parts: Sequence[_Units]) -> _Units:
        """The units of ``parts`` one after the other."""
        if len(parts) == 1:
            return parts[0]
        return _Units(*(list(chain.from_iterable(getattr(part, name) for part in parts)) for name in (
            "codes", "students", "values", "sources", "numbers")))

    def sorted(self) -> _Units:
        """The same units ordered by school code (already so: as they are)."""
        codes = self.codes
        if codes == sorted(codes):
            return self
        order = sorted(range(len(codes)), key=codes.__getitem__)
        return _Units(*([column[k] for k in order] for column in (self.codes, self.students, self.values,
                                                                   self.sources, self.numbers)))


def _units_by_stage(rows: Sequence[SchoolRow]) -> dict[Stage, _Units]:
    """``build_units`` as one ``_Units`` per compulsory stage, each by school code. The rows are checked
    across rows first, unless they are a ``SchoolTable`` (checked when it was read)."""
    errors = [] if isinstance(rows, SchoolTable) else _check_schools(rows)
    if errors:
        raise SchoolTableError(errors)
    single: dict[Stage, list[SchoolRow]] = {stage: [] for stage in COMPULSORY_STAGES}
    combined: list[SchoolRow] = []
    for row in rows:
        (combined if row.school_type in _COMBINED_TYPES else single[row.stage]).append(row)
    tables = {
        stage: _Units(*(list(map(attrgetter(name), part)) for name in ("school_code", "students", "values")), part,
                      [row.numbers or _pack(row.values) for row in part])
        for stage, part in single.items()
    }
    for code, group in _group_by_school(combined).items():
        for unit in _split_school(code, group):
            tables[unit.stage].add(unit)
    return {stage: table.sorted() for stage, table in tables.items()}


def build_units(rows: Sequence[SchoolRow]) -> list[SchoolUnit]:
    """Turns validated rows into analysed units, one per school and compulsory stage (the primary
    level's first, each level by school code), splitting the facilities of combined schools by
    STANDARDS §3.6. Raises ``SchoolTableError`` if the rows of a combined school do not fit together
    (``read_school_table`` has already checked this)."""
    return [table.unit(k, stage) for stage, table in _units_by_stage(rows).items() for k in range(len(table))]


def _split_school(code: str, group: Sequence[SchoolRow]) -> list[SchoolUnit]:
    """The units of one combined school (its rows ``group``), its facilities split by §3.6."""
    first = group[0]
    units: list[SchoolUnit] = []
    totals = {
        name: next((r.values.get(name) for r in group if r.values.get(name) is not None), None)
        for name in SPLIT_FIELDS
    }
    enrolment: dict[Stage, int] = {r.stage: r.students for r in group}
    if Stage.SENIOR in first.school_type.stages:
        enrolment[Stage.SENIOR] = next(r.senior_students for r in group if r.senior_students is not None)
    try:
        shares: dict[Stage, float] | None = split_shares(first.school_type, enrolment)
        note = None
    except ValueError:
        shares, note = None, _("no pupils in any stage: facilities cannot be split")
    for row in group:
        share = None if shares is None else shares[row.stage]
        values = dict(row.values)
        for name, total in totals.items():
            values[name] = None if total is None or share is None else total * share
        units.append(
            SchoolUnit(
                code,
                row.school_name,
                row.school_type,
                row.stage,
                row.students,
                values,
                tuple(r.row for r in group),
                share,
                note,
            )
        )
    return units


# ---------------------------------------------------------------------------------------------------
# Rows built on demand
# ---------------------------------------------------------------------------------------------------


class LazyRows(Sequence):
    """A read-only list whose items are built when they are read, from the columns the analysis
    keeps (numpy arrays): ``len``, indexing (slices give lists), iteration, ``==`` with a list and
    ``tolist()`` behave as the list of the same items would. A large county's result holds its
    per-school rows (entries, alarms, contributions, additions) this way, so that ``analyze`` does
    not write hundreds of thousands of dicts that a page may never read; each read builds the item
    anew (the same values, a new dict).

    Item ``i`` is ``build(start + i)``: the rows of many groups share one ``build`` over all their
    schools, each group's rows starting where its schools do. ``plain``: the items hold no
    ``Message`` (``texts.localize`` leaves them as they are)."""

    __slots__ = ("_build", "_iterate", "_n", "_start", "plain")

    def __init__(self, n: int, build: Callable[[int], Any], *, start: int = 0,
                 iterate: Callable[[], Iterator[Any]] | None = None, plain: bool = False) -> None:
        self._n = int(n)
        self._build = build
        self._start = start
        self._iterate = iterate
        self.plain = plain

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self._build(self._start + i) for i in range(*index.indices(self._n))]
        i = index.__index__()
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError("LazyRows index out of range")
        return self._build(self._start + i)

    def __iter__(self) -> Iterator[Any]:
        if self._iterate is not None:
            return self._iterate()
        return map(self._build, range(self._start, self._start + self._n))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyRows | list | tuple):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<LazyRows of {self._n}>"

    def tolist(self) -> list[Any]:
        """Every item, as a list (what ``json`` and the API write), written with the collector paused
        (``_collector_paused``: a province's rows are millions of new dicts)."""
        with _collector_paused():
            return list(self)

    def map(self, function: Callable[[Any], Any], *, plain: bool = True) -> LazyRows:
        """The same rows, each passed through ``function`` when it is read."""
        build, iterate = self._build, self._iterate
        return LazyRows(self._n, lambda i: function(build(i)), start=self._start,
                        iterate=None if iterate is None else (lambda: map(function, iterate())), plain=plain)

    @staticmethod
    def chain(parts: Sequence[Sequence[Any]], *, plain: bool = False) -> LazyRows:
        """The parts one after the other, as one sequence (each part read only where it is indexed)."""
        parts = [p for p in parts if len(p)]
        if not parts:
            return LazyRows(0, _no_row, plain=plain)
        if len(parts) == 1 and isinstance(parts[0], LazyRows) and (parts[0].plain or not plain):
            return parts[0]  # one part: itself, no new sequence over it
        ends = list(accumulate(map(len, parts)))

        def build(i: int) -> Any:
            k = bisect_right(ends, i)
            return parts[k][i - (ends[k - 1] if k else 0)]

        def iterate() -> Iterator[Any]:
            for part in parts:
                yield from part

        return LazyRows(ends[-1] if parts else 0, build, iterate=iterate, plain=plain)


class _Contributions(LazyRows):
    """An indicator's per-school contributions (``LazyRows``), which also know their largest ones."""

    __slots__ = ("_shares",)

    def __init__(self, shares: NDArray[np.float64], build: Callable[[int], Any], *, start: int = 0) -> None:
        super().__init__(shares.size, build, start=start, plain=True)
        self._shares = shares

    def largest(self, n: int) -> list[dict[str, Any]]:
        """The ``n`` contributions with the largest share, largest first, ties in the schools' order:
        ``sorted(self, key=share, reverse=True)[:n]`` without writing out the others."""
        order = np.argsort(-self._shares, kind="stable")[: max(n, 0)]
        return [self._build(self._start + i) for i in order.tolist()]


def plain(value: Any) -> Any:
    """``value`` with every ``LazyRows`` in it (at any depth) written out as a list: the result of
    ``analyze`` as plain dicts and lists, as ``json`` writes it."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, LazyRows):
        return value.tolist()  # its items are new plain dicts (a row holds no ``LazyRows``)
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def _json_default(value: Any) -> Any:
    """``json.dumps(result, default=…)``: a ``LazyRows`` is written as its list."""
    if isinstance(value, LazyRows):
        return value.tolist()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


json_default = _json_default


# ---------------------------------------------------------------------------------------------------
# Analysis
# ---------------------------------------------------------------------------------------------------


def _stage_thresholds(data: Mapping[Stage | str, float] | None, default: Mapping[Stage, float]) -> dict[Stage, float]:
    merged = {stage: float(value) for stage, value in default.items()}
    for key, value in (data or {}).items():
        merged[Stage(key)] = float(value)
    return merged


def _stage_standards(
    data: Mapping[Stage | str, Mapping[str, float]] | None,
    default: Mapping[Stage, Mapping[str, float]] | None,
    specs: Sequence[IndicatorSpec],
) -> dict[Stage, dict[str, float]]:
    """Standards per stage: the defaults, updated indicator by indicator by ``data``."""
    keys = {spec.key for spec in specs}
    merged = {stage: dict(values) for stage, values in (default or {}).items()}
    for stage_key, values in (data or {}).items():
        stage = Stage(stage_key)
        unknown = set(values) - keys
        if unknown:
            raise ValueError(f"unknown indicator(s) in the standards: {sorted(unknown)}")
        for key, value in values.items():
            if not (math.isfinite(float(value)) and float(value) > 0):
                raise ValueError(f"the standard of {key} must be a positive number")
            merged.setdefault(stage, {})[key] = float(value)
    return merged


def analyze(
    rows: Iterable[SchoolRow | Mapping[str, object]],
    method: Method | str,
    *,
    thresholds: Mapping[Stage | str, float] | None = None,
    standards: Mapping[Stage | str, Mapping[str, float]] | None = None,
    floor_ratio: float | None = None,
) -> dict[str, Any]:
    """Analyses a county's schools by one method and returns a plain JSON-serialisable dict.

    ``method``: ``basic-2012`` (8 indicators, composite CV ≤ 0.65 / 0.55, STANDARDS §3) or
    ``quality-2017`` (7 indicators with standards, each CV ≤ 0.50 / 0.45, per-school rule, §4.2).
    ``thresholds`` overrides the CV thresholds per stage; ``standards`` overrides (2017) or supplies
    (2012: the provincial standard, §8) the standard values per stage and indicator key;
    ``floor_ratio`` overrides the 85 % of the 2017 per-school rule ("余项不能低于要求的85%"). Without
    overrides the national defaults of ``formulas`` apply.

    Result: ``levels.primary`` and ``levels.junior`` (小学 and 初中 are never pooled), each with the
    per-school indicator values, per-indicator CV (raw and published to 3 decimals), threshold,
    pass/fail with reason, attainment rate, Gini, development index, contributions with direction,
    alarms and the adjustment plan (to the standard per school; to the threshold per indicator); the
    2012 composite; the 2017 per-school rule. No float in the result is NaN or infinite. Every
    sentence in it is a ``Message`` (its English text; ``dudao.monitoring.texts.localize`` shows it in
    the user's language).
    """
    return analyze_many([rows], method, thresholds=thresholds, standards=standards, floor_ratio=floor_ratio)[0]


def analyze_many(
    tables: Iterable[Iterable[SchoolRow | Mapping[str, object]]],
    method: Method | str,
    *,
    thresholds: Mapping[Stage | str, float] | None = None,
    standards: Mapping[Stage | str, Mapping[str, float]] | None = None,
    floor_ratio: float | None = None,
) -> list[dict[str, Any]]:
    """``analyze`` of many tables in one call, each a county of its own under the same thresholds,
    standards and floor: result *k* is ``analyze(tables[k], method, …)``, the same figures (to
    rounding, about 1e-15 relative), statuses, sentences and order. Nothing is pooled: each table is
    checked and split (§3.6) alone, and each figure is computed from its own schools; the work is
    done for all the tables' schools at once (columns over every school, sums per county and level),
    which is what makes a province's roll-up fast."""
    method = Method(method)
    school_tables = [_school_rows(rows) for rows in tables]
    default_thresholds = BASIC_2012_COMPOSITE_THRESHOLDS if method is Method.BASIC_2012 else QUALITY_2017_CV_THRESHOLDS
    stage_thresholds = _stage_thresholds(thresholds, default_thresholds)
    stage_standards = _stage_standards(
        standards, QUALITY_2017_STANDARDS if method is Method.QUALITY_2017 else None, indicators_for(method)
    )
    floor = QUALITY_2017_FLOOR_RATIO if floor_ratio is None else float(floor_ratio)
    if not (math.isfinite(floor) and 0 < floor <= 1):
        raise ValueError("the floor ratio must be a number above 0 and at most 1")
    with _collector_paused():
        unit_tables = [_units_by_stage(school_rows) for school_rows in school_tables]
        levels_in = {}  # each level's units of every table, one after the other, and where each table's begin
        for stage in COMPULSORY_STAGES:
            parts = [units[stage] for units in unit_tables]
            levels_in[stage] = (_Units.concat(parts),
                                np.concatenate(([0], np.cumsum([len(part) for part in parts], dtype=np.int64))))
        del unit_tables, parts  # freed now, never walked by the collector
        by_stage: dict[Stage, list[dict[str, Any]]] = {}
        for stage, (units, bounds) in levels_in.items():
            by_stage[stage] = _analyze_levels(
                units, bounds, stage, method, stage_thresholds[stage], stage_standards.get(stage, {}), floor
            )
        basic = method is Method.BASIC_2012
        common = {
            "method": method.value,
            "method_name": _("Basic balance of county compulsory education (2012)")
            if basic
            else _("Quality balance of county compulsory education (2017)"),
            "basis": _(
                "Interim measures for the supervision and assessment of balanced development of county compulsory "
                "education (Jiaodu [2012] No. 3)"
            )
            if basic
            else _(
                "Measures for the supervision and assessment of quality balanced development of county compulsory "
                "education (Jiaodu [2017] No. 6)"
            ),
            "clause": "STANDARDS §3.3–§3.6" if basic else "STANDARDS §4.2–§4.3",
            "cv_formula": _("Difference coefficient: enrolment-weighted mean and standard deviation (population form)"),
            "attainment_basis": _("Attainment rate: share of schools (not weighted by enrolment)"),
        }
        results = []
        for k, school_rows in enumerate(school_tables):
            levels = {stage.value: by_stage[stage][k] for stage in COMPULSORY_STAGES}
            results.append({
                **common,
                "thresholds": {s.value: stage_thresholds[s] for s in COMPULSORY_STAGES},
                "standards": {s.value: dict(stage_standards.get(s, {})) for s in COMPULSORY_STAGES},
                "floor_ratio": floor,
                "n_rows": len(school_rows),
                "levels": levels,
                "alarms": LazyRows.chain([level["alarms"] for level in levels.values()]),
                "notes": _method_notes(method),
            })
        return results


def _school_rows(rows: Iterable[SchoolRow | Mapping[str, object]]) -> list[SchoolRow]:
    """A table given as ``SchoolRow``s, or as mappings (validated by ``parse_records``)."""
    if isinstance(rows, SchoolTable):
        return rows
    items = list(rows)
    if all(map(isinstance, items, repeat(SchoolRow))):
        return items  # type: ignore[return-value]
    if all(isinstance(r, Mapping) for r in items):
        return parse_records([r for r in items if isinstance(r, Mapping)])
    raise TypeError("rows must be all SchoolRow or all mappings")


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pauses Python's cyclic garbage collector while a table is read or a result is built. A large
    table's rows and result hold millions of dicts and lists, and each of them would otherwise count
    towards the next collection, which walks all of them again and again; they have no reference
    cycles, so nothing is left for the collector to find (reference counting still frees everything)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _method_notes(method: Method) -> list[Message]:
    if method is Method.BASIC_2012:
        return [
            _(
                "Only the balance between schools is assessed: the entry condition (the province's basic "
                "standard for schools), the government work score (17 items) and public satisfaction are "
                "outside this analysis."
            ),
            _(
                "Each indicator's plan brings its CV down to the composite threshold; that is enough for the "
                "composite, but not the least plan (resources of different indicators cannot be added up)."
            ),
        ]
    return [
        _(
            "Only resource allocation is assessed: government guarantee (15 items), education quality (9 items) "
            "and social recognition are outside this analysis."
        ),
    ]


def _pack(values: Mapping[str, object]) -> bytes:
    """A row's raw fields as ``SchoolRow.numbers``: float64 in the order of ``_VALUE_NAMES``, NaN for a
    blank cell (and, in a row made by hand, for a field left out or not a number)."""
    try:  # as the reader writes them: numbers or None
        return array("d", [math.nan if v is None else v for v in map(values.get, _VALUE_NAMES)]).tobytes()
    except TypeError:
        return array("d", [_number_or_nan(values.get(name)) for name in _VALUE_NAMES]).tobytes()


def _raw_columns(units: _Units, names: Sequence[str]) -> dict[str, NDArray[np.float64]]:
    """The level's raw fields as float columns, one value per unit, NaN for a blank cell: the units'
    packed fields (``SchoolRow.numbers``) read as one matrix."""
    columns = {"students": np.array(units.students, dtype=float)}
    matrix = np.frombuffer(b"".join(units.numbers), dtype=np.float64).reshape(len(units), len(_VALUE_NAMES))
    columns.update((name, matrix[:, _VALUE_POSITIONS[name]].copy()) for name in names)
    return columns


def _number_or_nan(value: object) -> float:
    """A raw field as ``compute_indicator`` reads it: a number, or NaN for anything else (missing)."""
    if value is None or isinstance(value, bool):
        return math.nan
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


_STATUS_NAMES = tuple(status.value for status in STATUS_ORDER)
_DIRECTIONS = (Direction.WEAK.value, Direction.AT_MEAN.value, Direction.OVER_RESOURCED.value)


def _row_or_none(row: NDArray[np.float64]) -> list[float | None]:
    return [None if v != v else v for v in row.tolist()]


def _analyze_levels(
    units: _Units,
    bounds: Sequence[int],
    stage: Stage,
    method: Method,
    threshold: float,
    standards: dict[str, float],
    floor_ratio: float,
) -> list[dict[str, Any]]:
    """One level's analysis for each group of schools ``units[bounds[g]:bounds[g + 1]]`` (a county
    each; within a group, by school code). Every figure is computed for all the groups at once, as
    columns: the indicator values (``compute_indicator_column``), statuses (``indicator_status_codes``),
    the per-school rule, and per group (``np.bincount`` over the group of each school, sums in the
    schools' order) the CV, mean, Gini, attainment, contributions and shortfalls. A group's figures
    depend on its own schools only. The per-school entries, alarms, contributions and additions are
    ``LazyRows``: each is written from those columns when it is read, in the order of a list built
    school by school."""
    specs = indicators_for(method)
    n = len(units)
    bounds_array = np.asarray(bounds, dtype=np.intp)
    n_groups = bounds_array.size - 1
    sizes = np.diff(bounds_array)
    group = np.repeat(np.arange(n_groups, dtype=np.intp), sizes)
    level_name = stage.value
    codes_list, students_list, sources = units.codes, units.students, units.sources
    first_alarms: list[list[dict[str, Any]]] = [[] for _g in range(n_groups)]  # inconsistent fields
    last_alarms: list[list[dict[str, Any]]] = [[] for _g in range(n_groups)]  # the indicators' and the level's

    def alarm(into: list[dict[str, Any]], kind: str, message: Message, *, indicator: str | None = None,
              school: str | None = None) -> None:
        into.append({"level": level_name, "kind": kind, "indicator": indicator, "school_code": school,
                     "message": message})

    columns = _raw_columns(units, sorted({name for spec in specs for name in spec.fields}))
    students = columns["students"]
    values: dict[str, NDArray[np.float64]] = {}
    for spec in specs:
        column, invalid = compute_indicator_column(spec, columns)
        for k in np.flatnonzero(invalid).tolist():  # inconsistent fields that bypassed the reader
            unit = units.unit(k, stage)
            try:
                compute_indicator(spec, unit.fields())
            except ValueError as exc:
                problem = exc.args[0] if exc.args and isinstance(exc.args[0], Message) else str(exc)
            alarm(first_alarms[int(group[k])], "invalid_data",
                  _("{school}: {problem}", school=unit.school_name, problem=problem),
                  indicator=spec.key, school=unit.school_code)
        values[spec.key] = column
    keys = [spec.key for spec in specs]
    matrix = np.stack([values[key] for key in keys], axis=1) if n else np.zeros((0, len(keys)))
    with_pupils = students > 0
    nan = np.isnan(matrix)
    n_missing_alarms = np.where(with_pupils, nan.sum(axis=1), 0)  # "no value for …", one per indicator

    rated = [spec for spec in specs if spec.key in standards]  # indicators with a standard: statuses
    rated_keys = [spec.key for spec in rated]
    rated_positions = [keys.index(key) for key in rated_keys]
    codes = np.stack([indicator_status_codes(values[spec.key], standards[spec.key], floor_ratio) for spec in rated],
                     axis=1) if rated and n else np.zeros((n, len(rated)), dtype=np.int8)
    index_matrix = (np.stack([values[spec.key] / standards[spec.key] for spec in rated], axis=1) if rated and n
                    else np.zeros((n, len(rated))))
    flagged = (codes == 1) | (codes == 2)  # between or below the floor
    standard_text = {spec.key: f"{standards[spec.key]:g}" for spec in rated}
    floor_text = percent(floor_ratio)

    judged = method is Method.QUALITY_2017
    failed = np.zeros(n, dtype=bool)
    rule_counts = np.zeros((n_groups, 3), dtype=np.int64)  # passed, failed, undetermined
    rule_of = np.zeros(n, dtype=np.intp)
    rule_dicts: list[dict[str, Any]] = []
    rule_results: list[SchoolRuleResult] = []
    if judged and n:
        counts = np.stack([np.count_nonzero(codes == c, axis=1) for c in range(len(STATUS_ORDER))], axis=1)
        base = len(rated) + 1  # each count is 0 … len(rated): one number per combination of counts
        keys_of = counts @ (base ** np.arange(len(STATUS_ORDER), dtype=np.int64))
        found, rule_of = np.unique(keys_of, return_inverse=True)
        rule_of = rule_of.reshape(-1)
        tallies = [[int(key) // base**c % base for c in range(len(STATUS_ORDER))] for key in found.tolist()]
        for tally in tallies:  # the rule's outcome depends on the counts only
            statuses = [s for s, count in zip(STATUS_ORDER, tally, strict=True) for _k in range(count)]
            rule_results.append(school_rule_2017(statuses, QUALITY_2017_MIN_MET, floor_ratio))
        rule_dicts = [rule.as_dict() for rule in rule_results]
        outcome = np.array([{True: 0, False: 1, None: 2}[rule.passed] for rule in rule_results], dtype=np.intp)
        per_school = np.where(with_pupils, outcome[rule_of], 3)
        rule_counts = np.bincount(group * 4 + per_school, minlength=4 * n_groups).reshape(n_groups, 4)[:, :3]
        failed = per_school == 1

    values_list = units.values
    type_labels: dict[SchoolType, Message] = {}
    zero_note = _("0 enrolment: left out of every statistic")

    def school(k: int) -> dict[str, Any]:
        source, pupils = sources[k], students_list[k]
        school_type = source.school_type
        if school_type not in type_labels:
            type_labels[school_type] = school_type.label
        part = source if isinstance(source, SchoolUnit) else None  # of a combined school
        entry: dict[str, Any] = {
            "school_code": codes_list[k],
            "school_name": source.school_name,
            "school_type": school_type.value,
            "school_type_label": type_labels[school_type],
            "stage": level_name,
            "students": pupils,
            "rows": [source.row] if part is None else list(part.rows),
            "split_share": None if part is None else part.split_share,
            "raw": dict(values_list[k]),
            "indicators": dict(zip(keys, _row_or_none(matrix[k]), strict=True)),
            "note": zero_note if pupils == 0 else None if part is None else part.note,
        }
        if standards:
            entry["statuses"] = dict(zip(rated_keys, [_STATUS_NAMES[c] for c in codes[k].tolist()], strict=True))
            entry["development_index"] = dict(zip(rated_keys, _row_or_none(index_matrix[k]), strict=True))
        if judged and pupils > 0:
            entry["rule"] = dict(rule_dicts[rule_of[k]])
        return entry

    def school_alarms(k: int) -> list[dict[str, Any]]:
        """The alarms of school ``k``, in the order of the analysis: no pupils or missing values, values
        under the standard, the per-school rule."""
        code, name = codes_list[k], sources[k].school_name
        out: list[dict[str, Any]] = []
        if students_list[k] == 0:
            alarm(out, "zero_enrolment", _("{school}: 0 pupils, left out", school=name), school=code)
        elif n_missing_alarms.item(k):
            for spec, missing in zip(specs, nan[k].tolist(), strict=True):
                if missing:
                    alarm(out, "missing_data", _("{school}: no value for {indicator}", school=name, indicator=spec.name),
                          indicator=spec.key, school=code)
        if rated:
            row = matrix[k].tolist()
            for spec, position, status in zip(rated, rated_positions, codes[k].tolist(), strict=True):
                if status != 1 and status != 2:
                    continue
                value = f"{row[position]:.4g}"
                if status == 2:
                    kind = "below_floor"
                    message = _(
                        "{school}: {indicator} {value} is below {floor} of the standard {standard}",
                        school=name, indicator=spec.name, value=value, floor=floor_text,
                        standard=standard_text[spec.key],
                    )
                else:
                    kind = "below_standard"
                    message = _("{school}: {indicator} {value} is below the standard {standard}",
                                school=name, indicator=spec.name, value=value, standard=standard_text[spec.key])
                out.append({"level": level_name, "kind": kind, "indicator": spec.key, "school_code": code,
                            "message": message})
        if failed.item(k):
            alarm(out, "school_rule_failed", _("{school}: {reason}", school=name,
                                                reason=rule_results[rule_of[k]].reason), school=code)
        return out

    no_alarms = LazyRows(0, _no_row)
    per_school_alarms = (np.where(with_pupils, n_missing_alarms, 1) + flagged.sum(axis=1) + failed).astype(np.int64)
    alarmed = np.flatnonzero(per_school_alarms)
    alarm_ends = np.cumsum(per_school_alarms[alarmed])
    alarm_bounds = np.searchsorted(alarmed, bounds_array).tolist()  # each group's part of ``alarmed``

    def schools_alarms(g: int) -> LazyRows:
        low, high = alarm_bounds[g], alarm_bounds[g + 1]
        if low == high:
            return no_alarms
        before = int(alarm_ends[low - 1]) if low else 0
        ends = alarm_ends[low:high] - before

        def build(i: int) -> dict[str, Any]:
            j = int(np.searchsorted(ends, i, side="right"))
            return school_alarms(int(alarmed[low + j]))[i - (int(ends[j - 1]) if j else 0)]

        def iterate() -> Iterator[dict[str, Any]]:
            for k in alarmed[low:high].tolist():
                yield from school_alarms(k)

        return LazyRows(int(ends[-1]) if high > low else 0, build, iterate=iterate)

    def schools(g: int) -> LazyRows:
        start = int(bounds_array[g])
        return LazyRows(int(sizes[g]), school, start=start)

    indicators_by_group = [[] for _g in range(n_groups)]  # type: list[list[dict[str, Any]]]
    for spec in specs:
        for g, result in enumerate(_indicator_groups(
            spec, codes_list, sources, values[spec.key], students, group, bounds_array, stage, method,
            threshold, standards.get(spec.key), last_alarms,
        )):
            indicators_by_group[g].append(result)

    levels = []
    min_met_text = _(
        "at least {min_met} of {n} met, the rest ≥ {floor} of the standard",
        min_met=QUALITY_2017_MIN_MET,
        n=len(specs),
        floor=percent(floor_ratio),
    )
    stage_label = stage.label
    with_pupils_list = np.bincount(group[with_pupils], minlength=n_groups).tolist()
    bounds_list = bounds_array.tolist()
    for g in range(n_groups):
        start, end = bounds_list[g], bounds_list[g + 1]
        indicators = indicators_by_group[g]
        size = end - start
        level: dict[str, Any] = {
            "stage": stage.value,
            "label": stage_label,
            "n_schools": size,
            "n_schools_with_pupils": with_pupils_list[g],
            "students": sum(students_list[start:end]),
            "threshold": threshold,
            "schools": schools(g),
            "indicators": indicators,
            "composite": None,
            "school_rule": None,
        }
        outcomes: list[tuple[bool | None, Message | dict[str, Any]]] = []  # an indicator's sentence: when kept
        if not size:
            outcomes.append((None, _("no {stage} schools in the table", stage=stage_label)))
        elif method is Method.BASIC_2012:
            composite = _composite(indicators, threshold)
            level["composite"] = composite
            outcomes.append((composite["passed"], composite["reason"]))
            if composite["passed"] is False:
                alarm(last_alarms[g], "composite_above_threshold", composite["reason"])
        else:
            outcomes.extend((indicator["passed"], indicator) for indicator in indicators)
            n_passed, n_failed, n_open = (int(c) for c in rule_counts[g])
            n_rules = n_passed + n_failed + n_open
            level["school_rule"] = {
                "n_schools": n_rules,
                "n_passed": n_passed,
                "n_failed": n_failed,
                "n_undetermined": n_open,
                "rate": (n_passed / n_rules) if n_rules else None,
                "rule": min_met_text,
            }
            if n_failed:
                outcomes.append((False, _("{n} school(s) fail the per-school rule", n=n_failed)))
            elif n_open:
                outcomes.append((None, _("{n} school(s) cannot be judged (missing data)", n=n_open)))
            elif n_rules:
                outcomes.append((True, _("every school meets the per-school rule")))
        level["passed"] = _combine(outcomes)
        kept = [reason for passed, reason in outcomes if passed is not True] or [r for _, r in outcomes]
        level["reasons"] = [reason if isinstance(reason, Message) else
                            _("{indicator}: {reason}", indicator=reason["name"], reason=reason["reason"])
                            for reason in kept]
        level["alarms"] = LazyRows.chain([first_alarms[g], schools_alarms(g), last_alarms[g]])
        levels.append(level)
    return levels


def _combine(outcomes: Sequence[tuple[bool | None, Any]]) -> bool | None:
    results = [passed for passed, _ in outcomes]
    if not results:
        return None
    if any(r is False for r in results):
        return False
    if any(r is None for r in results):
        return None
    return True


def _by_group_and_value(x: NDArray[np.float64], group: NDArray[np.intp], n_groups: int) -> NDArray[np.intp]:
    """The order of ``np.lexsort((x, group))``: by group, then by value, ties in the schools' order. Sorted
    by value, then (stable) by group, which numpy sorts by counting when the group fits in 16 bits."""
    by_value = np.argsort(x, kind="stable")
    if n_groups == 1:
        return by_value
    small = np.int16 if n_groups <= np.iinfo(np.int16).max else np.intp
    return by_value[np.argsort(group[by_value].astype(small), kind="stable")]


def _segments(positions: NDArray[np.intp], bounds: NDArray[np.intp]) -> list[int]:
    """Where each group's part of the ascending ``positions`` (of schools) begins and ends."""
    return np.searchsorted(positions, bounds).tolist()


def _indicator_groups(
    spec: IndicatorSpec,
    codes: Sequence[str],
    sources: Sequence[SchoolRow | SchoolUnit],
    values: NDArray[np.float64],
    students: NDArray[np.float64],
    group: NDArray[np.intp],
    bounds: NDArray[np.intp],
    stage: Stage,
    method: Method,
    threshold: float,
    standard: float | None,
    alarms: list[list[dict[str, Any]]],
) -> list[dict[str, Any]]:
    """One indicator of a level for each group of schools, from its column of values (NaN = missing)
    and the enrolments: the figures of ``weighted_cv_detail``, ``gini``, ``attainment_rate``,
    ``difference_contribution_arrays`` and the shortfalls to the standard of each group's schools,
    computed for all the groups at once (sums per group by ``np.bincount``, in the schools' order),
    and the plan to the threshold (``cv_adjustment_groups``) of the groups that need one, together."""
    n_groups = bounds.size - 1
    per_group = np.diff(bounds)
    has_weight = np.isfinite(students) & (students > 0)
    has_value = np.isfinite(values)
    used_mask = has_weight & has_value
    used = np.flatnonzero(used_mask)  # the schools in the statistics, ascending
    g_used = group[used]
    x, w = values[used], students[used]
    n_used = np.bincount(g_used, minlength=n_groups)
    n_missing = np.bincount(group[has_weight & ~has_value], minlength=n_groups)
    n_zero = per_group - n_used - n_missing
    segments = _segments(used, bounds)
    total_w = np.bincount(g_used, w, minlength=n_groups)
    p = w / total_w[g_used]  # Pᵢ / P within the school's group
    mean = np.bincount(g_used, p * x, minlength=n_groups)
    # all values of a group equal: its SD and contributions are exactly 0 (as ``weighted_cv_detail``)
    order = _by_group_and_value(x, g_used, n_groups)
    xs, gs = x[order], g_used[order]
    starts = np.array(segments[:-1], dtype=np.intp)
    nonempty = n_used > 0
    lowest = np.full(n_groups, np.nan)
    highest = np.full(n_groups, np.nan)
    if x.size:
        lowest[nonempty] = xs[starts[nonempty]]
        highest[nonempty] = xs[np.array(segments[1:], dtype=np.intp)[nonempty] - 1]
    equal = nonempty & (lowest == highest)
    deviation = np.where(equal[g_used], 0.0, x - mean[g_used])
    terms = p * deviation**2
    variance = np.bincount(g_used, terms, minlength=n_groups)
    sd = np.where(equal, 0.0, np.sqrt(variance))
    # Gini (§8): sorted by value within the group, G = 1 − Σ Pᵢ(2Qᵢ − Wᵢ), Qᵢ the cumulative share
    resource = xs * w[order]
    total_resource = np.bincount(gs, resource, minlength=n_groups)
    share = resource / np.where(total_resource[gs] > 0, total_resource[gs], 1.0)
    cumulative = segment_cumsum(share, segments)
    gini_sum = np.bincount(gs, p[order] * (2.0 * cumulative - share), minlength=n_groups)
    total_terms = variance[g_used]
    shares = np.where(total_terms > 0, terms / np.where(total_terms > 0, total_terms, 1.0), 0.0)
    directions = np.sign(deviation).astype(np.intp) + 1
    if standard is not None:
        n_met = np.bincount(g_used[x >= standard - REL_TOL * abs(standard)], minlength=n_groups)  # meets_standard
        # ``shortfall_to_standard`` for every school with a value: max(0, standard × Pᵢ / per − resourceᵢ),
        # 0 when the value rebuilt from the resource meets the standard
        school_resource = x * w / spec.per
        met = school_resource * spec.per / w >= standard - REL_TOL * abs(standard)
        need = np.where(met, 0.0, np.maximum(0.0, standard * w / spec.per - school_resource))
        short = np.flatnonzero(need > 0)
        short_at, short_resource, short_need = used[short], school_resource[short], need[short]
        short_segments = _segments(short_at, bounds)
    spec_fields = spec.as_dict()
    judged = method is Method.QUALITY_2017
    threshold_text = f"{threshold:g}"
    to_threshold_target = (_("this indicator's CV ≤ the composite threshold (enough for the composite)")
                           if method is Method.BASIC_2012 else _("CV ≤ the threshold"))
    plan_method = _("raise the lowest schools to a common level (the least total addition)")
    no_rows = LazyRows(0, _no_row, plain=True)

    def contribution(i: int) -> dict[str, Any]:
        k = int(used[i])
        return {"school_code": codes[k], "school_name": sources[k].school_name, "share": float(shares[i]),
                "direction": _DIRECTIONS[directions[i]], "deviation": float(deviation[i])}

    def shortfall(i: int) -> dict[str, Any]:
        k = int(short_at[i])
        return {"school_code": codes[k], "school_name": sources[k].school_name, "resource": float(short_resource[i]),
                "addition": float(short_need[i])}

    mean_list, sd_list, used_list = mean.tolist(), sd.tolist(), n_used.tolist()
    cvs = [cv_result(used_g, missing_g, zero_g, mean_list[g] if used_g else None, sd_list[g])
           for g, (used_g, missing_g, zero_g) in enumerate(zip(used_list, n_missing.tolist(), n_zero.tolist(),
                                                               strict=True))]
    unneeded = [cv_adjustment_unneeded(cv, threshold) for cv in cvs]
    needed = [g for g, plan in enumerate(unneeded) if plan is None]
    plans, additions = cv_adjustment_groups(values, students, bounds, threshold, {g: cvs[g] for g in needed},
                                            order=used[order])
    raised_at = np.flatnonzero(additions > 0)  # the schools a plan raises, ascending
    raised_by = additions[raised_at] / spec.per
    raised_segments = _segments(raised_at, bounds)

    def raised_school(i: int) -> dict[str, Any]:
        k = int(raised_at[i])
        return {"school_code": codes[k], "school_name": sources[k].school_name, "addition": float(raised_by[i])}

    # per group, the figures as Python numbers: the Gini (None without a resource, 0 when all equal, noise
    # below 1e-12 clamped to 0), the shortfalls' total (added one by one, in the schools' order)
    gini_values = 1.0 - gini_sum
    gini_values[(gini_values > -1e-12) & (gini_values < 0.0)] = 0.0
    gini_values[equal] = 0.0
    gini_list = np.where((n_used == 0) | (total_resource == 0.0), np.nan, gini_values).tolist()
    per_group_list = per_group.tolist()
    if standard is not None:
        n_met_list = n_met.tolist()
        short_totals = np.bincount(group[short_at], short_need, minlength=n_groups).tolist()
    no_reason = _("the 2012 method tests only the composite of the 8 CVs")
    stage_name, stage_label = stage.value, stage.label
    unit, per = spec.resource_unit, spec.per
    published = publish_all([cv.value for cv in cvs])
    means_published = publish_all([cv.mean for cv in cvs])
    results = []
    for g, cv in enumerate(cvs):
        used_g, value, cv_mean = used_list[g], cv.value, cv.mean
        low, high = segments[g], segments[g + 1]
        result: dict[str, Any] = {
            **spec_fields,
            "cv": {"value": value, "mean": cv_mean, "sd": cv.sd, "n_used": cv.n_used, "n_missing": cv.n_missing,
                   "n_zero_enrolment": cv.n_zero_enrolment, "status": cv.status.value, "note": cv.note,
                   "n_excluded": cv.n_missing + cv.n_zero_enrolment, "published": published[g]},  # ``cv.as_dict()``
            "mean": cv_mean,  # the enrolment-weighted mean X̄ of §3.4 (``weighted_mean``), computed with the CV
            "standard": standard,
            "threshold": threshold if judged else None,
            "mean_published": means_published[g],
        }
        if value is None:
            result["passed"], result["reason"] = None, _("CV undefined: {reason}", reason=cv.note)
            alarms[g].append({"level": stage_name, "kind": "cv_undefined", "indicator": spec.key, "school_code": None,
                              "message": _("{stage} {indicator}: {reason}", stage=stage_label, indicator=spec.name,
                                           reason=cv.note)})
        elif not judged:
            result["passed"], result["reason"] = None, no_reason
        elif cv_within_threshold(value, threshold):
            result["passed"] = True
            result["reason"] = _("CV {cv} ≤ {threshold}", cv=f"{value:.6f}", threshold=threshold_text)
        else:
            result["passed"] = False
            result["reason"] = _(
                "CV {cv} > {threshold} (compared before rounding)", cv=f"{value:.6f}", threshold=threshold_text
            )
            alarms[g].append({"level": stage_name, "kind": "cv_above_threshold", "indicator": spec.key,
                              "school_code": None,
                              "message": _("{stage} {indicator}: {reason}", stage=stage_label, indicator=spec.name,
                                           reason=result["reason"])})
        gini_g = gini_list[g]
        result["gini"] = None if gini_g != gini_g else gini_g
        if standard is None:
            result["attainment"] = None
            result["development_index"] = None
            to_standard = None
        else:
            met_g = n_met_list[g]
            result["attainment"] = {"rate": met_g / used_g if used_g else None, "n_met": met_g, "n_assessed": used_g,
                                    "n_excluded": per_group_list[g] - used_g}
            # the county's development index X̄ / standard (§8, ``development_index(...).county``)
            result["development_index"] = None if cv_mean is None else cv_mean / standard
            first, last = short_segments[g], short_segments[g + 1]
            to_standard = {
                "unit": unit,
                "standard": standard,
                "schools": LazyRows(last - first, shortfall, start=first, plain=True) if last > first else no_rows,
                "total": short_totals[g] if last > first else 0,  # as ``sum`` of no shortfall gives
                "formula": "max(0, standard × Pᵢ − resourceᵢ)",
            }
        result["contributions"] = _Contributions(shares[low:high], contribution, start=low)
        plan = unneeded[g]
        raised_rows = no_rows
        if plan is None:
            plan = plans[g]
            first = raised_segments[g]
            raised_rows = LazyRows(raised_segments[g + 1] - first, raised_school, start=first, plain=True)
        to_threshold = {
            "unit": unit,
            "target": to_threshold_target,
            "needed": plan.needed,
            "threshold": plan.threshold,
            "cv_before": plan.cv_before,
            "cv_after": plan.cv_after,
            "level": plan.level,
            "total": None if plan.total is None else plan.total / per,
            "n_raised": plan.n_raised,
            "schools": raised_rows,
            "method": plan_method,
            "note": plan.note,
        }
        result["adjustment"] = {"to_standard": to_standard, "to_threshold": to_threshold}
        results.append(result)
    return results


def _no_row(i: int) -> Any:
    raise IndexError("no rows")


def _composite(indicators: Sequence[Mapping[str, Any]], threshold: float) -> dict[str, Any]:
    cvs = [ind["cv"]["value"] for ind in indicators]
    undefined = [ind["name"] for ind in indicators if ind["cv"]["value"] is None]
    if undefined:
        names = undefined[0]
        for name in undefined[1:]:
            names = _("{first}, {second}", first=names, second=name)
        return {
            "value": None,
            "published": None,
            "threshold": threshold,
            "passed": None,
            "reason": _("composite undefined: no CV for {indicators}", indicators=names),
        }
    value = composite_cv_2012(cvs)
    passed = cv_within_threshold(value, threshold)
    figures = {"cv": f"{value:.6f}", "threshold": f"{threshold:g}"}
    if passed:
        reason = _("composite CV {cv} ≤ {threshold} (mean of the 8 CVs, compared before rounding)", **figures)
    else:
        reason = _("composite CV {cv} > {threshold} (mean of the 8 CVs, compared before rounding)", **figures)
    return {
        "value": value,
        "published": publish(value),
        "threshold": threshold,
        "passed": passed,
        "reason": reason,
    }


# ---------------------------------------------------------------------------------------------------
# Template
# ---------------------------------------------------------------------------------------------------

_EXAMPLE_ROW: dict[str, object] = {
    "school_code": "4101020001",
    "school_name": "示例小学（填写前请删除本行）",
    "school_type": "小学",
    "stage": "小学",
    "students": 850,
    "senior_students": None,
    "teaching_area_m2": 4300,
    "indoor_sports_area_m2": 320,
    "gym_area_m2": 320,
    "field_area_m2": 6500,
    "equipment_value_yuan": None,
    "equipment_value_wan_yuan": 185.6,
    "computers": 120,
    "books": 27000,
    "teachers": 52,
    "teachers_above_required_degree": 46,
    "teachers_intermediate_title": 25,
    "key_teachers_county_level": 9,
    "pe_music_art_teachers": 8,
    "multimedia_classrooms": 21,
    "classes": 18,
}


def template_header(column: Column) -> str:
    """The header ``write_template`` writes for a column (Chinese name, unit in brackets)."""
    return f"{column.header}({column.units[0]})" if column.units and column.units[0] != "人" else column.header


def write_template(path: str | Path) -> Path:
    """Writes the blank .xlsx template: sheet 学校数据 (header row + one example row to delete) and
    sheet 填写说明 (one line per column: header, field name, type, notes)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    path = Path(path)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "学校数据"
    sheet.append([template_header(c) for c in COLUMNS])
    sheet.append([_EXAMPLE_ROW.get(c.name) for c in COLUMNS])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="808080")
    sheet["A2"].number_format = "@"  # school codes are text (keep leading zeros)
    for letter, column in zip((c.column_letter for c in sheet[1]), COLUMNS, strict=True):
        sheet.column_dimensions[letter].width = max(10, len(template_header(column)) * 2)
    sheet.freeze_panes = "C2"

    notes = workbook.create_sheet("填写说明")
    notes.append(["列名", "字段", "类型", "说明"])
    kinds = {"text": "文本", "school_type": "类别", "stage": "类别", "count": "整数 ≥ 0", "amount": "数值 ≥ 0"}
    for column in COLUMNS:
        notes.append([template_header(column), column.name, kinds[column.kind], column.help])
    for cell in notes[1]:
        cell.font = bold
    for letter, width in zip("ABCD", (30, 34, 10, 80), strict=True):
        notes.column_dimensions[letter].width = width
    for line in (
        "",
        "每所学校一行；九年一贯制、十二年一贯制学校按小学、初中各填一行，完全中学填初中一行（同一学校代码）。",
        "一贯制学校的校舍面积、仪器设备值、计算机、图书填全校合计（填在其中一行，其余行留空或填相同数值），"
        "系统按 1:1.1（九年）、1:1.2（完中初中:高中）、1:1.1:1.32（十二年）拆分。",
        "空白表示缺失（该校不参与该指标的计算并计数提示）；没有请填 0。",
    ):
        notes.append([line])
    workbook.save(path)
    return path
