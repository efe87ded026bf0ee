"""A real S3-compatible object store for the tests of ``DUDAO_MEDIA_STORAGE=s3``.

``s3_server`` (once per run) starts moto's S3 server on a free loopback port, in a thread of the
test process: a real HTTP endpoint spoken to by boto3, as MinIO or Ceph would be. ``s3_media`` gives
one test a new, empty bucket and points ``STORAGES["default"]`` at it, with the options the
settings build from the ``DUDAO_S3_…`` variables; it returns an ``S3Media`` to look into the bucket
behind the platform's back and the variables a new ``dudao`` process needs to use it. Loaded with
``-p dudao.core.testing.s3`` (pyproject ``addopts``); boto3 and moto are imported only when used.
"""

from __future__ import annotations

import logging
import socket
import uuid
from dataclasses import dataclass

import pytest

ACCESS_KEY, SECRET_KEY, REGION = "dudao-test", "dudao-test-secret", "us-east-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class S3Media:
    endpoint: str
    bucket: str

    def client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id=ACCESS_KEY,
                            aws_secret_access_key=SECRET_KEY, region_name=REGION)

    def keys(self, bucket: str | None = None) -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket or self.bucket)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def read(self, key: str, bucket: str | None = None) -> bytes:
        return self.client().get_object(Bucket=bucket or self.bucket, Key=key)["Body"].read()

    def new_bucket(self) -> str:
        name = f"dudao-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def environment(self, bucket: str | None = None) -> dict[str, str]:
        """The settings' variables for a ``dudao`` process storing its files in ``bucket``."""
        return {"DUDAO_MEDIA_STORAGE": "s3", "DUDAO_S3_BUCKET": bucket or self.bucket,
                "DUDAO_S3_ENDPOINT_URL": self.endpoint, "DUDAO_S3_ACCESS_KEY": ACCESS_KEY,
                "DUDAO_S3_SECRET_KEY": SECRET_KEY, "DUDAO_S3_REGION": REGION}


def storage_options(endpoint: str, bucket: str) -> dict:
    """``STORAGES["default"]`` as ``dudao.settings`` builds it for these variables."""
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": bucket, "endpoint_url": endpoint, "access_key": ACCESS_KEY, "secret_key": SECRET_KEY,
        "region_name": REGION, "addressing_style": "path", "location": "", "file_overwrite": False,
        "default_acl": None, "querystring_auth": True, "verify": None}}


@pytest.fixture(scope="session")
def s3_server():
    """The endpoint of a running S3-compatible server (moto), stopped at the end of the run."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_media(s3_server, settings, monkeypatch):
    """The test's stored files go to a new bucket of the S3 server (see the module)."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    media = S3Media(s3_server, "")
    media = S3Media(s3_server, media.new_bucket())
    settings.STORAGES = {**settings.STORAGES, "default": storage_options(s3_server, media.bucket)}
    settings.DUDAO_MEDIA_STORAGE = "s3"
    return media
