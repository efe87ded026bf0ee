"""Backups that restore: one archive holding the database, every stored file and a manifest.

``make_backup(out, connection)`` writes a tar archive of

* ``database.pgdump`` (PostgreSQL: ``pg_dump --format=custom`` in the snapshot the row counts are read
  from) or ``database.sqlite3`` (SQLite: the online backup API, a consistent copy of a running site);
* ``media/...``: every stored file (evidence files, photos, case files, documents), listed after the
  database was dumped, so that every file a row names is in: the files under ``MEDIA_ROOT`` or, with
  an object store (``DUDAO_MEDIA_STORAGE=s3``), every object of the storage, walked through the
  storage API and streamed into the archive (restored through it the same way);
* ``manifest.json``, the last member: the SHA-256 and size of every other member, the Dudao version,
  the database vendor, the latest migration of each app, the rows of every table, the time it was
  made, and the SHA-256 of the manifest itself.

``check_archive(path)`` reads an archive back and compares every member with its manifest before
anything is changed; ``restore_database`` and ``restore_media`` then rebuild the site from it.
The audit key (``DUDAO_AUDIT_KEY``) is not in the archive, by design: a stolen archive cannot reseal
the audit log, and a restored one verifies once the key is supplied.

Passwords reach ``pg_dump`` and ``pg_restore`` through the environment (``PGPASSWORD``), never on the
command line.
"""

import datetime
import hashlib
import importlib.metadata
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

from dudao.core.files import CHUNK, MB, media_on_disk

FORMAT = "dudao-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media/"
DUMP_NAMES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


def dudao_version() -> str:
    try:
        return importlib.metadata.version("dudao")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _canonical(data: dict) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _copy_digest(source, target=None) -> tuple[str, int]:
    """Reads ``source`` to the end (writing it to ``target``, if given); its SHA-256 and size."""
    digest, size = hashlib.sha256(), 0
    for chunk in iter(lambda: source.read(CHUNK), b""):
        digest.update(chunk)
        size += len(chunk)
        if target is not None:
            target.write(chunk)
    return digest.hexdigest(), size


class _Digesting:
    """A file read through: what tar copies into the archive is what the manifest describes."""

    def __init__(self, handle):
        self.handle, self.digest, self.size = handle, hashlib.sha256(), 0

    def read(self, size=-1):
        chunk = self.handle.read(size)
        self.digest.update(chunk)
        self.size += len(chunk)
        return chunk


# ---- the database -------------------------------------------------------------------------------

def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def site_state(cursor, vendor: str) -> tuple[dict[str, int], dict[str, str]]:
    """The rows of every table and the latest migration applied of each app, read through ``cursor``
    (a Django or plain DB-API cursor)."""
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' ESCAPE '!'")
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    counts = {}
    for (table,) in sorted(cursor.fetchall()):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 - a table the database named
        counts[table] = cursor.fetchone()[0]
    migrations = {}
    if "django_migrations" in counts:
        cursor.execute("SELECT app, MAX(name) FROM django_migrations GROUP BY app")
        migrations = dict(sorted(cursor.fetchall()))
    return counts, migrations


def database_tables(connection) -> dict[str, int]:
    """The rows of every table of the configured database (empty: a database to restore into)."""
    with connection.cursor() as cursor:
        return site_state(cursor, connection.vendor)[0]


def pg_program(name: str, connection) -> str:
    """``pg_dump`` or ``pg_restore`` of the server's major version if installed (Debian layout), else
    the one on ``PATH``."""
    own = Path(f"/usr/lib/postgresql/{connection.pg_version // 10000}/bin/{name}")
    found = str(own) if own.is_file() else shutil.which(name)
    if not found:
        raise BackupError(f"{name} not found: install the PostgreSQL client programs "
                          f"(postgresql-client-{connection.pg_version // 10000}) or put {name} on PATH")
    return found


