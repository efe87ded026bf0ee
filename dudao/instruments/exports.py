"""Writing an instrument version as an Excel workbook that imports back as the same tree."""

from decimal import Decimal

from dudao.core.excel import write_table
from dudao.instruments.imports import COLUMNS, NOTES, TYPE_NAMES
from dudao.instruments.selectors import version_items


def decimal_cell(value: Decimal | None):
    """A maximum or weight as the number a spreadsheet shows (10, 0.25), or empty."""
    if value is None:
        return ""
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def yes_no(value: bool) -> str:
    return "是" if value else "否"


def version_rows(version) -> list[list]:
    """One row per item in tree order, in the columns of ``imports.COLUMNS``."""
    items = version_items(version=version)
    codes = {item.pk: item.code for item in items}
    return [
        [item.code, codes.get(item.parent_id, ""), item.text, TYPE_NAMES.get(item.response_type, item.response_type),
         " | ".join(item.options or []), decimal_cell(item.max_score), decimal_cell(item.weight), item.criteria,
         yes_no(item.is_veto), yes_no(item.evidence_required), yes_no(item.required)]
        for item in items
    ]


def version_workbook(version) -> bytes:
    """The version (read through the user's scope by the caller) as .xlsx bytes."""
    title = f"{version.instrument.name} v{version.number}"
    return write_table(list(COLUMNS), version_rows(version), title=_sheet_title(title), notes=NOTES)


def version_filename(version) -> str:
    return f"{version.instrument.name}-v{version.number}.xlsx"


def _sheet_title(title: str) -> str:
    for ch in "[]:*?/\\":
        title = title.replace(ch, " ")
    return title[:31]
