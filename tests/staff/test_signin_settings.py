"""The admin's path is a setting (ADMIN_URL), robots.txt never gives a moved one
away, and passwords are checked by Django's validators with 12 characters at least."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent.parent

pytestmark = pytest.mark.django_db


def test_admin_url_moves_the_admin_and_robots_txt_does_not_name_it(tmp_path):
    """In a fresh process, since the URLs are read once at start-up."""
    script = """
from django.test import Client
from django.urls import Resolver404, resolve, reverse
print("index", reverse("admin:index"))
print("login", reverse("admin:login"))
print("two-factor", reverse("signin:two-factor-verify"))
try:
    resolve("/admin/")
    print("old path still works")
except Resolver404:
    print("old path gone")
print(Client().get("/robots.txt").content.decode())
"""
    env = {
        **os.environ,
        "ADMIN_URL": "/office-7f3k/",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "index /office-7f3k/" in out
    assert "login /office-7f3k/login/" in out
    assert "two-factor /office-7f3k/two-factor/" in out
    assert "old path gone" in out
    assert "office-7f3k" not in out.split("old path gone")[1]
    assert "Disallow: /admin/" not in out
    assert "Sitemap: " in out


def test_robots_txt_names_the_admin_only_at_its_well_known_path(client):
    body = client.get(reverse("robots-txt")).content.decode()
    assert "Disallow: /admin/" in body


def _add_user(client, password):
    return client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newvolunteer",
            "usable_password": "true",
            "password1": password,
            "password2": password,
        },
    )


@pytest.mark.parametrize(
    ("weak", "why"),
    [
        ("Hope2026!xy", "at least 12 characters"),
        ("123456789012", "entirely numeric"),
        ("password1234", "too common"),
        ("newvolunteer1", "too similar to the username"),
    ],
)
def test_the_admin_refuses_a_weak_password_for_a_new_account(admin_client, weak, why):
    response = _add_user(admin_client, weak)
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["password2"])
    assert why in errors
    assert not User.objects.filter(username="newvolunteer").exists()


def test_the_admin_takes_a_long_password_for_a_new_account(admin_client):
    response = _add_user(admin_client, "blue ribbons for the home")
    assert response.status_code == 302
    assert User.objects.get(username="newvolunteer").check_password(
        "blue ribbons for the home"
    )
