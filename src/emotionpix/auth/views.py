"""The account pages: sign up, confirm the email, sign in and out, reset or change the
password, the account page (mood history, export, delete) and the watchlist page (with
its "Now on Netflix" marks).

Every form posts (with its CSRF token); every page works without JavaScript, except the
Supabase link landing, which must read the tokens Supabase puts in the address's fragment.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response as BaseResponse

from emotionpix.auth.base import (
    PROOF_FIELDS,
    AuthError,
    AuthUnavailable,
    EmailNotVerified,
    Identity,
    SignedOut,
    WrongSignUpPassword,
)
from emotionpix.auth.personal import Film, seen, watchlist
from emotionpix.auth.session import (
    ACCOUNT_DELETED_KEY,
    backend,
    current_credentials,
    end_session,
    ledger,
    personal,
    require_user,
    safe_next,
    start_session,
)
from emotionpix.config import LOOPBACK_HOSTS
from emotionpix.core.errors import ServiceUnavailable
from emotionpix.core.i18n import gettext
from emotionpix.core.movies import Movie
from emotionpix.errors import status_of
from emotionpix.protection import auth_limit, limiter, never_stored
from emotionpix.wiring import recommender, watch_guide

bp = Blueprint("auth", __name__, template_folder="templates")


bp.after_request(never_stored)  # account pages show personal data and tokens


def _proof() -> dict[str, str]:
    source = request.form if request.method == "POST" else request.args
    return {name: source[name][:4096] for name in PROOF_FIELDS if source.get(name)}


def _form(name: str) -> str:
    return request.form.get(name, "")[:1024]


def _mailer_where() -> str:
    """Where the backend's mail goes (Supabase mails from its own servers: an inbox)."""
    mailer = getattr(backend(), "mailer", None)
    return str(getattr(mailer, "where", "your inbox"))


def _page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(f"auth/{template}", proof_names=PROOF_FIELDS, **context), status


class PublicUrlMissing(AuthUnavailable):
    """Mail with links cannot go out: the server does not know its public address."""

    code = "public_url_missing"

    def __init__(self) -> None:
        super().__init__(
            gettext(
                "Accounts cannot send emails on this server yet: its operator must set "
                "EMOTIONPIX_PUBLIC_URL (the address people use to reach it)."
            )
        )


def _link_to(endpoint: str) -> str:
    """The absolute URL a mailed link leads back to: under ``PUBLIC_URL``, never under the
    Host header a request brings (anyone can send any Host, and a reset link on their host
    would hand them the token). Without ``PUBLIC_URL`` only a loopback host is believed: a
    development server on this machine."""
    public = current_app.config["PUBLIC_URL"]
    path = url_for(endpoint)[len(request.script_root) :]
    if public:
        return f"{public.rstrip('/')}{path}"
    if urlsplit(f"//{request.host}").hostname not in LOOPBACK_HOSTS:
        current_app.logger.error(
            "a mailed link was asked for on host %r: set EMOTIONPIX_PUBLIC_URL", request.host
        )
        raise PublicUrlMissing()
    return url_for(endpoint, _external=True)


def _mail_a_link(form: str, purpose: str, send: Callable[[str], None]) -> Any:
    """Ask the backend to mail a link to the form's email; then "check your email" (the
    same whether or not the email has an account), or the form again with the reason."""
    email = _form("email")
    try:
        send(email)
    except AuthError as exc:
        return _page(form, status_of(exc), error=exc.message, email=email)
    return _page("check_email.html", email=email, where=_mailer_where(), purpose=purpose)


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
def sign_up() -> Any:
    if request.method == "GET":
        return _page("signup.html")
    email = _form("email")
    try:
        backend().sign_up(email, _form("password"), confirm_url=_link_to("auth.confirm"))
    except AuthError as exc:
        return _page("signup.html", status_of(exc), error=exc.message, email=email)
    return _page("check_email.html", email=email, where=_mailer_where(), purpose="confirm")


def _confirm_page(status: int = 200, **context: Any) -> tuple[str, int]:
    proof = _proof()
    link_email = getattr(backend(), "link_email", None)
    return _page(
        "confirm.html",
        status,
        proof=proof,
        email=link_email(proof) if link_email else None,
        with_password=getattr(backend(), "confirms_with_password", False),
        supabase=backend().name == "supabase",
        **context,
    )