def _pg_run(connection, name: str, *args: str) -> None:
    """Runs a PostgreSQL client program against the configured database; the connection settings and
    the password go through the environment."""
    conf = connection.settings_dict
    env = {**os.environ, **(connection.client.settings_to_cmd_args_env(conf, [])[1] or {})}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGDATABASE", "NAME")):
        if conf.get(key):
            env[variable] = str(conf[key])
    process = subprocess.run([pg_program(name, connection), "--no-password", *args], env=env,
                             capture_output=True, text=True)
    if process.returncode != 0:
        raise BackupError(f"{name} failed (exit code {process.returncode}): {process.stderr.strip()}")


def _dump_postgresql(connection, target: Path) -> tuple[dict, dict]:
    """``pg_dump`` in the snapshot of a transaction that reads the row counts: both see the same rows."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        state = site_state(cursor, "postgresql")
        _pg_run(connection, "pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}")
    return state


def _dump_sqlite(connection, target: Path) -> tuple[dict, dict]:
    """A copy through SQLite's online backup API (consistent while the site runs); counted in the copy."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        return site_state(copy.cursor(), "sqlite")
    except sqlite3.Error as e:
        raise BackupError(f"copying the SQLite database failed: {e}")
    finally:
        copy.close()


def _restore_postgresql(connection, dump: Path) -> None:
    connection.close()
    _pg_run(connection, "pg_restore", "--no-owner", "--no-privileges", "--clean", "--if-exists",
            "--single-transaction", "--exit-on-error", f"--dbname={connection.settings_dict['NAME']}", str(dump))


def _restore_sqlite(connection, copy: Path) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(copy)
    try:
        source.backup(connection.connection)
    except sqlite3.Error as e:
        raise BackupError(f"writing the SQLite database failed: {e}")
    finally:
        source.close()
    connection.close()


DUMP = {"postgresql": _dump_postgresql, "sqlite": _dump_sqlite}
RESTORE = {"postgresql": _restore_postgresql, "sqlite": _restore_sqlite}


def _vendor(connection) -> str:
    if connection.vendor not in DUMP:
        raise BackupError(f"backups of a {connection.vendor} database are not supported (PostgreSQL or SQLite)")
    return connection.vendor


# ---- media --------------------------------------------------------------------------------------

def media_files(skip=()) -> list[tuple[str, Path]]:
    """Every regular file under ``MEDIA_ROOT``: (its path below it, with ``/``, and its full path)."""
    root = Path(settings.MEDIA_ROOT)
    skip = {Path(p).resolve() for p in skip}
    found = []
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder, name)
            if path.is_file() and not path.is_symlink() and path.resolve() not in skip:
                found.append((path.relative_to(root).as_posix(), path))
    return found


def stored_objects(storage=None) -> list[str]:
    """Every file of an object store, walked with ``listdir``: its name in the storage, with ``/``."""
    storage = storage or default_storage
    found = []

    def walk(prefix: str) -> None:
        folders, names = storage.listdir(prefix)
        found.extend(prefix + name for name in sorted(names) if name)
        for folder in sorted(folders):
            walk(f"{prefix}{folder}/")

    walk("")
    return found


def media_names() -> list[str]:
    """The names of every stored file, below ``MEDIA_ROOT`` or in the object store."""
    return [name for name, _path in media_files()] if media_on_disk() else stored_objects()


def media_place() -> str:
    """Where the stored files are, for messages: the folder, or the object store's bucket."""
    if media_on_disk():
        return str(settings.MEDIA_ROOT)
    return f"the object store bucket {getattr(default_storage, 'bucket_name', '?')}"


# ---- writing ------------------------------------------------------------------------------------

def _add(tar: tarfile.TarFile, name: str, path: Path) -> dict:
    info = tar.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with open(path, "rb") as handle:
        reading = _Digesting(handle)
        tar.addfile(info, reading)
    return {"sha256": reading.digest.hexdigest(), "size": reading.size}


