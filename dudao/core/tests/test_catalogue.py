"""The interface is Chinese first and fully translated: the catalogues are complete and current."""

import subprocess
import sys
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def _entries(lang):
    return polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))


def test_chinese_catalogue_translates_every_message():
    # given the zh_Hans catalogue
    po = _entries("zh_Hans")
    # then no message is untranslated or fuzzy
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert len(po) > 100
    assert untranslated == [] and fuzzy == []


def test_placeholders_survive_translation():
    po = _entries("zh_Hans")
    import re

    pattern = re.compile(r"\{[a-z_]+(?::[^{}]*)?\}|%\([a-z_]+\)s")
    for e in po:
        if e.msgid_plural:
            assert set(pattern.findall(e.msgid_plural)) == set(pattern.findall(e.msgstr_plural[0])), e.msgid
        else:
            assert set(pattern.findall(e.msgid)) == set(pattern.findall(e.msgstr)), e.msgid


@pytest.mark.slow
def test_catalogue_is_current_with_the_source(tmp_path):
    # given a fresh extraction of the messages in the source
    root = Path(__file__).resolve().parents[3]
    out = tmp_path / "locale"
    out.mkdir()
    cmd = [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-location",
           "--no-obsolete", "--settings", "dudao.settings"]
    # extract into a copy so the real catalogue is untouched
    import shutil

    copy = tmp_path / "dudao"
    shutil.copytree(root / "dudao", copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(cmd, cwd=copy, check=True, capture_output=True, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"})
    fresh = {e.msgid for e in polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))}
    committed = {e.msgid for e in _entries("zh_Hans")}
    # then every message in the source is in the committed catalogue
    assert sorted(fresh - committed) == []
