"""A production site never runs on a public or weak secret key (the key signs sessions, password
resets and the links on printed signboards), nor without an audit key of its own (it seals the
audit log, so that whoever can edit the database cannot rewrite it)."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def manage_check(**overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DUDAO_", "DJANGO_"))}
    env.update({"DUDAO_DEBUG": "0", "DUDAO_ALLOWED_HOSTS": "dudao.example.cn", **overrides})
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)


def deploy_guide_key() -> str:
    """The key line the deployment guide's environment file holds."""
    text = (REPO / "docs" / "deploy.md").read_text(encoding="utf-8")
    return re.search(r"^DUDAO_SECRET_KEY=(.*)$", text, re.M).group(1)


def test_production_without_a_key_refuses_to_start_and_says_how_to_make_one():
    result = manage_check()
    assert result.returncode != 0
    assert "DUDAO_SECRET_KEY is not set" in result.stderr
    assert "secrets.token_urlsafe" in result.stderr


@pytest.mark.parametrize("key", ["change-me-to-a-long-random-string", "short-key",
                                 "django-insecure-" + "x1y2z3" * 10, "ab" * 40])
def test_production_with_a_weak_or_example_key_refuses_to_start(key):
    result = manage_check(DUDAO_SECRET_KEY=key)
    assert result.returncode != 0
    assert "DUDAO_SECRET_KEY is" in result.stderr


def test_production_without_an_audit_key_refuses_to_start():
    result = manage_check(DUDAO_SECRET_KEY=secrets.token_urlsafe(64))
    assert result.returncode != 0
    assert "DUDAO_AUDIT_KEY is not set" in result.stderr
    assert "secrets.token_urlsafe" in result.stderr


@pytest.mark.parametrize("audit_key", ["short-key", "change-me-to-a-long-random-string-" + "x" * 30, "same"])
def test_production_with_a_weak_or_shared_audit_key_refuses_to_start(audit_key):
    secret = secrets.token_urlsafe(64)
    result = manage_check(DUDAO_SECRET_KEY=secret, DUDAO_AUDIT_KEY=secret if audit_key == "same" else audit_key)
    assert result.returncode != 0
    assert "DUDAO_AUDIT_KEY is" in result.stderr


def test_production_with_random_keys_passes_the_deploy_check():
    result = manage_check(DUDAO_SECRET_KEY=secrets.token_urlsafe(64), DUDAO_AUDIT_KEY=secrets.token_urlsafe(64))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_guide_generates_its_key_rather_than_printing_one():
    assert deploy_guide_key() == "$key"
    guide = (REPO / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert "key=$(python3 -c 'import secrets; print(secrets.token_urlsafe(64))')" in guide
    assert re.search(r"^DUDAO_AUDIT_KEY=\$audit_key$", guide, re.M)
    assert "audit_key=$(python3 -c 'import secrets; print(secrets.token_urlsafe(64))')" in guide


def test_the_demo_runs_without_any_key():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DUDAO_", "DJANGO_"))}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_rotated_secret_key_is_read_from_the_environment():
    old = secrets.token_urlsafe(64)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DUDAO_", "DJANGO_"))}
    env["DUDAO_SECRET_KEY_FALLBACKS"] = f"{old},second"
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c",
                             "from django.conf import settings; print(settings.SECRET_KEY_FALLBACKS)"],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str([old, "second"])


@pytest.mark.django_db
def test_people_stay_signed_in_across_a_key_rotation_while_the_old_key_is_a_fallback(settings):
    from django.test import Client

    from dudao.core.testing.factories import UserFactory

    old, new = secrets.token_urlsafe(64), secrets.token_urlsafe(64)
    settings.SECRET_KEY = old
    active, away = Client(), Client()
    active.force_login(UserFactory(username="active"))
    away.force_login(UserFactory(username="away"))

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = new, [old]
    assert active.get("/notifications/").status_code == 200  # signed with the old key, still accepted

    settings.SECRET_KEY_FALLBACKS = []
    assert active.get("/notifications/").status_code == 200  # its visit moved it to the new key
    assert away.get("/notifications/").status_code == 302  # not seen during the rotation: signs in again
