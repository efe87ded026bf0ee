"""Writes of instruments in the scope matrix (see ``dudao.core.testing.scope_matrix``): county A's
office retires a version of its own checklist; its inspectors and schools answer it, the city office
above reads it."""

from django.urls import reverse

from dudao.core.testing.scope_matrix import WriteCase, register_write
from dudao.instruments.services import version_retire
from dudao.instruments.tests.scope_cases import county_instrument

register_write(WriteCase(
    label="instruments.InstrumentVersion", name="retire", allowed=("office_admin",),
    row=lambda world: county_instrument(world, "a").versions.get(number=1),
    service=lambda user, version: version_retire(actor=user, version_id=version.pk, reason="停用"),
    api=lambda version: ("post", reverse("api:instruments-version-retire", args=[version.pk]), {"reason": "停用"}),
))
