"""Writes on instruments: creating and copying, drafts and their items, publishing (freezing).

**Frozen versions.** A published or retired version never changes, because answers point at it.
Every item service (and the import) opens the version through ``_draft_for_edit``, which refuses a
frozen one with ``VersionFrozen``. That exception is a ``ValidationError`` (forms and callers that
catch validation errors get its clear message) and also a ``TransitionNotAllowed``, so the shared
error mapping answers **409 Conflict** in the API and the 409 page in the UI: the request was
well formed, the version is in the wrong state. ``DraftExists`` works the same way for a second
draft. Invalid content (a bad item, an unpublishable tree) is a plain ``ValidationError`` → 400.

Order of checks in every service: invisible → ``DoesNotExist`` (404); visible but not the actor's
to change → ``PermissionDenied`` (403); frozen → ``VersionFrozen`` (409); bad data → 400.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.audit.services import diff, record, snapshot
from dudao.core.workflow import TransitionNotAllowed, apply_transition
from dudao.instruments.models import Instrument, InstrumentVersion, Item
from dudao.instruments.national import ANSWER_OPTIONS, KINDERGARTEN_CHECKLIST, OTHER_ITEM, SCHOOL_CHECKLIST
from dudao.instruments.scoring import CHOICE_TYPES, SCORED_TYPES
from dudao.instruments.selectors import tree_order

ITEM_FIELDS = ("code", "text", "criteria", "response_type", "options", "max_score", "weight", "is_veto",
               "evidence_required", "required")
INSTRUMENT_FIELDS = ("name", "kind", "audience", "description", "source")


class VersionFrozen(TransitionNotAllowed, ValidationError):
    """A published or retired version cannot change (a ValidationError answered with 409)."""

    def __init__(self, version):
        ValidationError.__init__(
            self, _("Version {number} is {status} and frozen; create a new draft to change it.").format(
                number=version.number, status=version.get_status_display()),
            code="frozen",
        )

    def __str__(self) -> str:
        return self.messages[0]


class DraftExists(TransitionNotAllowed, ValidationError):
    """The instrument already has a draft; only one at a time (a ValidationError answered with 409)."""

    def __init__(self, draft):
        ValidationError.__init__(
            self, _("Version {number} is already a draft; edit or publish it first.").format(number=draft.number),
            code="draft_exists",
        )

    def __str__(self) -> str:
        return self.messages[0]


# ---- national data --------------------------------------------------------------------------------

@transaction.atomic
def shipped_version(*, code: str, notes: str = "随平台发布", **fields) -> InstrumentVersion | None:
    """Version 1, published, of the shipped (national) instrument ``code`` with ``fields``, made once:
    ``None`` when the instrument exists already (shipped data is ensured after every migrate and flush)."""
    if Instrument.objects.filter(office__isnull=True, code=code).exists():
        return None
    instrument = Instrument.objects.create(office=None, code=code, **fields)
    return InstrumentVersion.objects.create(instrument=instrument, number=1, status=InstrumentVersion.Status.PUBLISHED,
                                            published_at=timezone.now(), notes=notes)


def ensure_national_instruments() -> list[Instrument]:
    """Creates the shipped national checklists once (idempotent; runs after every migrate and flush)."""
    created = []
    for spec, other_code in ((SCHOOL_CHECKLIST, OTHER_ITEM[0]), (KINDERGARTEN_CHECKLIST, "7")):
        version = shipped_version(code=spec["code"], name=spec["name"], kind=spec["kind"], audience=spec["audience"],
                                  source=spec["source"])
        if version is None:
            continue
        Item.objects.bulk_create(
            [Item(version=version, position=i, code=code, text=text,
                  response_type=Item.ResponseType.SINGLE_CHOICE, options=ANSWER_OPTIONS)
             for i, (code, text) in enumerate(spec["items"], start=1)]
            + [Item(version=version, position=len(spec["items"]) + 1, code=other_code, text=OTHER_ITEM[1],
                    response_type=Item.ResponseType.TEXT)]
        )
        created.append(version.instrument)
    return created


# ---- access helpers -------------------------------------------------------------------------------

def _require_change(actor, model, pk) -> None:
    if not model.objects.for_user(actor, "change").filter(pk=pk).exists():
        raise PermissionDenied


def _instrument_for_change(actor, instrument_id) -> Instrument:
    instrument = (Instrument.objects.for_user(actor, "view").select_related("office__region")
                  .get(pk=instrument_id))  # invisible -> DoesNotExist -> 404
    _require_change(actor, Instrument, instrument.pk)
    return instrument


def _version_for_change(actor, version_id) -> InstrumentVersion:
    version = (InstrumentVersion.objects.for_user(actor, "view").select_for_update(of=("self",))
               .select_related("instrument__office__region").get(pk=version_id))
    _require_change(actor, InstrumentVersion, version.pk)
    return version


def _draft_for_edit(actor, version_id) -> InstrumentVersion:
    """The version, locked, if the actor may change it and it is still a draft."""
    version = _version_for_change(actor, version_id)
    if version.is_frozen:
        raise VersionFrozen(version)
    return version


def _item_for_edit(actor, item_id) -> tuple[Item, InstrumentVersion]:
    item = Item.objects.for_user(actor, "view").get(pk=item_id)
    version = _draft_for_edit(actor, item.version_id)
    return item, version


def _next_number(instrument) -> int:
    return (instrument.versions.aggregate(n=Max("number"))["n"] or 0) + 1


def _unique_code(office, code: str) -> str:
    taken = set(Instrument.objects.filter(office=office, code__startswith=code).values_list("code", flat=True))
    if code not in taken:
        return code
    n = 2
    while f"{code[:60]}-{n}" in taken:
        n += 1
    return f"{code[:60]}-{n}"


# ---- instruments ----------------------------------------------------------------------------------

@transaction.atomic
def instrument_create(*, actor, office, code: str, name: str, kind: str, audience: str = Instrument.Audience.SCHOOLS,
                      description: str = "", source: str = "", reason: str = "") -> Instrument:
    """Creates an office's instrument with an empty draft version 1.

    ``office=None`` makes a national instrument, which only unrestricted users may change.
    """
    if not actor.has_perm("instruments.add_instrument"):
        raise PermissionDenied
    instrument = Instrument(office=office, code=code, name=name, kind=kind, audience=audience,
                            description=description, source=source)
    instrument.full_clean()
    instrument.save()
    _require_change(actor, Instrument, instrument.pk)  # an office outside the actor's scope: roll back
    InstrumentVersion.objects.create(instrument=instrument, number=1)
    record(actor=actor, action="instruments.instrument.create", target=instrument,
           changes=diff({}, snapshot(instrument)), reason=reason)
    return instrument


@transaction.atomic
def instrument_update(*, actor, instrument_id: int, reason: str = "", **fields) -> Instrument:
    """Changes an instrument's name, kind, audience, description or source (never its office or code)."""
    unknown = set(fields) - set(INSTRUMENT_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: {fields}.").format(fields=", ".join(sorted(unknown))))
    instrument = _instrument_for_change(actor, instrument_id)
    before = snapshot(instrument, fields)
    for key, value in fields.items():
        setattr(instrument, key, value)
    instrument.full_clean()
    instrument.save(update_fields=[*fields, "updated_at"])
    changes = diff(before, snapshot(instrument, fields))
    if changes:
        record(actor=actor, action="instruments.instrument.update", target=instrument, changes=changes, reason=reason)
    return instrument


@transaction.atomic
def instrument_copy(*, actor, source_version_id: int, office, code: str | None = None, name: str | None = None,
                    reason: str = "") -> Instrument:
    """Copies a visible version into a new instrument of ``office`` as its draft version 1.

    This is how an office makes its local version of a national list (or a higher office's):
    copy, edit the draft, publish. The draft records the version it was ``based_on``.
    """
    if not actor.has_perm("instruments.add_instrument"):
        raise PermissionDenied
    source = (InstrumentVersion.objects.for_user(actor, "view").select_related("instrument")
              .get(pk=source_version_id))
    origin = source.instrument
    code = code or _unique_code(office, origin.code)
    instrument = Instrument(office=office, code=code, name=name or origin.name, kind=origin.kind,
                            audience=origin.audience, description=origin.description, source=origin.source)
    instrument.full_clean()
    instrument.save()
    _require_change(actor, Instrument, instrument.pk)
    version = InstrumentVersion.objects.create(instrument=instrument, number=1, based_on=source)
    count = _copy_items(source, version)
    record(actor=actor, action="instruments.instrument.copy", target=instrument,
           changes={**diff({}, snapshot(instrument)), "based_on": [None, str(source)], "items": [0, count]},
           reason=reason)
    return instrument


def _copy_items(source: InstrumentVersion, target: InstrumentVersion) -> int:
    """Copies the item tree of ``source`` into ``target``; returns the number of items."""
    rows = [
        {**{f: getattr(item, f) for f in ITEM_FIELDS}, "parent": parent_code, "position": item.position}
        for item, parent_code in _with_parent_codes(source)
    ]
    return _write_rows(target, rows)


def _with_parent_codes(version) -> list[tuple[Item, str | None]]:
    items = tree_order(list(Item.objects.filter(version=version)))
    codes = {item.pk: item.code for item in items}
    return [(item, codes.get(item.parent_id)) for item in items]


def _write_rows(version: InstrumentVersion, rows: list[dict]) -> int:
    """Creates items from rows in tree order (a parent before its children); ``parent`` is a code.

    Siblings are numbered 1, 2, … in row order. Rows are validated already (import, copy).
    """
    by_code: dict[str, Item] = {}
    counters: dict[str | None, int] = {}
    for row in rows:
        parent_code = row.get("parent") or None
        counters[parent_code] = counters.get(parent_code, 0) + 1
        item = Item(version=version, parent=by_code[parent_code] if parent_code else None,
                    position=counters[parent_code], **{f: row[f] for f in ITEM_FIELDS if f in row})
        item.save()
        by_code[item.code] = item
    return len(rows)


# ---- versions -------------------------------------------------------------------------------------

@transaction.atomic
def version_new_draft(*, actor, instrument_id: int, reason: str = "") -> InstrumentVersion:
    """Starts the next version as a draft, copying the items of the latest published version.

    Without a published version it copies the latest version there is (retired), or starts empty.
    Only one draft at a time: a second one raises ``DraftExists`` (409).
    """
    instrument = _instrument_for_change(actor, instrument_id)
    Instrument.objects.select_for_update().filter(pk=instrument.pk).first()  # serialise drafts of one instrument
    draft = instrument.versions.filter(status=InstrumentVersion.Status.DRAFT).first()
    if draft is not None:
        raise DraftExists(draft)
    source = instrument.latest_published() or instrument.versions.order_by("-number").first()
    version = InstrumentVersion.objects.create(instrument=instrument, number=_next_number(instrument), based_on=source)
    count = _copy_items(source, version) if source else 0
    record(actor=actor, action="instruments.version.create", target=version,
           changes={"number": [None, version.number], "based_on": [None, str(source) if source else None],
                    "items": [0, count]}, reason=reason)
    return version


@transaction.atomic
def version_discard(*, actor, version_id: int, reason: str = "") -> Instrument:
    """Deletes a draft with its items (never a published or retired version)."""
    version = _draft_for_edit(actor, version_id)
    instrument = version.instrument
    record(actor=actor, action="instruments.version.delete", target=version,
           changes={"number": [version.number, None], "items": [version.items.count(), 0]}, reason=reason)
    version.delete()
    return instrument


def publish_problems(items: list[Item]) -> list[str]:
    """Why a version's item tree cannot be published (an empty list when it can).

    At least one answerable item; codes unique; choice and rating items list their options; score
    items have a maximum; every item is valid on its own; sections hold at least one item.
    """
    problems: list[str] = []
    if not any(not item.is_section for item in items):
        problems.append(_("Add at least one item that takes an answer."))
    seen: set[str] = set()
    parents = {item.parent_id for item in items}
    for item in items:
        label = _("Item {code}").format(code=item.code)
        if item.code in seen:
            problems.append(_("{item}: the code is used twice.").format(item=label))
        seen.add(item.code)
        if item.response_type in CHOICE_TYPES and not item.options:
            problems.append(_("{item}: list the options.").format(item=label))
        if item.response_type == Item.ResponseType.SCORE and item.max_score is None:
            problems.append(_("{item}: a score item needs a maximum.").format(item=label))
        if item.is_section and item.pk not in parents:
            problems.append(_("{item}: the section holds no items.").format(item=label))
        try:
            check_item(item)
        except ValidationError as exc:
            problems.extend(f"{label}: {m}" for m in exc.messages)
    return list(dict.fromkeys(problems))


@transaction.atomic
def version_publish(*, actor, version_id: int, reason: str = "") -> InstrumentVersion:
    """Publishes a draft: from now on it is frozen and can be answered.

    Earlier published versions stay published (answers given against them keep their version);
    consumers start new work on ``Instrument.latest_published()``. An invalid tree raises a
    ``ValidationError`` listing every problem, and nothing changes.
    """
    version = _version_for_change(actor, version_id)
    change = apply_transition(version, "publish", actor=actor)  # wrong state 409, not allowed 403
    problems = publish_problems(list(version.items.all()))
    if problems:
        raise ValidationError(problems)  # rolls the transition back
    version.published_at = timezone.now()
    version.published_by = actor
    version.save(update_fields=["published_at", "published_by", "updated_at"])
    record(actor=actor, action="instruments.version.publish", target=version, changes=change, reason=reason)
    return version


@transaction.atomic
def version_retire(*, actor, version_id: int, reason: str = "") -> InstrumentVersion:
    """Retires a published version: no new work starts on it; answers given against it stay."""
    version = _version_for_change(actor, version_id)
    change = apply_transition(version, "retire", actor=actor)
    record(actor=actor, action="instruments.version.retire", target=version, changes=change, reason=reason)
    return version


VERSION_TRANSITION_SERVICES = {"publish": version_publish, "retire": version_retire}


# ---- items ----------------------------------------------------------------------------------------

def clean_options(value) -> list[str]:
    """Options from a list or a ``a | b`` (also full-width ｜) or one-per-line string: trimmed,
    empty ones dropped."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = value.replace("\r", "").replace("\n", "|").replace("｜", "|").split("|")
    if not isinstance(value, (list, tuple)):
        raise ValidationError({"options": _("List the options separated by |.")})
    return [str(v).strip() for v in value if str(v).strip()]


def clean_decimal(value, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError({field: _("Enter a number.")})
    if not number.is_finite():
        raise ValidationError({field: _("Enter a number.")})
    return number


def check_item(item: Item) -> None:
    """Rules of one item beyond the model's: options only on choice types, maxima only on scored
    types, distinct options, a non-negative maximum."""
    errors: dict[str, list[str]] = {}
    if item.options and item.response_type not in CHOICE_TYPES:
        errors["options"] = [_("Only choice and rating items have options.")]
    if len(set(item.options or [])) != len(item.options or []):
        errors["options"] = [_("An option is listed twice.")]
    if item.response_type == Item.ResponseType.RATING and len(item.options or []) == 1:
        errors["options"] = [_("A rating scale needs at least two labels, from low to high.")]
    if item.max_score is not None and item.response_type not in SCORED_TYPES:
        errors["max_score"] = [_("Only yes/no, rating and score items have a maximum.")]
    if item.max_score is not None and item.max_score < 0:
        errors["max_score"] = [_("The maximum cannot be negative.")]
    if errors:
        raise ValidationError(errors)
    item.clean()


def _apply_fields(item: Item, fields: dict) -> None:
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown item fields: {fields}.").format(fields=", ".join(sorted(unknown))))
    for key, value in fields.items():
        if key == "options":
            value = clean_options(value)
        elif key in ("max_score", "weight"):
            value = clean_decimal(value, key)
        elif key in ("code", "text", "criteria"):
            value = (value or "").strip()
        setattr(item, key, value)


def _validate_item(item: Item) -> None:
    check_item(item)
    item.full_clean(exclude=["parent"])
    if item.pk and not item.is_section and item.children.exists():
        raise ValidationError({"response_type": _("Only a section can hold items; move its items out first.")})


def _parent_in(version, parent_id) -> Item | None:
    if parent_id in (None, ""):
        return None
    parent = Item.objects.filter(version=version, pk=parent_id).first()
    if parent is None:
        raise ValidationError({"parent": _("The parent is not an item of this version.")})
    if not parent.is_section:
        raise ValidationError({"parent": _("Items can only be placed in a section.")})
    return parent


def _renumber(ordered: list[Item]) -> None:
    """Numbers siblings 1, 2, … in the given order, saving only those that change."""
    for position, sibling in enumerate(ordered, start=1):
        if sibling.position != position:
            sibling.position = position
            sibling.save(update_fields=["position"])


def _siblings(version, parent_id, exclude=None) -> list[Item]:
    qs = Item.objects.filter(version=version, parent_id=parent_id).order_by("position", "pk")
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs)


@transaction.atomic
def item_add(*, actor, version_id: int, parent_id: int | None = None, index: int | None = None,
             reason: str = "", **fields) -> Item:
    """Adds an item to a draft, under the section ``parent_id`` (the top level when None), at the
    sibling ``index`` (0-based; the end when None)."""
    version = _draft_for_edit(actor, version_id)
    parent = _parent_in(version, parent_id)
    item = Item(version=version, parent=parent)
    _apply_fields(item, fields)
    _validate_item(item)
    siblings = _siblings(version, item.parent_id)
    item.position = len(siblings) + 1
    item.save()
    if index is not None:
        siblings.insert(max(0, min(index, len(siblings))), item)
        _renumber(siblings)
    record(actor=actor, action="instruments.item.create", target=item,
           changes=diff({}, snapshot(item, ITEM_FIELDS)), reason=reason)
    return item


@transaction.atomic
def item_update(*, actor, item_id: int, reason: str = "", **fields) -> Item:
    """Changes an item of a draft (its text, type, options, maximum, weight, criteria and flags)."""
    item, _version = _item_for_edit(actor, item_id)
    before = snapshot(item, ITEM_FIELDS)
    _apply_fields(item, fields)
    _validate_item(item)
    if fields:
        item.save(update_fields=list(fields))
    changes = diff(before, snapshot(item, ITEM_FIELDS))
    if changes:
        record(actor=actor, action="instruments.item.update", target=item, changes=changes, reason=reason)
    return item


@transaction.atomic
def item_delete(*, actor, item_id: int, reason: str = "") -> None:
    """Deletes an item of a draft with everything under it, and closes the gap among its siblings."""
    item, version = _item_for_edit(actor, item_id)
    below = _descendant_ids(version, item)
    record(actor=actor, action="instruments.item.delete", target=item,
           changes={**{k: [v, None] for k, v in snapshot(item, ITEM_FIELDS).items()},
                    "items": [len(below) + 1, 0]}, reason=reason)
    parent_id = item.parent_id
    item.delete()
    _renumber(_siblings(version, parent_id))


def _descendant_ids(version, item) -> set[int]:
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Item.objects.filter(version=version).values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    out: set[int] = set()
    stack = list(children.get(item.pk, []))
    while stack:
        pk = stack.pop()
        out.add(pk)
        stack.extend(children.get(pk, []))
    return out


@transaction.atomic
def item_move(*, actor, item_id: int, parent_id: int | None, index: int | None = None, reason: str = "") -> Item:
    """Moves an item of a draft under the section ``parent_id`` (None: the top level) to the sibling
    ``index`` (0-based; None: the end). An item cannot move into itself or below itself."""
    item, version = _item_for_edit(actor, item_id)
    parent = _parent_in(version, parent_id)
    if parent is not None and (parent.pk == item.pk or parent.pk in _descendant_ids(version, item)):
        raise ValidationError({"parent": _("An item cannot be moved into itself or one of its own items.")})
    old_parent_id, old_position = item.parent_id, item.position
    new_parent_id = parent.pk if parent else None
    siblings = _siblings(version, new_parent_id, exclude=item)
    index = len(siblings) if index is None else max(0, min(index, len(siblings)))
    siblings.insert(index, item)
    if new_parent_id != old_parent_id:
        item.parent = parent
        item.save(update_fields=["parent"])
        _renumber(_siblings(version, old_parent_id, exclude=item))
    _renumber(siblings)
    item.refresh_from_db()
    if (old_parent_id, old_position) != (item.parent_id, item.position):
        record(actor=actor, action="instruments.item.move", target=item,
               changes={"parent": [old_parent_id, item.parent_id], "position": [old_position, item.position]},
               reason=reason)
    return item


# ---- import ---------------------------------------------------------------------------------------

@transaction.atomic
def version_import(*, actor, instrument_id: int, rows: list[dict], reason: str = "") -> InstrumentVersion:
    """Writes validated rows (see ``imports.InstrumentImporter``) as a new draft of an instrument.

    Only one draft at a time: an instrument that has one raises ``DraftExists`` (409).
    """
    instrument = _instrument_for_change(actor, instrument_id)
    Instrument.objects.select_for_update().filter(pk=instrument.pk).first()
    draft = instrument.versions.filter(status=InstrumentVersion.Status.DRAFT).first()
    if draft is not None:
        raise DraftExists(draft)
    version = InstrumentVersion.objects.create(instrument=instrument, number=_next_number(instrument),
                                               notes=_("Imported from Excel"))
    count = _write_rows(version, rows)
    record(actor=actor, action="instruments.version.import", target=version,
           changes={"number": [None, version.number], "items": [0, count]}, reason=reason or _("Excel import"))
    return version


@transaction.atomic
def instrument_import(*, actor, office, code: str, name: str, kind: str, audience: str, rows: list[dict],
                      description: str = "", source: str = "", reason: str = "") -> Instrument:
    """Creates an office's instrument whose draft version 1 holds the validated rows."""
    instrument = instrument_create(actor=actor, office=office, code=code, name=name, kind=kind, audience=audience,
                                   description=description, source=source, reason=reason)
    version = instrument.versions.get()
    version.notes = _("Imported from Excel")
    version.save(update_fields=["notes", "updated_at"])
    count = _write_rows(version, rows)
    record(actor=actor, action="instruments.version.import", target=version,
           changes={"number": [None, version.number], "items": [0, count]}, reason=reason or _("Excel import"))
    return instrument
