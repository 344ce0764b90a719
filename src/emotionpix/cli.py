"""The ``emotionpix`` command line: serve the app, ask for recommendations, search, manage
the cache. Each command builds the app from the same configuration as the server."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import click
from flask import Flask

from emotionpix import create_app, server
from emotionpix.auth.base import AuthBackend
from emotionpix.auth.commands import users
from emotionpix.auth.ledger import SessionLedger
from emotionpix.auth.personal import PersonalData
from emotionpix.auth.session import backend, ledger, personal
from emotionpix.cache.base import Cache
from emotionpix.cache.commands import cache
from emotionpix.config import (
    ConfigError,
    describe,
    instance_path,
    load_config,
    markdown_table,
    read_settings,
)
from emotionpix.core.errors import AppError
from emotionpix.core.movies import Movie
from emotionpix.db import DatabaseUnavailable
from emotionpix.emotion import EmotionError
from emotionpix.migrations.commands import db_group
from emotionpix.wiring import database, emotion_engine, recommender


class Parts:
    """What the commands get from the command line (``ctx.obj``): the app, built from the
    configuration on first use, and the parts each part's own commands need (``users``:
    the accounts; ``cache``: the cache; ``db``: the database URL, read without starting the
    app, which would migrate it)."""

    def __init__(self, app: Flask | None = None) -> None:
        self._app = app

    def app(self) -> Flask:
        if self._app is None:
            try:
                self._app = create_app()
            except (ConfigError, DatabaseUnavailable) as exc:  # a message, not a traceback
                raise click.ClickException(str(exc)) from None
        return self._app

    def accounts(self) -> tuple[AuthBackend, PersonalData, SessionLedger]:
        app = self.app()
        return backend(app), personal(app), ledger(app)

    def cache(self) -> Cache:
        return recommender(self.app()).cache

    def cache_stats(self) -> dict[str, Any]:
        return recommender(self.app()).cache_stats()

    def database_url(self) -> str:
        if self._app is not None:
            return str(self._app.config["DATABASE_URL"])
        app = Flask("emotionpix", instance_path=instance_path())
        try:
            load_config(app)
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None
        return str(app.config["DATABASE_URL"])


def _app(ctx: click.Context) -> Flask:
    parts: Parts = ctx.obj
    return parts.app()


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
@click.pass_context
def main(ctx: click.Context) -> None:
    """EmotionPix: movies for how you feel."""
    if not isinstance(ctx.obj, Parts):  # an app handed in (tests), or none yet
        ctx.obj = Parts(ctx.obj if isinstance(ctx.obj, Flask) else None)


main.add_command(users)
main.add_command(cache)
main.add_command(db_group)


@main.command("config")
@click.option("--markdown", is_flag=True, help="Print the README's table of variables.")
def show_config(markdown: bool) -> None:
    """Print the effective settings (secrets masked), each with where it came from."""
    if markdown:
        click.echo(markdown_table(), nl=False)
        return
    try:
        rows = describe(read_settings())
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    width = max(len(name) for name, _, _ in rows)
    for name, value, source in rows:
        click.echo(f"{name.ljust(width)}  {source.ljust(11)}  {value}")


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
    "--threads", default=16, show_default=True, type=click.IntRange(1), help="Threads each."
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
@click.option(
    "--log-static",
    is_flag=True,
    help="Log requests for static files (scripts, styles, models) too.",
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
    log_static: bool,
) -> None:
    """Serve the web app and API: Waitress, one process of THREADS threads that reads each
    request whole before a thread takes it (slow clients hold none), or Gunicorn with WORKERS
    processes of THREADS threads each, to run behind nginx (docs/deploy.md)."""
    kind = kind or ("waitress" if workers == 1 else "gunicorn")
    if kind == "waitress" and workers > 1:
        raise click.ClickException("Waitress runs one process: use --server gunicorn for workers")
    if kind == "gunicorn" and not server.gunicorn_available():
        raise click.ClickException("Gunicorn cannot run here: serve one worker with Waitress")
    if server.port_taken(host, port):
        raise click.ClickException(
            f"Port {port} is already in use on {host} (another EmotionPix?): "
            f"stop it, or choose another port, e.g. emotionpix serve --port {port + 1}"
        )
    app = _app(ctx)  # a bad configuration stops here, before any worker starts
    onnx = server.onnx_threads_for(workers, app.config["ONNX_THREADS"])
    if onnx != app.config["ONNX_THREADS"]:
        click.echo(f"ONNX Runtime: {onnx} thread(s) per model, so {workers} workers fit the cores")
        os.environ["EMOTIONPIX_ONNX_THREADS"] = str(onnx)  # read by every worker's app
    click.echo(
        f"EmotionPix on http://{host}:{port} with {kind}, {workers} worker(s) x {threads} "
        f"threads (data in {app.instance_path})"
    )
    if access_log:
        shown = "every request" if log_static else "pages and API calls (--log-static: files too)"
        click.echo(f"Access log: {shown}, to {'this console' if access_log == '-' else access_log}")
    if kind == "gunicorn":
        click.echo(
            "Gunicorn gives a thread to each connection as it starts: slow clients can hold "
            "them all, so serve it behind nginx, which buffers requests (docs/deploy.md)"
        )
    plan = server.Plan(host, port, workers, threads, access_log or None, log_static)
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
    elif result.not_found:
        click.echo(result.not_found)  # an offline catalog says where it ends
    else:
        _print_movies(result.movies)


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
