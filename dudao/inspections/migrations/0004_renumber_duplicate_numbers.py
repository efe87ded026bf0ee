"""One document number names one document: enters every number given so far in the offices'
registers and renumbers the later holders of a number given twice in an office's year.

Before, each kind of document counted its own numbers, so a 通报 and the 督导通知书 of a visit, of a
campaign and of an evaluation could all be 示范教督〔2026〕1号. Per office, year and number the holder
given it first (by date, then by when it was filed) keeps it; each later one takes the next number of
its pattern after the highest number of that pattern on file. A renumbered document keeps its old
number in the register (``IssuedNumber.replaces``) and in an audit event (``documents.number.renumber``,
number old → new); the Word and PDF files filed before keep the number printed on them. Documents
quoting a renumbered notice's number (its 整改通知书, 整改回执及核查记录) and an evaluation's copy of
its notice number follow.
"""

from django.conf import settings
from django.db import migrations
from django.utils import timezone, translation
from django.utils.translation import gettext

from dudao.documents.kinds import DEFAULT_NUMBER_PATTERN
from dudao.documents.numbering import PatternError, draw_number, pattern_parts
from dudao.organizations.selectors import ancestor_paths, office_short_name

RECTIFICATION = "inspections.rectification"


class _Holder:
    """One thing that holds a number: a rectification notice, or a subject's documents of one kind."""

    def __init__(self, *, office, year, number, date, created, kind, subject_type, subject_id, pattern, school_id,
                 target, target_repr):
        self.office, self.year, self.number, self.kind, self.pattern = office, year, number, kind, pattern
        self.order = (date, created)
        self.subject_type, self.subject_id, self.school_id = subject_type, subject_id, school_id
        self.target, self.target_repr = target, target_repr
        self.documents: list[int] = []


def _holders(apps) -> list[_Holder]:
    Document = apps.get_model("documents", "Document")
    Office = apps.get_model("organizations", "Office")
    Rectification = apps.get_model("inspections", "Rectification")
    offices = {office.region.path: office for office in Office.objects.select_related("region")}
    rectification_pattern = getattr(settings, "DUDAO_RECTIFICATION_NUMBER_PATTERN", "{office}督整〔{year}〕{seq}号")
    holders: dict[tuple, _Holder] = {}
    for notice in Rectification.objects.exclude(number="").select_related("school__region").order_by("pk"):
        office = next((offices[p] for p in reversed(ancestor_paths(notice.school.region.path)) if p in offices), None)
        if office is not None:
            holders[(RECTIFICATION, notice.pk)] = _Holder(
                office=office, year=notice.issued_on.year, number=notice.number, date=notice.issued_on,
                created=notice.created_at, kind="rectification_notice", subject_type=RECTIFICATION,
                subject_id=notice.pk, pattern=rectification_pattern, school_id=notice.school_id,
                target=("inspections", "rectification", notice.pk), target_repr=notice.number)
    by_pk = {office.pk: office for office in offices.values()}
    documents = (Document.objects.exclude(number="").exclude(subject_type=RECTIFICATION)  # these quote the notice's
                 .select_related("template").order_by("date", "pk"))
    for doc in documents:
        key = (doc.kind, doc.subject_type, doc.subject_id, doc.number) if doc.subject_id else ("document", doc.pk)
        if key not in holders:
            holders[key] = _Holder(
                office=by_pk[doc.office_id], year=doc.year, number=doc.number, date=doc.date, created=doc.created_at,
                kind=doc.kind, subject_type=doc.subject_type, subject_id=doc.subject_id,
                pattern=(doc.template.number_pattern if doc.template_id and doc.template.number_pattern
                         else DEFAULT_NUMBER_PATTERN),
                school_id=doc.school_id, target=("documents", "document", doc.pk), target_repr=doc.title)
        holders[key].documents.append(doc.pk)
    return list(holders.values())


