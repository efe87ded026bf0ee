"""Scoped reads of instruments shared by the pages, the API, the export and the apps that answer them."""

from django.db.models import Max, Q

from dudao.accounts.access import office_regions, offices_of, sees_everything
from dudao.instruments.models import Instrument, InstrumentVersion, Item
from dudao.instruments.scoring import ItemSpec
from dudao.organizations.models import Office

PUBLISHED = InstrumentVersion.Status.PUBLISHED
DRAFT = InstrumentVersion.Status.DRAFT


def instrument_list(*, user, action: str = "view"):
    """Instruments the user may ``action``, with their office and the numbers of their latest
    published version and of their draft (``latest_published_number``, ``draft_number``)."""
    return (
        Instrument.objects.for_user(user, action)
        .select_related("office__region")
        .annotate(
            latest_published_number=Max("versions__number", filter=Q(versions__status=PUBLISHED)),
            draft_number=Max("versions__number", filter=Q(versions__status=DRAFT)),
        )
    )


def instrument_get(*, user, instrument_id: int) -> Instrument:
    """One visible instrument (``DoesNotExist`` otherwise: 404)."""
    return Instrument.objects.for_user(user).select_related("office__region").get(pk=instrument_id)


def instrument_can_change(*, user, instrument) -> bool:
    return Instrument.objects.for_user(user, "change").filter(pk=instrument.pk).exists()


def version_list(*, user, instrument):
    """The versions of an instrument the user may see, newest first (drafts only for its editors)."""
    return (InstrumentVersion.objects.for_user(user).filter(instrument=instrument)
            .select_related("published_by", "based_on__instrument").order_by("-number"))


def version_get(*, user, version_id: int) -> InstrumentVersion:
    """One visible version with its instrument and office (``DoesNotExist`` otherwise: 404)."""
    return (InstrumentVersion.objects.for_user(user)
            .select_related("instrument__office__region", "published_by", "based_on__instrument")
            .get(pk=version_id))


def version_default(*, user, instrument) -> InstrumentVersion | None:
    """The version an instrument page opens on: the draft for its editors, else the latest published,
    else the newest version the user may see."""
    versions = list(version_list(user=user, instrument=instrument))
    for status in (DRAFT, PUBLISHED):
        for version in versions:
            if version.status == status:
                return version
    return versions[0] if versions else None


def tree_order(items: list[Item]) -> list[Item]:
    """Items in tree order — each parent before its children, siblings by position — with
    ``depth`` set (0 at the top level). Items whose parent is missing come last, at depth 0."""
    children: dict[int | None, list[Item]] = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)
    for siblings in children.values():
        siblings.sort(key=lambda i: (i.position, i.pk or 0))
    out: list[Item] = []
    seen: set[int] = set()

    def walk(parent_id, depth):
        for item in children.get(parent_id, []):
            if item.pk in seen:
                continue
            seen.add(item.pk)
            item.depth = depth
            out.append(item)
            walk(item.pk, depth + 1)

    walk(None, 0)
    for item in items:
        if item.pk not in seen:
            item.depth = 0
            out.append(item)
    return out


def version_items(*, version) -> list[Item]:
    """The items of a version (already read through the scope) in tree order, in one query."""
    return tree_order(list(Item.objects.filter(version=version)))  # scope: the version was read through for_user


def item_specs(*, version) -> list[ItemSpec]:
    """The version's items as ``scoring.ItemSpec`` values, in tree order, for validation and scoring."""
    items = version_items(version=version)
    codes = {item.pk: item.code for item in items}
    return [spec_of(item, codes.get(item.parent_id)) for item in items]


def spec_of(item: Item, parent_code: str | None = None) -> ItemSpec:
    return ItemSpec(
        code=item.code, response_type=item.response_type, parent=parent_code,
        options=tuple(item.options or ()), max_score=item.max_score, weight=item.weight,
        is_veto=item.is_veto, required=item.required, evidence_required=item.evidence_required,
    )


def authoring_offices(*, user):
    """The offices the user may own instruments for: their own office(s) where they may change
    instruments (every office for an unrestricted user)."""
    if not user.has_perm("instruments.add_instrument"):
        return Office.objects.none()
    qs = Office.objects.for_user(user, "view").select_related("region")
    if sees_everything(user):
        return qs.order_by("region__path")
    paths = Q(pk__in=[])
    for path in office_regions(user):
        paths |= Q(region__path=path)
    return qs.filter(paths, pk__in=sorted(offices_of(user))).order_by("region__path")
