"""The ``emotionpix`` command line: serve the app, ask for recommendations, search, manage
the cache. Each command builds the app from the same configuration as the server."""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from flask import Flask

from emotionpix import create_app
from emotionpix.errors import AppError
from emotionpix.movies import Movie
from emotionpix.services import recommender


def _app(ctx: click.Context) -> Flask:
    app = ctx.find_object(Flask)
    if app is None:
        app = create_app()
        ctx.obj = app
    return app


def _fail(exc: AppError) -> None:
    click.echo(f"error: {exc.message}", err=True)
    sys.exit(2)


def _print_movies(movies: list[Movie]) -> None:
    if not movies:
        click.echo("No movies found.")
    for movie in movies:
        rating = f"{movie.rating:.1f}" if movie.rating is not None else "  - "
        year = movie.year or "    "
        click.echo(f"{rating}  {year}  {movie.title}  [{movie.id}]")


def _emit(data: dict[str, Any]) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group()
@click.version_option(package_name="emotionpix")
def main() -> None:
    """EmotionPix: movies for how you feel."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--threads", default=8, show_default=True, type=int, help="Worker threads.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, threads: int) -> None:
    """Serve the web app and API with Waitress (a production WSGI server)."""
    from waitress import serve as waitress_serve

    app = _app(ctx)
    click.echo(f"EmotionPix on http://{host}:{port} (data in {app.instance_path})")
    waitress_serve(app, host=host, port=port, threads=threads, ident="emotionpix")


@main.command()
@click.argument("emotion")
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON.")
@click.option("--limit", type=click.IntRange(1, 200), default=None, help="At most N films.")
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@click.option("--seed", type=int, default=None, help="Fix the rotation (same seed, same order).")
@click.pass_context
def recommend(
    ctx: click.Context, emotion: str, as_json: bool, limit: int | None, page: int, seed: int | None
) -> None:
    """Recommend films for EMOTION (happy, sad, angry, surprise, neutral, fear, disgust)."""
    with _app(ctx).app_context():
        try:
            result = recommender().recommend(emotion, page=page, seed=seed)
        except AppError as exc:
            _fail(exc)
    movies = result.movies[:limit] if limit else result.movies
    if as_json:
        _emit({**result.to_dict(), "movies": [m.to_dict() for m in movies]})
        return
    click.echo(f"{result.emotion} -> {result.genre} (page {result.page}, from {result.source})")
    _print_movies(movies)


@main.command()
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON.")
@click.pass_context
def search(ctx: click.Context, query: str, as_json: bool) -> None:
    """Find films by title (typos and accents are forgiven)."""
    with _app(ctx).app_context():
        try:
            result = recommender().search(query)
        except AppError as exc:
            _fail(exc)
    if as_json:
        _emit(result.to_dict())
    else:
        _print_movies(result.movies)


@main.group()
def cache() -> None:
    """Inspect or empty the provider cache."""


@cache.command("stats")
@click.pass_context
def cache_stats(ctx: click.Context) -> None:
    """Print hit, miss and provider-call counters."""
    with _app(ctx).app_context():
        _emit(recommender().cache.stats().to_dict())


@cache.command("purge")
@click.pass_context
def cache_purge(ctx: click.Context) -> None:
    """Delete entries past their stale period."""
    with _app(ctx).app_context():
        click.echo(f"purged {recommender().cache.purge_expired()} entries")


@cache.command("clear")
@click.pass_context
def cache_clear(ctx: click.Context) -> None:
    """Delete every entry and reset the counters."""
    with _app(ctx).app_context():
        recommender().cache.clear()
    click.echo("cache cleared")
