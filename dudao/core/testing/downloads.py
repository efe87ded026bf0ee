"""An API client with no browser session: its token from ``POST /api/v1/auth/token/``, then the file
addresses of the API's answers followed with ``Authorization: Token …`` only."""

import hashlib

from django.test import Client
from django.urls import reverse

from dudao.core.testing.factories import PASSWORD


class TokenClient:
    """A client that signs in the way an API client does, never with a session cookie."""

    def __init__(self, user, password: str = PASSWORD):
        response = Client().post(reverse("api:token"), {"username": user.username, "password": password})
        assert response.status_code == 200, response.content
        self.token = response.json()["token"]
        self.client = Client()

    def get(self, url: str, **params):
        response = self.client.get(url, params or None, HTTP_AUTHORIZATION=f"Token {self.token}")
        assert "sessionid" not in response.cookies
        return response

    def post(self, url: str, data: dict):
        """A multipart ``POST`` to the API (an upload), with the token."""
        return self.client.post(url, data, HTTP_AUTHORIZATION=f"Token {self.token}")


def body(response) -> bytes:
    return b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content


def sha256_of(response) -> str:
    return hashlib.sha256(body(response)).hexdigest()


def tamper(field_file) -> None:
    """Overwrites a stored file's bytes behind the platform's back."""
    with field_file.storage.open(field_file.name, "wb") as handle:
        handle.write(b"altered after filing")
