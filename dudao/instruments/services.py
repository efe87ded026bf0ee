"""Writes on instruments: drafts, items, publishing (freezing) and the national data."""

from django.db import transaction
from django.utils import timezone

from dudao.instruments.models import Instrument, InstrumentVersion, Item
from dudao.instruments.national import ANSWER_OPTIONS, KINDERGARTEN_CHECKLIST, OTHER_ITEM, SCHOOL_CHECKLIST


@transaction.atomic
def ensure_national_instruments() -> list[Instrument]:
    """Creates the shipped national checklists once (idempotent; runs after every migrate and flush)."""
    created = []
    for spec, other_code in ((SCHOOL_CHECKLIST, OTHER_ITEM[0]), (KINDERGARTEN_CHECKLIST, "7")):
        if Instrument.objects.filter(office__isnull=True, code=spec["code"]).exists():
            continue
        instrument = Instrument.objects.create(
            office=None, code=spec["code"], name=spec["name"], kind=spec["kind"],
            audience=spec["audience"], source=spec["source"],
        )
        version = InstrumentVersion.objects.create(
            instrument=instrument, number=1, status=InstrumentVersion.Status.PUBLISHED,
            published_at=timezone.now(), notes="随平台发布",
        )
        Item.objects.bulk_create(
            [Item(version=version, position=i, code=code, text=text,
                  response_type=Item.ResponseType.SINGLE_CHOICE, options=ANSWER_OPTIONS)
             for i, (code, text) in enumerate(spec["items"], start=1)]
            + [Item(version=version, position=len(spec["items"]) + 1, code=other_code, text=OTHER_ITEM[1],
                    response_type=Item.ResponseType.TEXT)]
        )
        created.append(instrument)
    return created
