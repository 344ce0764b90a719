"""EmotionPix: recognise the viewer's emotion and recommend well-rated movies that fit it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from emotionpix._version import __version__

__all__ = ["__version__", "create_app"]


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Application factory: config -> database (migrated) -> services -> guards (CSRF,
    rate limits) -> accounts -> blueprints -> error handlers."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    from emotionpix import auth, db, errors, guards, migrations, services
    from emotionpix.config import instance_path, load_config
    from emotionpix.web import api, library, ondevice, pages
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
    db.init_app(app)
    migrations.init_app(app)
    services.init_app(app)
    guards.init_app(app)
    auth.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(library.bp)
    app.register_blueprint(ondevice.bp)
    errors.init_app(app)
    return app
