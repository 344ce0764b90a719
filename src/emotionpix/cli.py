"""The ``emotionpix`` command line: serve the app, ask for recommendations, search, manage
the cache. Each command builds the app from the same configuration as the server."""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from typing import Any

import click
from alembic.util import CommandError
from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from emotionpix import create_app, migrations, server
from emotionpix.auth.base import Credentials
from emotionpix.auth.local import LocalBackend
from emotionpix.auth.session import backend, personal
from emotionpix.config import ConfigError
from emotionpix.core.errors import AppError
from emotionpix.core.movies import Movie
from emotionpix.db import DatabaseUnavailable, make_engine, unavailable
from emotionpix.emotion import EmotionError
from emotionpix.wiring import database, emotion_engine, recommender


def _app(ctx: click.Context) -> Flask:
    app = ctx.find_object(Flask)
    if app is None:
        try:
            app = create_app()
        except (ConfigError, DatabaseUnavailable) as exc:  # a message, not a traceback
            raise click.ClickException(str(exc)) from None
        ctx.obj = app
    return app


def _fail(exc: AppError) -> None:
    click.echo(f"error: {exc.message}", err=True)
    sys.exit(2)


def _print_movies(movies: list[Movie], reasons: list[str] | None = None) -> None:
    if not movies:
        click.echo("No movies found.")
    for i, movie in enumerate(movies):
        rating = f"{movie.rating:.1f}" if movie.rating is not None else "  - "
        year = movie.year or "    "
        click.echo(f"{rating}  {year}  {movie.title}  [{movie.id}]")
        if reasons:
            click.echo(f"           {reasons[i]}")


def _emit(data: dict[str, Any]) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group()
@click.version_option(package_name="emotionpix")
def main() -> None:
    """EmotionPix: movies for how you feel."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1),
    help="Processes (more than one: Gunicorn, behind nginx).",
)
@click.option(
    "--threads", default=8, show_default=True, type=click.IntRange(1), help="Threads each."
)
@click.option(
    "--server",
    "kind",
    type=click.Choice(["waitress", "gunicorn"]),
    default=None,
    help="WSGI server (default: Waitress for one worker, Gunicorn for several).",
)
@click.option(
    "--access-log",
    default="-",
    show_default=True,
    help="Where each request is logged ('-': standard output; '' for none).",
)
@click.pass_context
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    workers: int,
    threads: int,
    kind: str | None,
    access_log: str,
) -> None:
    """Serve the web app and API: Waitress, one process of THREADS threads that reads each
    request whole before a thread takes it (slow clients hold none), or Gunicorn with WORKERS
    processes of THREADS threads each, to run behind nginx (docs/deploy.md)."""
    kind = kind or ("waitress" if workers == 1 else "gunicorn")
    if kind == "waitress" and workers > 1:
        raise click.ClickException("Waitress runs one process: use --server gunicorn for workers")
    if kind == "gunicorn" and not server.gunicorn_available():
        raise click.ClickException("Gunicorn cannot run here: serve one worker with Waitress")
    app = _app(ctx)  # a bad configuration stops here, before any worker starts
    onnx = server.onnx_threads_for(workers, app.config["ONNX_THREADS"])
    if onnx != app.config["ONNX_THREADS"]:
        click.echo(f"ONNX Runtime: {onnx} thread(s) per model, so {workers} workers fit the cores")
        os.environ["EMOTIONPIX_ONNX_THREADS"] = str(onnx)  # read by every worker's app
    click.echo(
        f"EmotionPix on http://{host}:{port} with {kind}, {workers} worker(s) x {threads} "
        f"threads (data in {app.instance_path})"
    )
    if kind == "gunicorn":
        click.echo(
            "Gunicorn gives a thread to each connection as it starts: slow clients can hold "
            "them all, so serve it behind nginx, which buffers requests (docs/deploy.md)"
        )
    plan = server.Plan(host, port, workers, threads, access_log or None)
    if kind == "waitress":
        emotion_engine(app)  # the models load now, not on the first photo
        server.run_waitress(app, plan, app.config["MAX_CONTENT_LENGTH"])
    else:
        database(app).dispose()  # the workers open connections of their own

        def worker_app() -> Flask:
            """Each worker's own app, its models loaded before it takes requests."""
            worker = create_app()
            emotion_engine(worker)
            return worker

        server.run_gunicorn(worker_app, plan)


