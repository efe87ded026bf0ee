"""With ``DUDAO_MEDIA_STORAGE=s3`` an evidence file uploaded through the API lands as a private
object in the bucket of a real S3-compatible server (a visit photo with its stamped copy), and comes
back through the checked download byte for byte; an object altered in the bucket is refused."""

import hashlib

import pytest
from django.urls import reverse

from dudao.core.testing.downloads import TokenClient, body
from dudao.core.testing.world import world_rolled_back
from dudao.inspections.models import Attachment
from dudao.inspections.tests.rectification_fixtures import user
from dudao.inspections.tests.visit_fixtures import png_bytes, record_visit, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def _uploaded(world, data: bytes) -> tuple[TokenClient, dict]:
    visit = record_visit(user(world, "inspector"), world.a.schools[0])
    api = TokenClient(world.a.users["inspector"])
    response = api.post(reverse("api:inspections-visit-attachments", args=[visit.pk]),
                        {"file": upload("校门照片.png", data)})
    assert response.status_code == 201, response.content
    return api, response.json()


def test_an_uploaded_photo_is_an_object_in_the_bucket_and_downloads_byte_for_byte(world, s3_media):
    data = png_bytes(size=(40, 30), color="blue")
    api, listed = _uploaded(world, data)
    attachment = Attachment.objects.get(pk=listed["id"])
    assert sorted(s3_media.keys()) == sorted([attachment.file.name, attachment.stamped.name])
    assert s3_media.read(attachment.file.name) == data
    stamped = s3_media.read(attachment.stamped.name)
    assert stamped.startswith(b"\xff\xd8") and hashlib.sha256(stamped).hexdigest() == attachment.stamped_sha256
    acl = s3_media.client().get_object_acl(Bucket=s3_media.bucket, Key=attachment.file.name)
    assert [g["Grantee"].get("URI") for g in acl["Grants"] if g["Grantee"].get("Type") == "Group"] == []  # private

    response = api.get(listed["download_url"])
    assert response.status_code == 200
    assert body(response) == data
    assert hashlib.sha256(data).hexdigest() == attachment.sha256 == listed["sha256"]


def test_the_same_name_twice_keeps_both_objects(world, s3_media):
    first = Attachment.objects.get(pk=_uploaded(world, png_bytes(color="red"))[1]["id"])
    second = Attachment.objects.get(pk=_uploaded(world, png_bytes(color="green"))[1]["id"])
    names = [first.file.name, first.stamped.name, second.file.name, second.stamped.name]
    assert len(set(names)) == 4 and sorted(s3_media.keys()) == sorted(names)  # never overwritten


def test_an_object_altered_in_the_bucket_is_refused(world, s3_media):
    api, listed = _uploaded(world, png_bytes(color="yellow"))
    key = Attachment.objects.get(pk=listed["id"]).file.name
    s3_media.client().put_object(Bucket=s3_media.bucket, Key=key, Body=b"not the photo")
    assert api.get(listed["download_url"]).status_code == 409
    s3_media.client().delete_object(Bucket=s3_media.bucket, Key=key)
    assert api.get(listed["download_url"]).status_code == 410
