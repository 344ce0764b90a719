"""``emotionpix users``: accounts made, listed and deleted by an operator."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from emotionpix.cli import main
from tests.accounts import PASSWORD, sign_in


@pytest.fixture
def users_cli(app):
    """``emotionpix users …`` against the test app, with ``stdin`` as its input."""
    runner = CliRunner()

    def invoke(stdin, *args):
        return runner.invoke(main, ["users", *args], obj=app, input=stdin, catch_exceptions=False)

    return invoke


def test_create_list_and_delete(app, users_cli):
    created = users_cli(f"{PASSWORD}\n", "create", "Ann@Example.com", "--verified")
    assert created.exit_code == 0, created.output
    assert created.output.strip() == "created ann@example.com (verified)"
    assert sign_in(app.test_client(), "ann@example.com").status_code == 302
    listed = users_cli("", "list")
    assert listed.output.startswith("ann@example.com  verified  created ")
    deleted = users_cli("", "delete", "ann@example.com")
    assert deleted.output.strip() == "deleted ann@example.com and everything kept about it"
    assert users_cli("", "list").output.strip() == "No accounts."
    assert sign_in(app.test_client(), "ann@example.com").status_code == 401


def test_an_unverified_account_must_confirm_before_signing_in(app, users_cli):
    created = users_cli(f"{PASSWORD}\n", "create", "bob@example.com")
    assert "not verified" in created.output
    assert sign_in(app.test_client(), "bob@example.com").status_code == 403


def test_mistakes_are_told_plainly(app, users_cli):
    weak = users_cli("short\n", "create", "ann@example.com")
    assert weak.exit_code == 2
    assert "at least 10 characters" in weak.output
    users_cli(f"{PASSWORD}\n", "create", "ann@example.com", "--verified")
    again = users_cli(f"{PASSWORD}\n", "create", "ann@example.com")
    assert again.exit_code == 1
    assert "already has an account" in again.output
    missing = users_cli("", "delete", "zed@example.com")
    assert missing.exit_code == 1
    assert "no account for zed@example.com" in missing.output