@main.command()
@click.argument("emotion")
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON.")
@click.option("--limit", type=click.IntRange(1, 200), default=None, help="At most N films.")
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@click.option("--seed", type=int, default=None, help="Fix the rotation (same seed, same order).")
@click.option(
    "--mode",
    type=click.Choice(["match", "lift"]),
    default="match",
    show_default=True,
    help="Films that match the mood, or films that lift it.",
)
@click.pass_context
def recommend(
    ctx: click.Context,
    emotion: str,
    as_json: bool,
    limit: int | None,
    page: int,
    seed: int | None,
    mode: str,
) -> None:
    """Recommend films for EMOTION (happy, sad, angry, surprise, neutral, fear, disgust)."""
    with _app(ctx).app_context():
        try:
            result = recommender().recommend(emotion, page=page, seed=seed, mode=mode)
        except AppError as exc:
            _fail(exc)
    picks = result.picks[:limit] if limit else result.picks
    if as_json:
        _emit({**result.to_dict(), "movies": [pick.to_dict() for pick in picks]})
        return
    if page > 1 and seed is None:
        click.echo(
            "note: without --seed every call shuffles anew, so this page may repeat films of "
            "the page 1 you saw; page 1 prints its seed: pass it with --seed to page through "
            "one order.",
            err=True,
        )
    click.echo(
        f"{result.emotion} -> {result.genre} "
        f"({result.mode}, page {result.page}, seed {result.seed}, from {result.source})"
    )
    _print_movies([pick.movie for pick in picks], [pick.reason for pick in picks])
    if result.has_more:
        click.echo(
            f"next page: emotionpix recommend {result.emotion} "
            f"{'--mode lift ' if result.mode == 'lift' else ''}"
            f"--seed {result.seed} --page {result.page + 1}"
        )


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
def users() -> None:
    """Manage local accounts (EMOTIONPIX_AUTH_BACKEND=local)."""


def _local(ctx: click.Context) -> LocalBackend:
    found = backend(_app(ctx))
    if not isinstance(found, LocalBackend):
        raise click.ClickException("these commands manage local accounts; Supabase has its own")
    return found


def _password() -> str:
    """The new password: a prompt (typed twice, hidden) on a terminal, else stdin's line."""
    if sys.stdin.isatty():
        text: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        return text
    return sys.stdin.readline().rstrip("\r\n")


@users.command("create")
@click.argument("email")
@click.option("--verified", is_flag=True, help="Mark the email as verified (no email is sent).")
@click.pass_context
def users_create(ctx: click.Context, email: str, verified: bool) -> None:
    """Create an account; the password comes from a prompt or standard input."""
    local = _local(ctx)
    with _app(ctx).app_context():
        if local.find(email) is not None:
            raise click.ClickException(f"{email} already has an account")
        try:
            identity = local.create_user(email, _password(), verified=verified)
        except AppError as exc:
            _fail(exc)
            return
        personal().ensure_account(identity, local.name)
    state = "verified" if verified else "not verified: it must be confirmed before signing in"
    click.echo(f"created {identity.email} ({state})")


@users.command("delete")
@click.argument("email")
@click.pass_context
def users_delete(ctx: click.Context, email: str) -> None:
    """Delete an account and everything kept about it."""
    local = _local(ctx)
    with _app(ctx).app_context():
        try:
            identity = local.find(email)
        except AppError as exc:
            _fail(exc)
            return
        if identity is None:
            raise click.ClickException(f"no account for {email}")
        personal().delete(identity.user_id)
        local.delete(Credentials(identity))
    click.echo(f"deleted {identity.email} and everything kept about it")


@users.command("list")
@click.pass_context
def users_list(ctx: click.Context) -> None:
    """Every local account, with when it was created and whether it is verified."""
    accounts = _local(ctx).users()
    if not accounts:
        click.echo("No accounts.")
    for account in accounts:
        created = datetime.fromtimestamp(account["created_at"], UTC).strftime("%Y-%m-%d %H:%M")
        state = "verified" if account["verified_at"] else "unverified"
        click.echo(f"{account['email']}  {state}  created {created} UTC")


@main.group()
def cache() -> None:
    """Inspect or empty the provider cache."""


@cache.command("stats")
@click.pass_context
def cache_stats(ctx: click.Context) -> None:
    """Print hit, miss and provider-call counters."""
    with _app(ctx).app_context():
        _emit(recommender().cache_stats())


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


@main.group("db")
def db_group() -> None:
    """Migrate the app database (its tables: the cache's, and those added later)."""


def _database_url(ctx: click.Context) -> str:
    """The configured database URL, without starting the app (which would migrate it)."""
    app = ctx.find_object(Flask)
    if app is None:
        from emotionpix.config import instance_path, load_config

        app = Flask("emotionpix", instance_path=instance_path())
        try:
            load_config(app)
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None
    return str(app.config["DATABASE_URL"])


