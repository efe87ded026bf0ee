"""Signboards (挂牌公示牌): a school's board from its current listing, the public page it links to,
and generating the boards as documents — one school, or every listed school of a list in one job.

The QR code of a board leads to ``<public base URL>/p/<school id>-<token>/``. The token is a short
signature of the school's id (``django.core.signing``, own salt): the public pages cannot be walked
by counting ids, and a forged token answers 404. Printed boards hang for years, so the key can be
kept apart from ``SECRET_KEY`` with ``DUDAO_PUBLIC_LINK_KEY``; ``SECRET_KEY_FALLBACKS`` keep old
boards working across a key rotation.
"""

import io
import zipfile

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from dudao.accounts.access import acts_for_office
from dudao.documents.models import Document
from dudao.documents.render import PdfUnavailable, cn_date
from dudao.documents.services import document_generate, documents_generate_many
from dudao.inspectors.documents import BOARD_TITLE, KIND, board_texts, photo_image, qr_image
from dudao.inspectors.models import Listing
from dudao.jobs.services import JobFailed, job_start
from dudao.organizations.models import Office, School
from dudao.organizations.selectors import office_for_user, office_of_school, schools_listed

TOKEN_SALT = "dudao.inspectors.public-school"
TOKEN_LENGTH = 16  # 96 bits of the HMAC-SHA256: short enough for a small QR code
JOB_KIND = "inspectors.signboards"


# ---- the public page's address -------------------------------------------------------------------

