"""Importing inspectors (and their listings) from the downloadable Excel template."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dudao.audit.services import record
from dudao.core.choices import choice_lookup
from dudao.core.importing import RowError
from dudao.inspectors.models import Inspector
from dudao.inspectors.services import listing_assign
from dudao.jobs.imports import Importer, ImportView
from dudao.organizations.models import Office, School

SPLIT = re.compile(r"[,，;；、\s]+")


class InspectorImporter(Importer):
    title = "督学导入模板"
    permission = "inspectors.import_inspector"
    job_kind = "inspectors.import_inspectors"
    columns = {
        "督学证编号": "certificate_no",
        "姓名": "name",
        "性别": "gender",
        "类型": "kind",
        "督导室区域代码": "office",
        "工作单位及职务": "employer",
        "联系电话": "phone",
        "电子邮箱": "email",
        "挂牌学校代码": "schools",
    }
    required = ("督学证编号", "姓名", "类型", "督导室区域代码")
    example = ["DX2026001", "张明", "男", "兼职", "360102", "示范县教研室 教研员", "13900000000",
               "zhangming@example.cn", "3601020001、3601020002"]
    notes = [
        "带 * 的列必填。类型：专职 / 兼职；性别：男 / 女。",
        "督导室区域代码为督学所属督导室的行政区划代码，须在您的管辖范围内。",
        "挂牌学校代码可填多个，用顿号、逗号或空格分隔；导入后该督学自今日起挂牌这些学校（原挂牌督学的挂牌同时结束）。",
        "督学证编号已存在时更新该督学信息；同一文件中不得重复。",
    ]

    def prepare(self, rows) -> None:
        self.kinds = choice_lookup(Inspector.Kind.choices)
        self.genders = choice_lookup(Inspector.Gender.choices)
        self.offices = {o.region.code: o for o in Office.objects.for_user(self.actor, "change").select_related("region")}
        certs = [str(r.get("certificate_no", "")) for _, r in rows]
        self.existing = {i.certificate_no: i for i in Inspector.objects.filter(certificate_no__in=certs)}
        self.editable = set(
            Inspector.objects.for_user(self.actor, "change").filter(certificate_no__in=certs)
            .values_list("certificate_no", flat=True)
        )
        codes = {c for _, r in rows for c in SPLIT.split(str(r.get("schools", ""))) if c}
        self.schools = {s.code: s for s in School.objects.for_user(self.actor, "change").filter(code__in=codes)
                        .select_related("region")}

    def validate_row(self, number, record):
        errors, err = self.row_errors(number, record)
        cert = str(record.get("certificate_no", ""))
        if cert in self.existing and cert not in self.editable:
            err("certificate_no", _("This certificate number belongs to an inspector outside your scope."))
        kind = self.kinds.get(str(record.get("kind", "")).lower())
        if record.get("kind") and kind is None:
            err("kind", _("Unknown value “{value}”.").format(value=record.get("kind")))
        gender_raw = str(record.get("gender", "")).lower()
        gender = self.genders.get(gender_raw, "") if gender_raw else ""
        if gender_raw and not gender:
            err("gender", _("Unknown value “{value}”.").format(value=record.get("gender")))
        office = self.offices.get(str(record.get("office", "")))
        if record.get("office") and office is None:
            err("office", _("Unknown office region code “{value}” or outside your scope.").format(value=record.get("office")))
        email = str(record.get("email", ""))
        if email:
            try:
                validate_email(email)
            except ValidationError:
                err("email", _("Not a valid e-mail address."))
        schools = []
        for code in [c for c in SPLIT.split(str(record.get("schools", ""))) if c]:
            school = self.schools.get(code)
            if school is None:
                err("schools", _("Unknown school code “{value}” or outside your scope.").format(value=code))
            elif office is not None and not school.region.path.startswith(office.region.path):
                err("schools", _("School “{value}” is outside the inspector's office.").format(value=code))
            else:
                schools.append(school)
        texts = {}
        for field in ("certificate_no", "name", "employer", "phone"):
            texts[field] = str(record.get(field, ""))
            limit = Inspector._meta.get_field(field).max_length
            if len(texts[field]) > limit:
                err(field, _("At most {limit} characters.").format(limit=limit))
        cleaned = {**texts, "kind": kind, "gender": gender, "office": office, "email": email, "schools": schools}
        return cleaned, errors

    def validate_across(self, rows):
        errors = self.repeated(rows, "certificate_no", _("Duplicate certificate number; also on row {row}."))
        listed: dict[str, int] = {}
        for number, cleaned in rows:
            for school in cleaned["schools"]:
                other = listed.setdefault(school.code, number)
                if other != number:
                    errors.append(RowError(number, self.header_for("schools"),
                                           _("School “{value}” is also listed on row {row}.").format(value=school.code, row=other)))
        return errors

    def write(self, rows, progress=None) -> int:
        total = len(rows)
        for index, (_number, data) in enumerate(rows, start=1):
            schools = data.pop("schools")
            inspector = self.existing.get(data["certificate_no"])
            creating = inspector is None
            inspector = inspector or Inspector()
            before = {} if creating else {k: getattr(inspector, k) for k in data}
            for key, value in data.items():
                setattr(inspector, key, value)
            inspector.save()
            changes = {k: [getattr(before.get(k), "pk", before.get(k)), getattr(v, "pk", v)]
                       for k, v in data.items() if before.get(k) != v}
            record(actor=self.actor, action=f"inspectors.inspector.{'create' if creating else 'update'}",
                   target=inspector, changes=changes, reason=_("Excel import"))
            for school in schools:
                listing_assign(actor=self.actor, school_id=school.pk, inspector_id=inspector.pk,
                               reason=_("Excel import"))
            if progress and index % 100 == 0:
                progress(total // 2 + index // 2, total)
        return total


run_inspector_import_job = InspectorImporter.run_job


class InspectorImportView(ImportView):
    importer_class = InspectorImporter
    list_url = "/inspectors/"
    extra_context = {"title": gettext_lazy("Import inspectors")}
