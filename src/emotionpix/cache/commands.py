"""``emotionpix cache``: inspect or empty the provider cache. The command line hands these
commands the app's cache through ``ctx.obj`` (``HasCache``)."""

from __future__ import annotations

import json
from typing import Any, Protocol

import click

from emotionpix.cache.base import Cache


class HasCache(Protocol):
    """What these commands need from the command line's context object (``ctx.obj``)."""

    def cache(self) -> Cache: ...

    def cache_stats(self) -> dict[str, Any]: ...


@click.group()
def cache() -> None:
    """Inspect or empty the provider cache."""


@cache.command("stats")
@click.pass_obj
def cache_stats(parts: HasCache) -> None:
    """Print hit, miss and provider-call counters."""
    click.echo(json.dumps(parts.cache_stats(), ensure_ascii=False, indent=2))


@cache.command("purge")
@click.pass_obj
def cache_purge(parts: HasCache) -> None:
    """Delete entries past their stale period."""
    click.echo(f"purged {parts.cache().purge_expired()} entries")


@cache.command("clear")
@click.pass_obj
def cache_clear(parts: HasCache) -> None:
    """Delete every entry and reset the counters."""
    parts.cache().clear()
    click.echo("cache cleared")