def _keys() -> list[str]:
    own = getattr(settings, "DUDAO_PUBLIC_LINK_KEY", "")
    return [own] if own else [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def _token(school_id: int, key: str) -> str:
    return signing.Signer(key=key, salt=TOKEN_SALT, algorithm="sha256").signature(str(school_id))[:TOKEN_LENGTH]


def public_token(school_id: int) -> str:
    return _token(school_id, _keys()[0])


def public_token_valid(school_id: int, token: str) -> bool:
    return any(constant_time_compare(_token(school_id, key), token) for key in _keys())


def public_base_url(request: HttpRequest | None = None) -> str:
    """``DUDAO_PUBLIC_BASE_URL``; when empty, this site's address from the request (or, without
    one, from the first named host in ``ALLOWED_HOSTS``)."""
    base = (settings.DUDAO_PUBLIC_BASE_URL or "").strip().rstrip("/")
    if base:
        return base
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    hosts = [h.lstrip(".") for h in settings.ALLOWED_HOSTS if h not in ("*", "")]
    scheme = "http" if settings.DEBUG else "https"
    return f"{scheme}://{hosts[0] if hosts else 'localhost'}"


def public_url(school_id: int, base_url: str) -> str:
    path = reverse("public:school", args=[school_id, public_token(school_id)])
    return base_url.rstrip("/") + path


# ---- boards --------------------------------------------------------------------------------------

def _photo_bytes(inspector) -> bytes | None:
    if not inspector.photo:
        return None
    try:
        with inspector.photo.open("rb") as handle:
            return handle.read()
    except OSError:  # the file is gone from storage: the board shows the placeholder
        return None


class _Offices:
    """The school's own office, looked up once per region."""

    def __init__(self):
        self._by_region: dict[int, Office | None] = {}

    def of(self, school) -> Office | None:
        if school.region_id not in self._by_region:
            self._by_region[school.region_id] = office_of_school(school)
        return self._by_region[school.region_id]


def board(school, listing, office, base_url: str, photos: dict | None = None) -> dict:
    """The context of one board: the school, its listed inspector, the office and the QR code."""
    inspector = listing.inspector
    photos = photos if photos is not None else {}
    if inspector.pk not in photos:
        photos[inspector.pk] = photo_image(_photo_bytes(inspector))
    url = public_url(school.pk, base_url)
    office = office or inspector.office
    return {
        "school": {"name": school.name, "code": school.code, "kind": str(school.get_kind_display())},
        "inspector": {"name": inspector.name, "phone": inspector.phone, "email": inspector.email,
                      "certificate_no": inspector.certificate_no},
        "photo": photos[inspector.pk],
        "office": {"name": office.name, "hotline": office.hotline, "email": office.email},
        "url": url,
        "qr": qr_image(url),
        **board_texts(school),
    }


def _current_listings(school_ids, on=None) -> dict[int, Listing]:
    listings = (Listing.objects.current(on).filter(school_id__in=school_ids)
                .select_related("inspector__office"))
    return {listing.school_id: listing for listing in listings}


# ---- generating ----------------------------------------------------------------------------------

def signboard_generate(*, actor, school_id: int, base_url: str, pdf: bool = True) -> Document:
    """Files the signboard of one school (in the actor's scope, else 404) as a .docx and PDF
    (the .docx alone when ``pdf`` is false or LibreOffice is not available)."""
    school = School.objects.for_user(actor).select_related("region").get(pk=school_id)
    if not actor.has_perm("documents.add_document"):
        raise PermissionDenied
    listing = _current_listings([school.pk]).get(school.pk)
    if listing is None:
        raise ValidationError(_("No inspector is listed at this school."))
    office = office_of_school(school) or listing.inspector.office
    today = timezone.localdate()
    context = {"boards": [board(school, listing, office, base_url)], "date": cn_date(today)}
    item = {"actor": actor, "kind": KIND, "context": context, "office": office, "title": f"{school.name}{BOARD_TITLE}",
            "school": school, "inspector": listing.inspector, "date": today, "subject": school}
    try:
        return document_generate(**item, pdf=pdf)
    except PdfUnavailable:  # no LibreOffice here: the editable .docx is filed all the same
        return document_generate(**item, pdf=False)


def signboards_batch_start(*, actor, query: str, base_url: str):
    """Starts the job that files one document with the boards of every listed school of the
    school list filtered by ``query`` (the list's own query string), one board per page."""
    if not (acts_for_office(actor) and actor.has_perm("documents.add_document")):
        raise PermissionDenied
    return job_start(actor=actor, kind=JOB_KIND, title=_("Signboards for all listed schools"),
                     params={"query": query, "base_url": base_url})


def run_signboards_job(job, progress) -> None:
    user = get_user_model().objects.get(pk=job.created_by_id)
    if not (acts_for_office(user) and user.has_perm("documents.add_document")):
        raise JobFailed(_("You may not generate documents."))
    schools = list(schools_listed(user=user, params=QueryDict(job.params.get("query", ""))).select_related("region"))
    listings = _current_listings([s.pk for s in schools])
    schools = [s for s in schools if s.pk in listings]
    if not schools:
        raise JobFailed(_("None of the selected schools has a listed inspector."))
    total = len(schools) + 1  # the boards, then the one document (rendering and PDF)
    progress(0, total)
    offices, photos, boards = _Offices(), {}, []
    for index, school in enumerate(schools, start=1):
        boards.append(board(school, listings[school.pk], offices.of(school), job.params["base_url"], photos))
        if index % 20 == 0:
            progress(index, total)
    progress(len(schools), total)
    office = office_for_user(user=user) or offices.of(schools[0]) or listings[schools[0].pk].inspector.office
    today = timezone.localdate()
    title = f"{office.region.name}责任督学挂牌公示牌（{len(schools)}所）"
    document = documents_generate_many(actor=user, items=[{
        "kind": KIND, "context": {"boards": boards, "date": cn_date(today)}, "office": office, "title": title,
        "date": today, "subject": office,
    }], pdf=True)[0]

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        for fmt, field in (("docx", document.docx), ("pdf", document.pdf)):
            if field:
                with field.open("rb") as handle:
                    bundle.writestr(f"{title}.{fmt}", handle.read())
    job.result_file.save(f"signboards-{today:%Y%m%d}.zip", ContentFile(out.getvalue()), save=False)
    job.message = _("{count} signboards in one document: {title}").format(count=len(schools), title=title)
    job.params = {**job.params, "document": document.pk}
    job.save(update_fields=["result_file", "message", "params"])
    progress(total, total)