def _audit(apps, entries: list[dict]) -> None:
    """Appends the events to the audit log with this migration's models: to the sealed chains when
    ``audit`` 0002 has run, else to the one unkeyed chain as ``audit.services.record_many`` did then
    (``audit`` 0002 then seals them)."""
    from dudao.audit import chain

    AuditEvent = apps.get_model("audit", "AuditEvent")
    ChainHead = apps.get_model("audit", "ChainHead")
    ContentType = apps.get_model("contenttypes", "ContentType")
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        reason = gettext("Renumbered: the same number was given earlier to another document of the office "
                         "that year.")
    events = []
    for entry in entries:
        app_label, model, pk = entry.pop("target")
        content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model)
        events.append({"created_at": now, "actor_id": None, "actor_name": "system",
                       "action": "documents.number.renumber", "target_ct_id": content_type.pk, "target_id": str(pk),
                       "reason": reason, "request_id": "", **entry})
    if any(field.name == "chain" for field in ChainHead._meta.fields):
        chain.append(AuditEvent, ChainHead, [AuditEvent(**fields) for fields in events])
        return
    head, _created = ChainHead.objects.select_for_update().get_or_create(pk=1)
    for fields in events:
        fields.update(seq=head.last_seq + 1, prev_hash=head.last_hash)
        fields["hash"] = chain.plain_hash(AuditEvent(**fields))
        AuditEvent.objects.create(**fields)
        head.last_seq, head.last_hash = fields["seq"], fields["hash"]
    head.save()


def renumber_duplicates(apps, schema_editor=None) -> int:
    """Registers every number on file and renumbers the later holders of a duplicate; returns how
    many holders were renumbered."""
    Document = apps.get_model("documents", "Document")
    Evaluation = apps.get_model("evaluations", "Evaluation")
    IssuedNumber = apps.get_model("documents", "IssuedNumber")
    NumberSequence = apps.get_model("documents", "NumberSequence")
    Rectification = apps.get_model("inspections", "Rectification")
    groups: dict[tuple, list[_Holder]] = {}
    for holder in _holders(apps):
        groups.setdefault((holder.office.pk, holder.year, holder.number), []).append(holder)
    later = []
    for group in groups.values():
        group.sort(key=lambda h: h.order)
        later.extend(group[1:])
    IssuedNumber.objects.bulk_create([
        IssuedNumber(office_id=first.office.pk, year=first.year, number=first.number, kind=first.kind,
                     subject_type=first.subject_type, subject_id=first.subject_id)
        for first in (group[0] for group in groups.values())
    ], ignore_conflicts=True, batch_size=500)
    events = []
    for holder in sorted(later, key=lambda h: h.order):
        name = office_short_name(holder.office)
        try:
            before, after = pattern_parts(holder.pattern, office_name=name, year=holder.year)
        except PatternError:
            before, after = pattern_parts(DEFAULT_NUMBER_PATTERN, office_name=name, year=holder.year)
        new = draw_number(NumberSequence, IssuedNumber, office_id=holder.office.pk, year=holder.year, before=before,
                          after=after, kind=holder.kind, subject_type=holder.subject_type,
                          subject_id=holder.subject_id, replaces=holder.number)
        if holder.subject_type == RECTIFICATION:
            Rectification.objects.filter(pk=holder.subject_id).update(number=new)
            Document.objects.filter(subject_type=RECTIFICATION, subject_id=holder.subject_id,
                                    number=holder.number).update(number=new)
        Document.objects.filter(pk__in=holder.documents).update(number=new)
        if holder.subject_type == "evaluations.evaluation":
            Evaluation.objects.filter(pk=holder.subject_id, notice_number=holder.number).update(notice_number=new)
        events.append({"target": holder.target,
                       "target_repr": (new if holder.subject_type == RECTIFICATION else holder.target_repr)[:255],
                       "region_path": holder.office.region.path, "school_id": holder.school_id,
                       "changes": {"number": [holder.number, new]}})
    if events:
        _audit(apps, events)
    return len(later)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("documents", "0002_number_register"),
        ("evaluations", "0001_initial"),
        ("inspections", "0003_rectification_numbers_overdue_alerts"),
    ]

    operations = [
        migrations.RunPython(renumber_duplicates, migrations.RunPython.noop),
    ]