def _add_stored(tar: tarfile.TarFile, name: str, stored_name: str, made_at: int) -> dict:
    """An object of the storage into the archive: copied locally first (tar needs the size before
    the bytes), then streamed in through the digest."""
    with default_storage.open(stored_name, "rb") as source, tempfile.SpooledTemporaryFile(max_size=8 * MB) as copy:
        _copy_digest(source, copy)
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = copy.tell(), made_at, 0o644
        copy.seek(0)
        reading = _Digesting(copy)
        tar.addfile(info, reading)
    return {"sha256": reading.digest.hexdigest(), "size": reading.size}


def make_backup(out, connection) -> dict:
    """Writes the archive to ``out`` (through ``out.partial``, renamed once complete) and returns
    its manifest."""
    vendor = _vendor(connection)
    out = Path(out)
    partial = out.with_name(out.name + ".partial")
    made_at = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    with tempfile.TemporaryDirectory(prefix="dudao-backup-") as tmp:
        dump = Path(tmp, DUMP_NAMES[vendor])
        row_counts, migrations = DUMP[vendor](connection, dump)
        try:
            with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
                files = {dump.name: _add(tar, dump.name, dump)}
                if media_on_disk():
                    for name, path in media_files(skip=(out, partial)):
                        files[MEDIA + name] = _add(tar, MEDIA + name, path)
                else:
                    for name in stored_objects():
                        files[MEDIA + name] = _add_stored(tar, MEDIA + name, name, int(made_at.timestamp()))
                manifest = {
                    "format": FORMAT, "format_version": FORMAT_VERSION, "dudao_version": dudao_version(),
                    "made_at": made_at.isoformat(),
                    "database": {"vendor": vendor, "file": dump.name},
                    "migrations": migrations, "row_counts": row_counts, "files": files,
                }
                manifest["sha256"] = hashlib.sha256(_canonical(manifest)).hexdigest()
                data = json.dumps(manifest, sort_keys=True, ensure_ascii=False, indent=1).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(made_at.timestamp()), 0o644
                tar.addfile(info, io.BytesIO(data))
            os.replace(partial, out)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return manifest


# ---- reading and restoring ----------------------------------------------------------------------

@dataclass(frozen=True)
class Archive:
    """An archive whose every member matched its manifest."""

    path: Path
    manifest: dict

    @property
    def vendor(self) -> str:
        return self.manifest["database"]["vendor"]

    @property
    def media(self) -> list[str]:
        return sorted(name for name in self.manifest["files"] if name.startswith(MEDIA))


def _member_problem(name: str, dump: str) -> str | None:
    parts = PurePosixPath(name).parts
    if (name == dump and dump in DUMP_NAMES.values()) or (
        name.startswith(MEDIA) and len(parts) > 1 and not {"..", "."} & set(parts) and "\\" not in name
    ):
        return None
    return f"{name}: not a member a Dudao backup has"


def _read_manifest(data: bytes) -> dict:
    try:
        manifest = json.loads(data)
        sealed = manifest.pop("sha256")
        if (manifest["format"] != FORMAT or manifest["database"]["vendor"] not in DUMP_NAMES
                or not isinstance(manifest["row_counts"], dict) or not isinstance(manifest["migrations"], dict)
                or not all(isinstance(listed, dict) for listed in manifest["files"].values())):
            raise ValueError
    except (ValueError, KeyError, TypeError, AttributeError):
        raise BackupError("the archive's manifest is damaged or not a Dudao backup manifest; nothing was changed")
    if sealed != hashlib.sha256(_canonical(manifest)).hexdigest():
        raise BackupError("the archive's manifest is damaged (its checksum does not match); nothing was changed")
    return manifest