@db_group.command("upgrade")
@click.argument("revision", default="head")
@click.pass_context
def db_upgrade(ctx: click.Context, revision: str) -> None:
    """Bring the database to REVISION (default: the newest)."""
    engine = make_engine(_database_url(ctx))
    try:
        migrations.upgrade(engine, revision)
        click.echo(f"database at {migrations.current(engine)}")
    except SQLAlchemyError as exc:
        raise click.ClickException(str(unavailable(engine, exc))) from None
    except CommandError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        engine.dispose()


@db_group.command("current")
@click.pass_context
def db_current(ctx: click.Context) -> None:
    """Print the database's revision and the newest one this version has."""
    engine = make_engine(_database_url(ctx))
    try:
        found = migrations.current(engine)
    except SQLAlchemyError as exc:
        raise click.ClickException(str(unavailable(engine, exc))) from None
    finally:
        engine.dispose()
    newest = migrations.head()
    state = "up to date" if found == newest else "run `emotionpix db upgrade`"
    click.echo(f"database at {found or 'nothing'}, newest {newest} ({state})")


@db_group.command("revision")
@click.argument("message")
def db_revision(message: str) -> None:
    """Write a migration for the tables and columns the code declares beyond the newest
    revision (for developers: edit and test it before committing)."""
    click.echo(f"wrote {migrations.revision(message)}")


@main.command()
@click.argument("images", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object per image).")
@click.pass_context
def detect(ctx: click.Context, images: tuple[str, ...], as_json: bool) -> None:
    """Find faces in IMAGE files and say which emotion each shows."""
    from pathlib import Path

    app = _app(ctx)
    with app.app_context():
        engine, service = emotion_engine(), recommender()
        results: list[dict[str, Any]] = []
        for path in images:
            try:
                analysis = engine.analyse(Path(path).read_bytes())
            except EmotionError as exc:
                results.append({"image": path, "error": exc.code, "message": exc.message})
                continue
            genre = service.genre_for(analysis.primary.emotion)
            results.append({"image": path, **analysis.to_dict(), "genre": genre})
    if as_json:
        _emit({"results": results} if len(results) > 1 else results[0])
    else:
        for result in results:
            if "error" in result:
                click.echo(f"{result['image']}: {result['message']}")
                continue
            faces = len(result["faces"])
            click.echo(
                f"{result['image']}: {result['emotion']} ({result['confidence']:.0%}) -> "
                f"{result['genre']}; {faces} face{'s' if faces != 1 else ''}, "
                f"{result['timings_ms']['total']:.1f} ms"
            )
    if all("error" in r for r in results):
        sys.exit(1)


@main.command("eval")
@click.argument("dataset", type=click.Path(exists=True, file_okay=False))
@click.option("--model", default=None, help="Registered model name (default: configured).")
@click.option("--no-detect", is_flag=True, help="Images are face crops already.")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.pass_context
def evaluate_command(
    ctx: click.Context, dataset: str, model: str | None, no_detect: bool, as_json: bool
) -> None:
    """Accuracy, macro-F1, per-class precision/recall, confusion matrix and detection rate
    on DATASET (DATASET/<label>/*.jpg|png|webp)."""
    from pathlib import Path

    from emotionpix.emotion import EmotionEngine
    from emotionpix.emotion.evaluate import evaluate

    app = _app(ctx)
    with app.app_context():
        configured = emotion_engine()
    try:
        engine = (
            configured
            if model in (None, configured.model_name)
            else EmotionEngine(model, configured.detector, max_pixels=configured.max_pixels)
        )
        report = evaluate(engine, Path(dataset), detect=not no_detect)
    except ValueError as exc:  # unknown model, or no dataset there
        raise click.ClickException(str(exc)) from None
    if as_json:
        _emit(report)
        return
    click.echo(_format_report(report))


def _format_report(report: dict[str, Any]) -> str:
    labels = report["labels"]
    lines = [
        f"model {report['model']}, {report['n']} images, "
        f"{'with' if report['detect'] else 'without'} face detection",
        f"accuracy {report['accuracy']:.2%}   macro-F1 {report['macro_f1']:.4f}   "
        f"detection rate {report['detection_rate']:.2%}",
        "",
        f"{'class':10} {'precision':>9} {'recall':>7} {'f1':>7} {'support':>8}",
    ]
    for label in labels:
        c = report["per_class"][label]
        lines.append(
            f"{label:10} {c['precision']:9.3f} {c['recall']:7.3f} {c['f1']:7.3f} {c['support']:8d}"
        )
    lines += [
        "",
        "confusion (rows: true, columns: predicted)",
        " " * 10 + "".join(f"{label[:7]:>8}" for label in labels),
    ]
    for label, row in zip(labels, report["confusion"], strict=True):
        lines.append(f"{label:10}" + "".join(f"{v:8d}" for v in row))
    return "\n".join(lines)
