"""EmotionPix: recognise the viewer's emotion and recommend well-rated movies that fit it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from emotionpix._version import __version__

if TYPE_CHECKING:  # Flask is imported by create_app only: the domain parts never load it
    from flask import Flask

__all__ = ["__version__", "create_app"]


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Application factory: config -> database (migrated) -> wiring (provider, cache,
    recommender, emotion engine) -> protection (CSRF, rate limits) -> accounts ->
    blueprints -> error handlers."""
    from flask import Flask
    from werkzeug.middleware.proxy_fix import ProxyFix

    from emotionpix import errors, migrations, protection, wiring
    from emotionpix.auth import setup as auth
    from emotionpix.config import instance_path, load_config
    from emotionpix.web import api, i18n, library, ondevice, pages, rooms, taste
    from emotionpix.web.uploads import InMemoryRequest

    app = Flask(
        __name__,
        instance_path=instance_path(config),
        instance_relative_config=True,
        static_folder=None,  # assets are served by the pages blueprint (web/static)
    )
    app.request_class = InMemoryRequest  # uploads never touch the disk
    app.json = api.BoundedJSONProvider(app)  # JSON bodies: limited in size and nesting
    # "/static//x" must not redirect (with the client's Host header) to "/static/x"
    app.url_map.merge_slashes = False
    load_config(app, config)
    if proxies := app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]
    wiring.init_database(app)
    migrations.init_app(app)
    wiring.init_app(app)
    protection.init_app(app)
    i18n.init_app(app)  # before the accounts: their mails and pages speak the viewer's language
    auth.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(library.bp)
    taste.init_app(app)  # with what the members like together: after the accounts
    app.register_blueprint(ondevice.bp)
    app.register_blueprint(rooms.bp)
    errors.init_app(app)
    return app
