"""Reading an instrument's items from an Excel workbook (authored in WPS or Excel).

One sheet, one row per item in tree order, the columns of ``COLUMNS``. Every row is checked
first and every problem reported as (row, column, reason); only a clean workbook is written, as
a new draft, through ``services.version_import`` / ``services.instrument_import``.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dudao.core.choices import choice_lookup
from dudao.core.excel import normalise, read_table
from dudao.core.importing import RowError
from dudao.instruments.models import Item
from dudao.instruments.services import check_item, clean_decimal, clean_options
from dudao.jobs.imports import Importer

# header → field; the headers are also the export's, so an exported workbook imports as it is
COLUMNS = {
    "编码": "code",
    "上级编码": "parent",
    "内容": "text",
    "作答方式": "response_type",
    "选项(用 | 分隔)": "options",
    "满分": "max_score",
    "权重": "weight",
    "评分标准": "criteria",
    "一票否决": "is_veto",
    "须提供佐证": "evidence_required",
    "必答": "required",
}
REQUIRED = ("编码", "内容", "作答方式")
# Wording is kept exactly as written (full-width punctuation is part of official texts such as
# "校园及周边安全情况，学生交通安全情况。"); only codes, types, numbers and flags are normalised.
VERBATIM = {"text", "criteria", "options"}

# The names of the response types in workbooks: fixed Chinese words (not the UI's translation),
# so a workbook means the same whatever language its author's interface uses.
TYPE_NAMES = {
    Item.ResponseType.SECTION: "分组",
    Item.ResponseType.YES_NO: "是否",
    Item.ResponseType.RATING: "等级",
    Item.ResponseType.SCORE: "评分",
    Item.ResponseType.NUMBER: "数值",
    Item.ResponseType.TEXT: "文字",
    Item.ResponseType.SINGLE_CHOICE: "单选",
    Item.ResponseType.MULTIPLE_CHOICE: "多选",
    Item.ResponseType.FILES: "佐证材料",
}
TYPE_ALIASES = {
    "章节": "section", "指标": "section", "一级指标": "section", "是/否": "yes_no", "判断": "yes_no",
    "等级评定": "rating", "量表": "rating", "打分": "score", "分值": "score", "数字": "number", "文本": "text",
    "填空": "text", "单项选择": "single_choice", "多项选择": "multiple_choice", "附件": "files", "文件": "files",
}
TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "✓", "✔", "要", "需要"}
FALSE_WORDS = {"", "否", "n", "no", "false", "0", "×", "✗", "不", "不需要"}

NOTES = [
    "每行一个条目，按树的顺序排列：上级条目写在它的下级条目之前。带 * 的列必填。",
    "编码：本版本内唯一，如 1、1.1、A1；上级编码：所属分组的编码，顶层条目留空。",
    "作答方式：" + " / ".join(TYPE_NAMES.values()) + "。分组不作答，用来组织下级条目。",
    "选项：等级、单选、多选条目必填，用 | 分隔，等级从低到高排列，如：差 | 中 | 良 | 优。",
    "满分：评分条目必填；是否、等级条目可填（不填按 1 分计）。权重：可选，填写后该条目或分组按权重折算。",
    "一票否决、须提供佐证、必答：填 是 或 否（留空为否）。",
    "导入后生成一个新的草稿版本，检查无误后再发布；发布后的版本不能再修改。",
]


def parse_bool(value) -> bool | None:
    """是/否 and the usual spellings; None when the cell means neither."""
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return None


class InstrumentImporter(Importer):
    """Validates an instrument workbook; ``report.rows`` are ``(row number, item dict)`` in file order."""

    title = "检查表导入模板"
    columns = COLUMNS
    required = REQUIRED
    permission = "instruments.add_instrument"
    example = ["1", "", "办学行为", "分组", "", "", "", "", "否", "否", "否"]
    notes = NOTES

    def template_bytes(self) -> bytes:
        from dudao.core.excel import write_table

        headers = [f"{h}*" if h in self.required else h for h in self.columns]
        rows = [
            ["1", "", "办学行为", "分组", "", "", "", "", "否", "否", "否"],
            ["1.1", "1", "按规定开齐开足课程", "评分", "", 10, "", "查课表，缺一门扣2分", "否", "是", "是"],
            ["1.2", "1", "无违规收费", "是否", "", "", "", "", "是", "否", "是"],
            ["2", "", "家长满意程度", "等级", "不满意 | 基本满意 | 满意", "", "", "", "否", "否", "否"],
            ["3", "", "其他情况", "文字", "", "", "", "", "否", "否", "否"],
        ]
        return write_table(headers, rows, title=self.title, notes=self.notes)

    def read(self, fileobj):
        """The first sheet, its wording columns as written (``read_rows``)."""
        return read_rows(fileobj)

    def prepare(self, rows) -> None:
        self.types = {**choice_lookup(Item.ResponseType.choices), **{v: k for k, v in TYPE_NAMES.items()},
                      **TYPE_ALIASES}
        # every row's code and type, also of rows with other problems, for the checks across rows
        self.first_row: dict[str, int] = {}
        self.type_of: dict[str, str | None] = {}
        for number, record in rows:
            code = self.text(record.get("code"))
            if code and code not in self.first_row:
                self.first_row[code] = number
                self.type_of[code] = self.types.get(self.text(record.get("response_type")).lower())

    @staticmethod
    def text(value) -> str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return "" if value is None else str(value).strip()

    def validate_row(self, number, record):
        errors, err = self.row_errors(number)
        code = self.text(record.get("code"))
        text = self.text(record.get("text"))
        parent = self.text(record.get("parent"))
        raw_type = self.text(record.get("response_type"))
        if not code:
            err("code", _("Required."))
        elif len(code) > 32:
            err("code", _("At most {n} characters.").format(n=32))
        if not text:
            err("text", _("Required."))
        response_type = self.types.get(raw_type.lower())
        if not raw_type:
            err("response_type", _("Required."))
        elif response_type is None:
            err("response_type", _("Unknown value “{value}”; use one of: {names}.").format(
                value=raw_type, names=" / ".join(TYPE_NAMES.values())))
        numbers = {}
        for field in ("max_score", "weight"):
            try:
                numbers[field] = clean_decimal(record.get(field), field)
            except ValidationError:
                err(field, _("Not a number: “{value}”.").format(value=record.get(field)))
                numbers[field] = None
                continue
            if numbers[field] is not None and numbers[field] < 0:
                err(field, _("Cannot be negative."))
        flags = {}
        for field in ("is_veto", "evidence_required", "required"):
            flags[field] = parse_bool(record.get(field, ""))
            if flags[field] is None:
                err(field, _("Write 是 or 否."))
        options = clean_options(self.text(record.get("options")))
        cleaned = {
            "code": code, "parent": parent or None, "text": text, "response_type": response_type,
            "options": options, "max_score": numbers["max_score"], "weight": numbers["weight"],
            "criteria": self.text(record.get("criteria")), **{k: bool(v) for k, v in flags.items()},
        }
        if response_type is not None and not any(e.column in (self.header_for("max_score"), self.header_for("weight"))
                                                 for e in errors):
            item = Item(**{k: v for k, v in cleaned.items() if k != "parent"})
            try:
                check_item(item)
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    for message in messages:
                        err(field if field in COLUMNS.values() else "code", message)
            if response_type == Item.ResponseType.SCORE and numbers["max_score"] is None and not any(
                    e.column == self.header_for("max_score") for e in errors):
                err("max_score", _("A score item needs a maximum."))
        return cleaned, errors

    def validate_across(self, rows) -> list[RowError]:
        """Codes unique; parents exist, come first and are sections; no item is its own ancestor."""
        errors: list[RowError] = []
        for number, cleaned in rows:
            code, parent = cleaned["code"], cleaned["parent"]
            first = self.first_row.get(code)
            if first is not None and first != number:
                errors.append(RowError(number, self.header_for("code"),
                                       _("Duplicate code “{code}”; also on row {row}.").format(code=code, row=first)))
            if not parent:
                continue
            column = self.header_for("parent")
            if parent == code:
                errors.append(RowError(number, column, _("An item cannot be its own parent.")))
            elif parent not in self.first_row:
                errors.append(RowError(number, column, _("Unknown parent code “{code}”.").format(code=parent)))
            elif self.first_row[parent] > number:
                errors.append(RowError(number, column, _("The parent “{code}” must come before its items (it is on row {row}).")
                                       .format(code=parent, row=self.first_row[parent])))
            elif self.type_of.get(parent) not in (None, Item.ResponseType.SECTION):
                errors.append(RowError(number, column, _("The parent “{code}” is not a section (作答方式 分组).")
                                       .format(code=parent)))
        return errors

    @staticmethod
    def items(report) -> list[dict]:
        """The validated rows as item dicts for the services, in file order."""
        return [cleaned for _number, cleaned in report.rows]

    def write(self, rows, progress=None) -> int:
        raise NotImplementedError("instrument workbooks are written through services.version_import")


def read_rows(fileobj) -> tuple[list[tuple[int, dict]], list[RowError]]:
    """The non-empty rows of the first sheet as ``(row number, {field: value})``, and header errors.

    ``core.excel.read_table``, except that the wording columns (``VERBATIM``) keep their characters:
    only surrounding spaces are trimmed, full-width punctuation stays.
    """

    def clean(field, value):
        return value.strip() if field in VERBATIM and isinstance(value, str) else normalise(value)

    return read_table(fileobj, COLUMNS, required_headers=REQUIRED, clean=clean)
