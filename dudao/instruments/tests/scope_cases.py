"""Scope-matrix case of instruments (see ``dudao.core.testing.scope_matrix``): a county office's
instrument never reaches the neighbouring county. National and higher offices' instruments are
readable by every county; ``test_scope.py`` proves that side."""

from dudao.core.testing.scope_matrix import ScopeCase, register
from dudao.instruments import selectors
from dudao.instruments.models import Instrument, InstrumentVersion


def county_instrument(world, county: str) -> Instrument:
    office = getattr(world, county).office
    instrument, created = Instrument.objects.get_or_create(
        office=office, code=f"scope-{county}",
        defaults={"name": f"{office.region.name}本地检查表", "kind": Instrument.Kind.CHECKLIST},
    )
    if created:  # published, so every reader with the scope may see it (drafts are for editors only)
        InstrumentVersion.objects.create(instrument=instrument, number=1, status=InstrumentVersion.Status.PUBLISHED)
    return instrument


register(ScopeCase(
    label="instruments.Instrument",
    b_row=lambda world: county_instrument(world, "b"),
    a_row=lambda world: county_instrument(world, "a"),
    marker=lambda instrument: instrument.name,
    ui_list="instruments:instrument_list",
    ui_detail="instruments:instrument_detail",
    api_basename="instruments-instrument",
    selectors={"instrument_list": lambda user: selectors.instrument_list(user=user)},
))