@bp.route("/confirm", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
def confirm() -> Any:
    """GET shows the address and a button (mail scanners that open links confirm nothing;
    nothing is sent by itself); POST confirms, with the sign-up password where the backend
    keeps it, and signs in."""
    if request.method == "GET":
        return _confirm_page()
    try:
        credentials = backend().confirm(_proof(), _form("password"))
    except WrongSignUpPassword as exc:
        return _confirm_page(status_of(exc), error=exc.message)
    except AuthError as exc:
        return _page("confirm.html", status_of(exc), error=exc.message, proof={}, resend=True)
    start_session(credentials, remember=False)
    return redirect(url_for("pages.index", welcome=1))


@bp.post("/confirm/resend")
@limiter.limit(auth_limit)
def resend() -> Any:
    return _mail_a_link(
        "signin.html",
        "confirm",
        lambda email: backend().resend(email, confirm_url=_link_to("auth.confirm")),
    )


@bp.route("/signin", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
def sign_in() -> Any:
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        return _page("signin.html", next=next_url)
    email = _form("email")
    try:
        credentials = backend().sign_in(email, _form("password"))
    except EmailNotVerified as exc:
        return _page("signin.html", status_of(exc), error=exc.message, email=email, unverified=True)
    except AuthError as exc:
        return _page("signin.html", status_of(exc), error=exc.message, email=email, next=next_url)
    start_session(credentials, remember=request.form.get("remember") == "on")
    return redirect(next_url)


@bp.post("/signout")
def sign_out() -> BaseResponse:
    end_session()
    return redirect(url_for("pages.index"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
def forgot() -> Any:
    if request.method == "GET":
        return _page("forgot.html")
    return _mail_a_link(
        "forgot.html",
        "reset",
        lambda email: backend().request_reset(email, reset_url=_link_to("auth.reset")),
    )


@bp.route("/password/reset", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
def reset() -> Any:
    if request.method == "GET":
        return _page("reset.html", proof=_proof())
    try:
        credentials = backend().reset_password(_proof(), _form("password"))
    except AuthError as exc:
        return _page("reset.html", status_of(exc), error=exc.message, proof=_proof())
    start_session(credentials, remember=False)
    return redirect(url_for("auth.account", changed=1))


def _signed_in_or_sign_in(page: str) -> Identity | BaseResponse:
    """The signed-in user, or a redirect to sign in that comes back to ``page``."""
    try:
        return require_user()
    except SignedOut:
        return redirect(url_for("auth.sign_in", next=url_for(page)))


def _account_page(status: int = 200, **extra: Any) -> Any:
    user = _signed_in_or_sign_in("auth.account")
    if not isinstance(user, Identity):
        return user
    data = personal()
    return _page(
        "account.html",
        status,
        history_enabled=data.history_enabled(user.user_id),
        moods=data.moods(user.user_id),
        learning_enabled=data.learning_enabled(user.user_id),
        signals=len(data.signals(user.user_id)),
        deletes_remote=getattr(backend(), "deletes_remote_account", True),
        everywhere=hasattr(backend(), "sign_out_everywhere"),
        **extra,
    )


@bp.get("/account")
def account() -> Any:
    return _account_page(changed=request.args.get("changed") == "1")


@bp.post("/account/password")
def change_password() -> Any:
    credentials = current_credentials()
    if credentials is None:
        raise SignedOut()
    try:
        renewed = backend().change_password(credentials, _form("current"), _form("password"))
    except AuthError as exc:
        return _account_page(status_of(exc), password_error=exc.message)
    start_session(renewed)
    return redirect(url_for("auth.account", changed=1))


@bp.post("/account/signout-everywhere")
def sign_out_everywhere() -> BaseResponse:
    credentials = current_credentials()
    if credentials is None:
        raise SignedOut()
    getattr(backend(), "sign_out_everywhere", backend().sign_out)(credentials)
    ledger().close_all(credentials.identity.user_id)
    end_session()
    return redirect(url_for("auth.sign_in"))


@bp.post("/account/history")
def history() -> BaseResponse:
    user = require_user()
    personal().set_history(user.user_id, request.form.get("enabled") == "on")
    return redirect(url_for("auth.account", _anchor="history"))


@bp.post("/account/taste")
def learning() -> BaseResponse:
    """Learn from what the owner says about films, or not (off forgets what was learned)."""
    user = require_user()
    personal().set_learning(user.user_id, request.form.get("enabled") == "on")
    return redirect(url_for("auth.account", _anchor="taste"))


@bp.post("/account/taste/reset")
def reset_taste() -> BaseResponse:
    """ "Reset my taste": every signal forgotten."""
    user = require_user()
    personal().forget_taste(user.user_id)
    return redirect(url_for("auth.account", _anchor="taste"))


@bp.get("/account/export")
def export() -> Response:
    """Everything kept about the account, as a JSON download."""
    user = require_user()
    record = getattr(backend(), "record", None)
    data = {
        "exported_by": "EmotionPix",
        "email": user.email,
        "backend": backend().name,
        "login": record(user.user_id) if record else None,
        **personal().export(user.user_id),
        "sessions": ledger().export(user.user_id),
    }
    body = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="emotionpix-my-data.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.post("/account/delete")
def delete_account() -> Any:
    credentials = current_credentials()
    if credentials is None:
        raise SignedOut()
    if request.form.get("confirm") != "on":
        return redirect(url_for("auth.account", _anchor="delete"))
    personal().delete(credentials.identity.user_id)
    for forget in current_app.extensions.get(ACCOUNT_DELETED_KEY, []):
        forget(credentials.identity.user_id)  # e.g. the movie nights it is in
    backend().delete(credentials)
    ledger().close_all(credentials.identity.user_id)
    end_session()
    return _page("deleted.html", deletes_remote=getattr(backend(), "deletes_remote_account", True))


@bp.get("/watchlist")
def watchlist_page() -> Any:
    user = _signed_in_or_sign_in("auth.watchlist_page")
    if not isinstance(user, Identity):
        return user
    data = personal()
    films = data.films(watchlist, user.user_id)
    return _page(
        "watchlist.html",
        films=films,
        seen_films=data.films(seen, user.user_id),
        watch=watchlist_watch(user.user_id, films, request.accept_languages.values()),
    )


# -- the watchlist page's "Now on Netflix" ----------------------------------------------------
# The owner's services (kept on the account) checked when the page is shown, every film at
# once; what each film was offered on is remembered for the next visit, so a film that came
# to one of them since can say so. Without a TMDB key the page shows no marks; while TMDB
# fails it says availability is unavailable right now.


@dataclass(frozen=True)
class WatchlistWatch:
    """What the page shows: ``marks`` by film id (``Mark``: services, new), the region's
    name, the data's credit; ``choose``: no services chosen yet; ``unavailable``: TMDB
    could not be asked."""

    marks: dict[str, Any]
    region: str
    credit: str
    choose: bool = False
    unavailable: bool = False


def watchlist_watch(
    user_id: str, films: Sequence[Film], languages: Iterable[str]
) -> WatchlistWatch | None:
    """The marks for the owner's watchlist (``languages``: the browser's, for a region not
    chosen yet); None where to watch is not configured."""
    guide = watch_guide()
    if guide is None:
        return None
    data = personal()
    settings = data.watch_settings(user_id) or {}
    region = settings.get("region") or guide.region_for(languages)
    services = settings.get("services") or []
    if not services or not films:
        return WatchlistWatch({}, region, guide.attribution, choose=not services)
    checked = guide.check_watchlist(
        _movies(films, guide.via_imdb), region, services, data.watch_last_seen(user_id)
    )
    with suppress(SQLAlchemyError):  # the marks show even if they cannot be remembered
        data.remember_watch(user_id, checked.seen_now)
    if checked.unavailable:  # TMDB fails: no list of names to ask it for either
        return WatchlistWatch(checked.marks, region, guide.attribution, unavailable=True)
    return WatchlistWatch(checked.marks, _named(guide.regions, region), guide.attribution)


def _movies(films: Sequence[Film], via_imdb: bool) -> list[Movie]:
    """The films as the guide asks for them: by the provider's id, or (an enriched catalog)
    by IMDb id, which the catalog knows in memory."""
    provider = recommender().provider
    movies = []
    for film in films:
        known = provider.get(film.movie_id) if via_imdb else None
        imdb = film.movie_id if film.movie_id.startswith("tt") else None
        movies.append(known or Movie(film.movie_id, film.title, imdb_id=imdb))
    return movies


def _named(regions: Callable[[], list[dict[str, str]]], region: str) -> str:
    """The region's name from TMDB's list (``regions``: the guide's; the code while the
    list cannot be had)."""
    with suppress(ServiceUnavailable):
        for listed in regions():
            if listed["code"] == region:
                return listed["name"]
    return region


@bp.post("/watchlist/<movie_id>/remove")
def remove_from_watchlist(movie_id: str) -> BaseResponse:
    user = require_user()
    personal().remove(watchlist, user.user_id, movie_id)
    return redirect(url_for("auth.watchlist_page"))


@bp.post("/seen/<movie_id>/remove")
def remove_from_seen(movie_id: str) -> BaseResponse:
    user = require_user()
    personal().remove(seen, user.user_id, movie_id)
    return redirect(url_for("auth.watchlist_page", _anchor="seen"))
