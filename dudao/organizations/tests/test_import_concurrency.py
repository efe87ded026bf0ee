"""While one person uploads a hostile workbook, everybody else's pages keep loading: the file is
checked before anything unpacks it, and it is read outside any transaction, so the upload never
holds the database's write lock (on SQLite, one lock for the whole site)."""

import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from dudao.core.testing.world import build_world, fresh
from dudao.core.testing.xlsx import workbook_bytes, zip_bomb


@pytest.mark.django_db(transaction=True)
def test_the_login_page_loads_while_a_zip_bomb_is_uploaded():
    # given an office admin signed in, and a workbook whose shared strings unpack to 20 MB
    world = build_world()
    uploader = Client()
    uploader.force_login(fresh(world.a.users["office_admin"]))
    bomb = zip_bomb(workbook_bytes(["学校代码*", "学校名称*"], [["3601019401", "甲县某小学"]]), unpacked_mb=20)
    outcome = {}
    finished = threading.Event()

    def upload():  # the upload, in its own thread with its own database connection
        try:
            started = time.monotonic()
            response = uploader.post(reverse("organizations:school_import"), {"file": SimpleUploadedFile("学校.xlsx", bomb)})
            outcome.update(status=response.status_code, seconds=time.monotonic() - started,
                           errors=[str(e.message) for e in response.context["errors"]])
        except Exception as exc:  # reported below: the upload failing is a failed test
            outcome["exception"] = exc
        finally:
            connection.close()
            finished.set()

    # when the login page is loaded again and again while the upload runs
    thread = threading.Thread(target=upload)
    thread.start()
    pages = []
    try:
        while not pages or not finished.is_set():
            pages.append(Client().get(reverse("accounts:login")).status_code)
    finally:
        thread.join()
    # then every load answered 200, and the upload was refused with the reason, within seconds
    assert set(pages) == {200}
    assert "exception" not in outcome, outcome
    assert outcome["status"] == 400 and outcome["seconds"] < 5
    assert any("压缩比异常" in e for e in outcome["errors"])
