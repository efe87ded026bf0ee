"""Importing training records (培训档案) from the downloadable Excel template, and the ledger export
in the same columns, so an exported file can be corrected and imported again."""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dudao.core.choices import choice_lookup
from dudao.core.excel import write_table
from dudao.core.views import ScopedMixin
from dudao.inspectors.models import Inspector, TrainingRecord
from dudao.inspectors.services.development import is_office_over, training_record_save
from dudao.jobs.imports import Importer, ImportView

KIND_WORDS = {"集中培训": TrainingRecord.Kind.CENTRALISED, "集中": TrainingRecord.Kind.CENTRALISED,
              "网络学习": TrainingRecord.Kind.ONLINE, "网络培训": TrainingRecord.Kind.ONLINE,
              "自学": TrainingRecord.Kind.SELF_STUDY, "个人自学": TrainingRecord.Kind.SELF_STUDY}
KIND_LABELS = {TrainingRecord.Kind.CENTRALISED: "集中培训", TrainingRecord.Kind.ONLINE: "网络学习",
               TrainingRecord.Kind.SELF_STUDY: "自学"}
COLUMNS = {
    "督学证编号": "certificate_no",
    "姓名": "name",
    "课程名称": "course",
    "主办单位": "organiser",
    "培训形式": "kind",
    "开始日期": "start_date",
    "结束日期": "end_date",
    "学时": "hours",
}


def _date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip().replace("/", "-").replace(".", "-")
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return "invalid"


class TrainingImporter(Importer):
    title = "督学培训档案导入模板"
    permission = "inspectors.add_trainingrecord"
    job_kind = "inspectors.import_training"
    columns = COLUMNS
    required = ("督学证编号", "课程名称", "培训形式", "开始日期", "学时")
    example = ["DX2026001", "张明", "2026年市级督学集中培训班", "示范市人民政府教育督导室", "集中培训", "2026-04-08",
               "2026-04-10", 24]
    notes = [
        "带 * 的列必填。培训形式：集中培训 / 网络学习 / 自学；只有集中培训计入每年不少于40学时的要求。",
        "日期格式 2026-04-08；学时可带一位小数。姓名列仅供核对，以督学证编号为准。",
        "督学须在您的管辖范围内；督学本人只能导入自己的培训记录。",
    ]

    def prepare(self, rows) -> None:
        self.kinds = {**choice_lookup(TrainingRecord.Kind.choices), **KIND_WORDS}
        certs = {str(r.get("certificate_no", "")) for _n, r in rows}
        reachable = Inspector.objects.for_user(self.actor).filter(certificate_no__in=certs).select_related(
            "office__region")
        self.inspectors = {i.certificate_no: i for i in reachable
                           if i.user_id == self.actor.pk or is_office_over(self.actor, i.office)}

    def validate_row(self, number, record):
        errors, err = self.row_errors(number, record)
        cert = str(record.get("certificate_no", ""))
        inspector = self.inspectors.get(cert)
        if cert and inspector is None:
            err("certificate_no", _("Unknown certificate number “{value}” or outside your scope.").format(value=cert))
        kind = self.kinds.get(str(record.get("kind", "")).strip().lower())
        if record.get("kind") and kind is None:
            err("kind", _("Unknown value “{value}”.").format(value=record.get("kind")))
        start, end = _date(record.get("start_date")), _date(record.get("end_date"))
        for name, value in (("start_date", start), ("end_date", end)):
            if value == "invalid":
                err(name, _("Not a date (use 2026-04-08)."))
        if isinstance(start, datetime.date) and isinstance(end, datetime.date) and end < start:
            err("end_date", _("The end is before the start."))
        hours = None
        if record.get("hours") not in ("", None):
            try:
                hours = Decimal(str(record["hours"])).quantize(Decimal("0.1"))
            except InvalidOperation:
                err("hours", _("Not a number."))
            else:
                if not Decimal("0") < hours <= Decimal("9999"):
                    err("hours", _("Enter a number of hours above 0."))
        cleaned = {"inspector": inspector, "course": str(record.get("course", ""))[:200],
                   "organiser": str(record.get("organiser", ""))[:200], "kind": kind,
                   "start_date": start if isinstance(start, datetime.date) else None,
                   "end_date": end if isinstance(end, datetime.date) else None, "hours": hours}
        return cleaned, errors

    def write(self, rows, progress=None) -> int:
        for _number, data in rows:
            inspector = data.pop("inspector")
            training_record_save(actor=self.actor, instance=TrainingRecord(inspector=inspector, **data),
                                 reason=_("Excel import"))
        return len(rows)


def ledger_workbook(records) -> bytes:
    """The records in the import template's columns (an exported ledger imports again as is)."""
    rows = ([r.inspector.certificate_no, r.inspector.name, r.course, r.organiser, KIND_LABELS[r.kind],
             r.start_date.isoformat(), r.end_date.isoformat() if r.end_date else "", float(r.hours)]
            for r in records)
    return write_table(list(COLUMNS), rows, title="培训档案")


run_training_import_job = TrainingImporter.run_job


class TrainingImportView(ScopedMixin, ImportView):
    """The importer reads inspectors through ``for_user``; the view itself reads no rows."""

    model = TrainingRecord
    importer_class = TrainingImporter
    list_url = "/inspectors/training/"
    extra_context = {"title": gettext_lazy("Import training records")}
