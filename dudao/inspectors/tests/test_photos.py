"""An inspector's photo is read through the storage — a folder, or an S3-compatible object store
(``DUDAO_MEDIA_STORAGE=s3``) — and served by the application to whoever sees the inspector or a
school the inspector is listed at; pages never link to the storage itself."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image as PILImage

from dudao.core.testing.downloads import TokenClient, body
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.inspectors.signboards import signboard_generate
from dudao.inspectors.tests.test_signboards import BASE, docx_of, pictures

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def portrait() -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (60, 80), (20, 20, 200)).save(out, format="PNG")
    return out.getvalue()


def _photo_seen_by(client, user, inspector) -> int:
    client.force_login(user)
    return client.get(reverse("inspectors:inspector_photo", args=[inspector.pk])).status_code


@pytest.mark.parametrize("storage", ["filesystem", "s3"])
def test_the_photo_is_served_through_the_application_in_scope(world, client, request, storage):
    inspector, data = world.a.inspectors[0], portrait()  # listed at schools 1 and 3
    s3_media = request.getfixturevalue("s3_media") if storage == "s3" else None
    inspector.photo.save("zhang.png", ContentFile(data))
    if s3_media:
        assert s3_media.keys() == [inspector.photo.name] and s3_media.read(inspector.photo.name) == data
    address = reverse("inspectors:inspector_photo", args=[inspector.pk])

    client.force_login(world.a.users["office_admin"])
    page = client.get(reverse("inspectors:inspector_detail", args=[inspector.pk])).content.decode()
    assert f'src="{address}"' in page and "/media/" not in page
    response = client.get(address)
    assert response.status_code == 200 and body(response) == data
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"

    liaison = world.a.users["school_liaison"]  # of school 1, where the inspector is listed
    client.force_login(liaison)
    school_page = client.get(reverse("organizations:school_detail", args=[world.a.schools[0].pk])).content.decode()
    assert f'src="{address}"' in school_page
    assert _photo_seen_by(client, liaison, inspector) == 200
    assert _photo_seen_by(client, world.b.users["office_admin"], inspector) == 404  # another county
    assert _photo_seen_by(client, world.a.users["office_admin"], world.a.inspectors[1]) == 404  # no photo

    # the signboard printed for the school carries the photo read from the same storage
    document = signboard_generate(actor=fresh(world.a.users["office_admin"]), school_id=world.a.schools[2].pk,
                                  base_url=BASE, pdf=False)
    board = PILImage.open(io.BytesIO(pictures(docx_of(document))[0])).convert("RGB")
    red, green, blue = board.getpixel((board.width // 2, board.height // 2))
    assert red < 40 and green < 40 and blue > 180  # the blue portrait (resized), not the placeholder


def test_the_api_gives_the_photo_address_which_takes_the_token(world, s3_media):
    inspector, data = world.a.inspectors[0], portrait()
    inspector.photo.save("li.png", ContentFile(data))
    api = TokenClient(world.a.users["office_admin"])
    listed = api.get(reverse("api:inspectors-inspector-detail", args=[inspector.pk])).json()
    assert listed["photo"] == "http://testserver" + reverse("inspectors:inspector_photo", args=[inspector.pk])
    response = api.get(listed["photo"])
    assert response.status_code == 200 and body(response) == data
    assert api.get(reverse("api:inspectors-inspector-detail", args=[world.a.inspectors[1].pk])).json()["photo"] is None
