"""``emotionpix users``: local accounts from the command line (create, delete, list). The
command line hands these commands the app's account backend and personal data through
``ctx.obj`` (``Accounts``); they know nothing of Flask."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Protocol

import click

from emotionpix.auth.base import AuthBackend, Credentials
from emotionpix.auth.ledger import SessionLedger
from emotionpix.auth.local import LocalBackend
from emotionpix.auth.personal import PersonalData
from emotionpix.core.errors import AppError


class Accounts(Protocol):
    """What these commands need from the command line's context object (``ctx.obj``)."""

    def accounts(self) -> tuple[AuthBackend, PersonalData, SessionLedger]: ...


def _local(ctx: click.Context) -> tuple[LocalBackend, PersonalData, SessionLedger]:
    context: Accounts = ctx.obj
    found, personal, ledger = context.accounts()
    if not isinstance(found, LocalBackend):
        raise click.ClickException("these commands manage local accounts; Supabase has its own")
    return found, personal, ledger


def _password() -> str:
    """The new password: a prompt (typed twice, hidden) on a terminal, else stdin's line."""
    if sys.stdin.isatty():
        text: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        return text
    return sys.stdin.readline().rstrip("\r\n")


def _fail(exc: AppError) -> None:
    click.echo(f"error: {exc.message}", err=True)
    sys.exit(2)


@click.group()
def users() -> None:
    """Manage local accounts (EMOTIONPIX_AUTH_BACKEND=local)."""


@users.command("create")
@click.argument("email")
@click.option("--verified", is_flag=True, help="Mark the email as verified (no email is sent).")
@click.pass_context
def users_create(ctx: click.Context, email: str, verified: bool) -> None:
    """Create an account; the password comes from a prompt or standard input."""
    local, personal, _ = _local(ctx)
    if local.find(email) is not None:
        raise click.ClickException(f"{email} already has an account")
    try:
        identity = local.create_user(email, _password(), verified=verified)
    except AppError as exc:
        _fail(exc)
        return
    personal.ensure_account(identity, local.name)
    state = "verified" if verified else "not verified: it must be confirmed before signing in"
    click.echo(f"created {identity.email} ({state})")


@users.command("delete")
@click.argument("email")
@click.pass_context
def users_delete(ctx: click.Context, email: str) -> None:
    """Delete an account and everything kept about it."""
    local, personal, ledger = _local(ctx)
    try:
        identity = local.find(email)
    except AppError as exc:
        _fail(exc)
        return
    if identity is None:
        raise click.ClickException(f"no account for {email}")
    personal.delete(identity.user_id)
    local.delete(Credentials(identity))
    ledger.close_all(identity.user_id)
    click.echo(f"deleted {identity.email} and everything kept about it")


@users.command("list")
@click.pass_context
def users_list(ctx: click.Context) -> None:
    """Every local account, with when it was created and whether it is verified."""
    accounts = _local(ctx)[0].users()
    if not accounts:
        click.echo("No accounts.")
    for account in accounts:
        created = datetime.fromtimestamp(account["created_at"], UTC).strftime("%Y-%m-%d %H:%M")
        state = "verified" if account["verified_at"] else "unverified"
        click.echo(f"{account['email']}  {state}  created {created} UTC")
