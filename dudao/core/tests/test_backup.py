"""Backups that restore: `dudao backup` writes one archive of the database, the stored files and a
manifest; `dudao restore` rebuilds the site from it on another, empty database and media folder (a
fresh process, as on a new machine), and refuses a damaged archive or a site that is not empty.

The database is the one the suite runs on: SQLite, or the throwaway PostgreSQL with
``DUDAO_TEST_DB=postgres`` (where the restore goes into a second database created on that server)."""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import psycopg
import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from dudao.core.backup import site_state
from dudao.core.testing.world import add_evidence, build_world

REPO = Path(__file__).resolve().parents[3]
KEY = "backup-test-audit-key-" + "x" * 40
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478"
                    "9c63f8cfc0000003010100c9fe92ef0000000049454e44ae426082")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(settings, tmp_path):
    """A small site with audited changes and two evidence files (Chinese names) in its own media folder."""
    settings.DUDAO_AUDIT_KEY = KEY
    settings.MEDIA_ROOT = str(tmp_path / "media")
    world = build_world()
    add_evidence(world.a, {"现场照片.png": PNG, "整改报告.pdf": PDF})
    return world


@pytest.fixture
def empty_database(tmp_path):
    """The ``DATABASE_URL`` of a new, empty database of the suite's vendor."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"restored_{uuid.uuid4().hex[:8]}"
    conf = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{conf['USER']}@{conf['HOST']}:{conf['PORT']}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def backup(path: Path) -> str:
    out = io.StringIO()
    call_command("backup", "--out", str(path), stdout=out)
    return out.getvalue()


def restore(archive: Path, database_url: str, var: Path, *args: str, key: str | None = KEY,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`dudao restore` in a new process configured for another database and media folder (and the
    variables ``env``: an object store's)."""
    extra = env or {}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DUDAO_", "PG"))}
    env.update(DATABASE_URL=database_url, DUDAO_VAR_DIR=str(var), DUDAO_MEDIA_ROOT=str(var / "media"), **extra)
    if key:
        env["DUDAO_AUDIT_KEY"] = key
    var.mkdir(exist_ok=True)
    return subprocess.run([sys.executable, "-m", "dudao.cli", "restore", str(archive), *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)


def row_counts_at(database_url: str) -> dict[str, int]:
    """The rows of every table of another database, read over a connection of its own."""
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            return site_state(db.cursor(), "sqlite")[0]
    with psycopg.connect(database_url) as db:
        return site_state(db.cursor(), "postgresql")[0]


def checksums(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def current_rows() -> dict[str, int]:
    with connection.cursor() as cursor:
        return site_state(cursor, connection.vendor)[0]


def test_a_backup_restores_into_an_empty_database_and_media_folder(site, settings, tmp_path, empty_database):
    archive = tmp_path / "dudao.tar"
    said = backup(archive)
    source_rows, source_files = current_rows(), checksums(Path(settings.MEDIA_ROOT))
    assert f"{connection.vendor} database" in said and "2 stored files" in said

    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        assert set(tar.getnames()) == {"manifest.json", *manifest["files"]}
    assert manifest["row_counts"] == source_rows
    assert manifest["database"]["vendor"] == connection.vendor and manifest["dudao_version"]
    assert manifest["migrations"]["audit"].startswith("0") and manifest["made_at"]
    assert {name: f["sha256"] for name, f in manifest["files"].items() if name.startswith("media/")} == {
        f"media/{name}": digest for name, digest in source_files.items()}

    done = restore(archive, empty_database, tmp_path / "new")
    assert done.returncode == 0, done.stderr
    assert "every checksum matches" in done.stdout
    assert "audit log OK" in done.stdout and "rows OK" in done.stdout
    restored_rows = row_counts_at(empty_database)
    assert restored_rows == source_rows
    events = apps.get_model("audit", "AuditEvent").objects.count()
    assert restored_rows["audit_auditevent"] == events >= 2 and restored_rows["inspections_attachment"] == 2
    assert checksums(tmp_path / "new" / "media") == source_files
    # every evidence file a row names is there, with the SHA-256 the row keeps
    for attachment in apps.get_model("inspections", "Attachment").objects.all():
        assert hashlib.sha256((tmp_path / "new" / "media" / attachment.file.name).read_bytes()).hexdigest() == (
            attachment.sha256)

    # restoring again over the restored site takes --force, and gives the same site
    assert "pass --force" in restore(archive, empty_database, tmp_path / "new").stderr
    again = restore(archive, empty_database, tmp_path / "new", "--force")
    assert again.returncode == 0, again.stderr
    assert row_counts_at(empty_database) == source_rows and checksums(tmp_path / "new" / "media") == source_files


def test_without_the_audit_key_the_restore_says_it_cannot_verify_the_log(site, tmp_path, empty_database):
    archive = tmp_path / "dudao.tar"
    backup(archive)
    done = restore(archive, empty_database, tmp_path / "new", key=None)
    assert done.returncode == 1
    assert "rows OK" in done.stdout  # the site is restored ...
    assert "not sealed with a configured audit key" in done.stderr  # ... but its log is not verified
    assert "DUDAO_AUDIT_KEY is not set: the audit key is not in the archive, by design" in done.stderr
    assert "restored, but the audit log did not verify" in done.stderr


def damage(archive: Path, where: bytes) -> Path:
    """A copy of ``archive`` with one byte changed, a few bytes into the first place holding ``where``."""
    data = bytearray(archive.read_bytes())
    data[data.index(where) + len(where) // 2] ^= 0x01
    damaged = archive.with_name("damaged.tar")
    damaged.write_bytes(data)
    return damaged


@pytest.mark.parametrize("where", [PDF, b'"made_at"'], ids=["in-a-stored-file", "in-the-manifest"])
def test_a_damaged_archive_is_refused_and_changes_nothing(site, settings, tmp_path, where):
    archive = tmp_path / "dudao.tar"
    backup(archive)
    add_evidence(site.a, {"后来的照片.png": PNG})  # the site moved on: a restore would undo this
    rows, files = current_rows(), checksums(Path(settings.MEDIA_ROOT))
    with pytest.raises(CommandError, match="restore REFUSED: .*damaged.*nothing was changed"):
        call_command("restore", str(damage(archive, where)), "--force", stdout=io.StringIO())
    assert current_rows() == rows and checksums(Path(settings.MEDIA_ROOT)) == files


def test_a_site_that_is_not_empty_is_not_replaced_without_force(site, settings, tmp_path):
    archive = tmp_path / "dudao.tar"
    backup(archive)
    add_evidence(site.a, {"后来的照片.png": PNG})
    rows, files = current_rows(), checksums(Path(settings.MEDIA_ROOT))
    with pytest.raises(CommandError, match=r"restore REFUSED: this site is not empty .* pass --force"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert current_rows() == rows and checksums(Path(settings.MEDIA_ROOT)) == files


def resealed(archive: Path, change=None, extra: dict[str, bytes] | None = None) -> Path:
    """A copy of ``archive`` with ``extra`` members (name: bytes) and a manifest that lists them,
    ``change`` edited and sealed again: a well-formed archive, of another site or version, or forged."""
    copy = archive.with_name("other.tar")
    with tarfile.open(archive) as source, tarfile.open(copy, "w", format=tarfile.PAX_FORMAT) as target:
        for name, data in (extra or {}).items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            target.addfile(info, io.BytesIO(data))
        for member in source:
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                del manifest["sha256"]
                manifest["files"].update({name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
                                          for name, data in (extra or {}).items()})
                if change:
                    change(manifest)
                manifest["sha256"] = hashlib.sha256(json.dumps(
                    manifest, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()
                data = json.dumps(manifest).encode()
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    return copy


@pytest.mark.parametrize(("change", "refusal"), [
    (lambda m: m["migrations"].update(audit="9999_from_the_future"),
     r"made by a newer Dudao .*audit\.9999_from_the_future.*nothing was changed"),
    (lambda m: m["database"].update(vendor="postgresql" if connection.vendor == "sqlite" else "sqlite"),
     r"the archive holds a \w+ database, but this site is configured for .*nothing was changed"),
], ids=["newer-dudao", "other-database"])
def test_an_archive_this_site_cannot_take_is_refused_before_anything_changes(site, settings, tmp_path, change,
                                                                             refusal):
    archive = tmp_path / "dudao.tar"
    backup(archive)
    add_evidence(site.a, {"后来的照片.png": PNG})
    rows, files = current_rows(), checksums(Path(settings.MEDIA_ROOT))
    with pytest.raises(CommandError, match=refusal):
        call_command("restore", str(resealed(archive, change)), "--force", stdout=io.StringIO())
    assert current_rows() == rows and checksums(Path(settings.MEDIA_ROOT)) == files


def test_an_archive_that_would_write_outside_the_media_folder_is_refused(site, settings, tmp_path):
    archive = tmp_path / "dudao.tar"
    backup(archive)
    forged = resealed(archive, extra={"media/../../outside.txt": b"x", "/etc/cron.d/dudao": b"y"})
    with pytest.raises(CommandError, match="damaged") as refused:
        call_command("restore", str(forged), "--force", stdout=io.StringIO())
    assert "media/../../outside.txt: not a member a Dudao backup has" in str(refused.value)
    assert "/etc/cron.d/dudao: not a member a Dudao backup has" in str(refused.value)
    assert not (tmp_path / "outside.txt").exists() and not Path("/etc/cron.d/dudao").exists()


def test_a_backup_that_cannot_be_written_says_so_and_leaves_no_archive(site, tmp_path):
    with pytest.raises(CommandError, match="backup FAILED: .*No such file or directory"):
        backup(tmp_path / "no-such-folder" / "dudao.tar")
    assert not (tmp_path / "no-such-folder").exists()


# ---- stored files in an S3-compatible object store (DUDAO_MEDIA_STORAGE=s3) ----------------------
# `dudao backup` walks the bucket and streams every object into the archive with its SHA-256;
# `dudao restore`, in a new process configured for another database and an empty bucket, writes
# them back through the storage under their own names.

@pytest.fixture
def bucket_site(settings, s3_media):
    """A small site with audited changes and two evidence files (Chinese names) in its own bucket."""
    settings.DUDAO_AUDIT_KEY = KEY
    world = build_world()
    add_evidence(world.a, {"现场照片.png": PNG, "整改报告.pdf": PDF})
    return world


def bucket_checksums(s3_media, bucket=None) -> dict[str, str]:
    return {key: hashlib.sha256(s3_media.read(key, bucket)).hexdigest() for key in s3_media.keys(bucket)}


def test_a_backup_of_the_bucket_restores_into_an_empty_database_and_bucket(bucket_site, s3_media, tmp_path, empty_database):
    archive = tmp_path / "dudao.tar"
    said = backup(archive)
    source_rows, source_files = current_rows(), bucket_checksums(s3_media)
    assert len(source_files) == 2 and "2 stored files" in said
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        assert set(tar.getnames()) == {"manifest.json", *manifest["files"]}
    assert {name: f["sha256"] for name, f in manifest["files"].items() if name.startswith("media/")} == {
        f"media/{key}": digest for key, digest in source_files.items()}

    bucket = s3_media.new_bucket()
    env = s3_media.environment(bucket)
    done = restore(archive, empty_database, tmp_path / "new", env=env)
    assert done.returncode == 0, done.stderr
    assert f"2 stored files restored into the object store bucket {bucket}" in done.stdout
    assert "rows OK" in done.stdout and "audit log OK" in done.stdout
    assert row_counts_at(empty_database) == source_rows
    assert bucket_checksums(s3_media, bucket) == source_files  # the same names, the same bytes
    for attachment in apps.get_model("inspections", "Attachment").objects.all():
        assert hashlib.sha256(s3_media.read(attachment.file.name, bucket)).hexdigest() == attachment.sha256

    # a bucket holding objects is a site that is not empty: --force writes them again, same names
    assert "the object store bucket" in restore(archive, empty_database, tmp_path / "new", env=env).stderr
    again = restore(archive, empty_database, tmp_path / "new", "--force", env=env)
    assert again.returncode == 0, again.stderr
    assert bucket_checksums(s3_media, bucket) == source_files


def test_a_bucket_that_is_not_empty_is_not_replaced_without_force(bucket_site, s3_media, tmp_path):
    archive = tmp_path / "dudao.tar"
    backup(archive)
    add_evidence(bucket_site.a, {"后来的照片.png": PNG})
    rows, files = current_rows(), bucket_checksums(s3_media)
    with pytest.raises(CommandError, match=r"restore REFUSED: this site is not empty .* 3 files"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert current_rows() == rows and bucket_checksums(s3_media) == files