def check_archive(path) -> Archive:
    """Reads the whole archive and compares every member with the manifest (SHA-256 and size);
    raises ``BackupError`` naming every problem. Changes nothing."""
    path = Path(path)
    found: dict[str, tuple[str, int]] = {}
    manifest_data = None
    try:
        with tarfile.open(path, "r:") as tar:
            for member in tar:
                if member.name == MANIFEST and member.isfile():
                    manifest_data = tar.extractfile(member).read()
                elif member.isfile():
                    found[member.name] = _copy_digest(tar.extractfile(member))
                else:
                    found[member.name] = ("not a file", -1)
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file")
    except (tarfile.TarError, OSError, EOFError) as e:
        raise BackupError(f"{path}: the archive is damaged or not a Dudao backup ({e}); nothing was changed")
    if manifest_data is None:
        raise BackupError(f"{path}: the archive has no manifest (damaged, cut short or not a Dudao backup); "
                          "nothing was changed")
    manifest = _read_manifest(manifest_data)
    expected = manifest["files"]
    problems = []
    for name in sorted(set(expected) | set(found)):
        listed, there = expected.get(name), found.get(name)
        if listed is None:
            problems.append(f"{name}: in the archive but not in the manifest")
        elif there is None:
            problems.append(f"{name}: in the manifest but missing from the archive")
        elif there != (listed.get("sha256"), listed.get("size")):
            problems.append(f"{name}: checksum or size does not match the manifest")
        elif problem := _member_problem(name, manifest["database"].get("file")):
            problems.append(problem)
    if manifest["database"].get("file") not in found:
        problems.append("the database dump is missing")
    if problems:
        raise BackupError(f"{path}: the archive is damaged; nothing was changed.\n" + "\n".join(problems))
    return Archive(path, manifest)


def _extract(tar: tarfile.TarFile, archive: Archive, name: str, target: Path) -> None:
    """Writes member ``name`` to ``target``, checking it again against the manifest as it goes."""
    listed = archive.manifest["files"][name]
    with open(target, "wb") as handle:
        digest = _copy_digest(tar.extractfile(name), handle)
    if digest != (listed["sha256"], listed["size"]):
        raise BackupError(f"{name}: changed in the archive while restoring")


def restore_database(archive: Archive, connection) -> None:
    """Replaces the configured database with the archive's (the caller checked it may)."""
    with tempfile.TemporaryDirectory(prefix="dudao-restore-") as tmp, tarfile.open(archive.path, "r:") as tar:
        name = archive.manifest["database"]["file"]
        dump = Path(tmp, name)
        _extract(tar, archive, name, dump)
        RESTORE[archive.vendor](connection, dump)


def _restore_stored(tar: tarfile.TarFile, archive: Archive, name: str) -> None:
    """Writes member ``name`` to the object store under its own name (replacing an object there)."""
    stored_name = name.removeprefix(MEDIA)
    with tempfile.TemporaryFile() as handle:
        listed = archive.manifest["files"][name]
        if _copy_digest(tar.extractfile(name), handle) != (listed["sha256"], listed["size"]):
            raise BackupError(f"{name}: changed in the archive while restoring")
        handle.seek(0)
        if default_storage.exists(stored_name):
            default_storage.delete(stored_name)
        saved = default_storage.save(stored_name, File(handle))
    if saved != stored_name:
        raise BackupError(f"{name}: the object store saved it as {saved}")


def restore_media(archive: Archive) -> int:
    """Writes every stored file of the archive under ``MEDIA_ROOT`` or into the object store;
    returns how many."""
    if not media_on_disk():
        with tarfile.open(archive.path, "r:") as tar:
            for name in archive.media:
                _restore_stored(tar, archive, name)
        return len(archive.media)
    root = Path(settings.MEDIA_ROOT)
    with tarfile.open(archive.path, "r:") as tar:
        for name in archive.media:
            target = root.joinpath(*PurePosixPath(name.removeprefix(MEDIA)).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            _extract(tar, archive, name, target)
    return len(archive.media)


def count_differences(expected: dict[str, int], actual: dict[str, int]) -> list[str]:
    return [f"{table}: {expected.get(table, 'no table')} in the archive, {actual.get(table, 'no table')} restored"
            for table in sorted(set(expected) | set(actual)) if expected.get(table) != actual.get(table)]
