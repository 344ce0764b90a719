import multiprocessing
import os

import pytest
from flask import Flask

from emotionpix import create_app
from emotionpix.config import ConfigError, _instance_secret, load_config
from emotionpix.db import DatabaseUnavailable


def test_environment_variables_are_read_as_json(monkeypatch, tmp_path):
    monkeypatch.setenv("EMOTIONPIX_CACHE_TTL", "60")
    monkeypatch.setenv("EMOTIONPIX_LANGUAGES", '["Hindi"]')
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["CACHE_TTL"] == 60
    assert app.config["LANGUAGES"] == ["Hindi"]


def test_defaults_put_everything_in_the_instance_folder(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'emotionpix.sqlite3'}"
    assert app.config["CACHE_URL"] == app.config["DATABASE_URL"]
    assert app.config["CACHE_TTL"] == 3600


def test_secret_key_is_generated_once_and_kept(tmp_path):
    first = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    second = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    assert first == second
    assert len(first) > 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_env_file_is_read_in_development_only(monkeypatch, tmp_path):
    (tmp_path / ".env").write_text("EMOTIONPIX_PAGE_SIZE=7\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("EMOTIONPIX_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("EMOTIONPIX_PAGE_SIZE", raising=False)
    assert create_app().config["PAGE_SIZE"] == 20
    monkeypatch.setenv("EMOTIONPIX_ENV", "development")
    assert create_app().config["PAGE_SIZE"] == 7
    assert "EMOTIONPIX_PAGE_SIZE" not in os.environ  # read, not written into the environment
    monkeypatch.setenv("EMOTIONPIX_PAGE_SIZE", "9")
    assert create_app().config["PAGE_SIZE"] == 9  # the environment wins over the file


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"CACHE_TTL": "an hour"}, "CACHE_TTL"),
        ({"CACHE_TTL": -1}, "CACHE_TTL"),
        ({"LANGUAGES": "Hindi"}, "LANGUAGES"),
        ({"MIN_VOTES": "many"}, "MIN_VOTES"),
        ({"ENV": "staging"}, "ENV"),
        ({"EMOTION_GENRES": ["Comedy"]}, "EMOTION_GENRES"),
        ({"EMOTION_GENRES": {"bored": "Comedy"}}, "EMOTIONPIX_EMOTION_GENRES"),
        ({"MOOD_FIT": [1]}, "MOOD_FIT"),
        ({"MOOD_FIT": {"threshold": 2}}, "EMOTIONPIX_MOOD_FIT: threshold"),
        ({"MOOD_FIT": {"lift": {"sad": {"support": {"Drama": "x"}}}}}, "lift.sad.support"),
        ({"BLEND_MARGIN": 1.5}, "BLEND_MARGIN"),
        ({"BLEND_MARGIN": "close"}, "BLEND_MARGIN"),
        ({"AUTH_BACKEND": "ldap"}, "AUTH_BACKEND='ldap': Input should be 'local' or 'supabase'"),
        ({"AUTH_BACKEND": "supabase"}, "needs EMOTIONPIX_SUPABASE_URL and"),
        ({"SMTP_URL": "mail.example.com"}, "EMOTIONPIX_SMTP_URL: use smtp://"),
        ({"RATE_LIMIT_AUTH": "lots"}, "RATE_LIMIT_AUTH='lots': should read like"),
        ({"SPOTLIGHT_EVERY": "abc"}, "SPOTLIGHT_EVERY='abc'"),
        ({"LOGIN_REQUIRED": "maybe"}, "LOGIN_REQUIRED='maybe'.*true/false"),
        ({"YEAR_FROM": 2020, "YEAR_TO": 1990}, "YEAR_FROM must not be after"),
        ({"PASSWORD_HASHING": "md5"}, "PASSWORD_HASHING"),
        ({"PASSWORD_HASHING": "cheapest"}, "for the test suite only"),
        ({"REMEMBER_DAYS": "a month"}, "REMEMBER_DAYS"),
    ],
)
def test_bad_configuration_fails_fast(tmp_path, overrides, message):
    with pytest.raises(ConfigError, match=message):
        create_app({"INSTANCE_PATH": str(tmp_path), **overrides})


def test_unknown_provider_fails_fast(tmp_path):
    with pytest.raises(ConfigError, match="PROVIDER must be catalog, imdb236 or tmdb"):
        create_app({"INSTANCE_PATH": str(tmp_path), "PROVIDER": "netflix"})


@pytest.mark.parametrize(
    ("provider", "missing"),
    [("tmdb", "EMOTIONPIX_TMDB_API_KEY or EMOTIONPIX_TMDB_TOKEN"), ("imdb236", "RAPIDAPI_KEY")],
)
def test_a_remote_provider_without_its_key_fails_fast(tmp_path, provider, missing):
    with pytest.raises(ConfigError, match=missing):
        create_app({"INSTANCE_PATH": str(tmp_path), "PROVIDER": provider})


def test_a_language_the_api_cannot_filter_by_fails_fast(tmp_path):
    with pytest.raises(ConfigError, match="unknown language 'Klingon'"):
        create_app(
            {
                "INSTANCE_PATH": str(tmp_path),
                "PROVIDER": "tmdb",
                "TMDB_API_KEY": "k",
                "LANGUAGES": ["Klingon"],
            }
        )


def test_credentials_stay_text_even_when_they_look_like_numbers(tmp_path, monkeypatch):
    monkeypatch.setenv("EMOTIONPIX_TMDB_API_KEY", "12345e10")
    monkeypatch.setenv("EMOTIONPIX_PAGE_SIZE", "12")
    app = Flask("config-only", instance_path=str(tmp_path))
    load_config(app, {})
    assert (app.config["TMDB_API_KEY"], app.config["PAGE_SIZE"]) == ("12345e10", 12)


def _secret_when_released(barrier, path, results):
    barrier.wait()
    try:
        results.put(_instance_secret(path))
    except Exception as exc:
        results.put(f"failed: {exc!r}")


def test_processes_starting_together_agree_on_one_secret(tmp_path):
    context = multiprocessing.get_context("fork")
    for trial in range(20):
        path = tmp_path / f"trial{trial}" / "secret_key"
        path.parent.mkdir()
        barrier, results = context.Barrier(6), context.Queue()
        workers = [
            context.Process(target=_secret_when_released, args=(barrier, path, results))
            for _ in range(6)
        ]
        for worker in workers:
            worker.start()
        secrets = {results.get(timeout=20) for _ in workers}
        for worker in workers:
            worker.join()
        assert len(secrets) == 1, secrets
        assert not next(iter(secrets)).startswith("failed")
        assert sorted(p.name for p in path.parent.iterdir()) == ["secret_key"]


def test_an_unusable_instance_folder_is_named(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(ConfigError, match=f"cannot use the instance folder {blocker}/instance"):
        create_app({"INSTANCE_PATH": str(blocker / "instance")})


def test_mood_fit_overrides_reach_the_recommendations(make_app):
    client = make_app(MOOD_FIT={"lift": {"sad": {"genre": "Musical"}}}).test_client()
    body = client.get("/api/recommendations?emotion=sad&mode=lift").get_json()
    assert body["genre"] == "Musical"


def test_the_blend_margin_is_configurable(make_app):
    client = make_app(BLEND_MARGIN=0.05).test_client()
    body = client.get("/api/recommendations?emotions=happy:0.48,surprise:0.41").get_json()
    assert body["blend"] is None


def test_an_unreachable_database_is_named_without_its_password(tmp_path):
    url = "postgresql+psycopg://someone:s3cret@127.0.0.1:9/nowhere"
    with pytest.raises(DatabaseUnavailable, match="cannot use the database") as info:
        create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": url, "SECRET_KEY": "k" * 48})
    assert "127.0.0.1:9/nowhere" in str(info.value)
    assert "s3cret" not in str(info.value)


@pytest.mark.parametrize(
    ("key", "url"),
    [
        ("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:9/elsewhere"),
        ("CACHE_URL", "redis://127.0.0.1:9/0"),
    ],
)
def test_a_shared_database_or_cache_needs_one_secret_for_every_server(tmp_path, key, url):
    with pytest.raises(ConfigError, match="EMOTIONPIX_SECRET_KEY: give every server the same"):
        create_app({"INSTANCE_PATH": str(tmp_path), key: url})
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    ("written", "closed"),
    [
        *[(v, False) for v in ("False", "false", "0", "no", "off", "OFF", "No")],
        *[(v, True) for v in ("True", "true", "1", "yes", "on", "ON", "Yes")],
    ],
)
def test_booleans_read_as_people_write_them(monkeypatch, tmp_path, written, closed):
    """``EMOTIONPIX_LOGIN_REQUIRED=False`` once closed the app (the text "False" is truthy)."""
    monkeypatch.setenv("EMOTIONPIX_LOGIN_REQUIRED", written)
    app = create_app({"INSTANCE_PATH": str(tmp_path), "ENV": "testing"})
    assert app.config["LOGIN_REQUIRED"] is closed
    answer = app.test_client().get("/api/recommendations?emotion=happy&seed=1")
    assert answer.status_code == (401 if closed else 200)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SPOTLIGHT_EVERY", "abc"),
        ("LOGIN_REQUIRED", "perhaps"),
        ("RATELIMIT_ENABLED", "sometimes"),
        ("SESSION_COOKIE_SECURE", "2"),
        ("CACHE_TTL", "-5"),
        ("LANGUAGES", "Hindi"),
        ("PUBLIC_URL", "films.example.org"),
    ],
)
def test_an_unparsable_value_stops_serve_with_one_line_naming_it(
    monkeypatch, tmp_path, variable, value
):
    from click.testing import CliRunner

    from emotionpix.cli import main

    monkeypatch.setenv("EMOTIONPIX_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv(f"EMOTIONPIX_{variable}", value)
    result = CliRunner().invoke(main, ["serve", "--port", "1"])
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"Error: EMOTIONPIX_{variable}={value!r}")
    assert "Traceback" not in result.output


def test_a_secrets_value_is_never_shown(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from emotionpix.cli import main

    monkeypatch.setenv("EMOTIONPIX_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("EMOTIONPIX_TMDB_API_KEY", "sekrit-value-123")
    monkeypatch.setenv("EMOTIONPIX_PAGE_SIZE", "12")
    result = CliRunner().invoke(main, ["config"])
    assert result.exit_code == 0, result.output
    assert "sekrit-value-123" not in result.output
    lines = {line.split()[0]: line.split(maxsplit=2)[1:] for line in result.output.splitlines()}
    assert lines["EMOTIONPIX_TMDB_API_KEY"] == ["environment", "********"]
    assert lines["EMOTIONPIX_PAGE_SIZE"] == ["environment", "12"]
    assert lines["EMOTIONPIX_CACHE_TTL"] == ["default", "3600"]


def test_an_old_setting_name_still_works_with_a_warning(monkeypatch, tmp_path):
    monkeypatch.setenv("EMOTIONPIX_CLOSE_CALL_MARGIN", "0.05")
    with pytest.warns(DeprecationWarning, match="use EMOTIONPIX_BLEND_MARGIN"):
        app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["BLEND_MARGIN"] == 0.05


def test_the_readme_lists_every_setting_as_declared():
    """The README's table of variables is the one ``emotionpix config --markdown`` prints."""
    from pathlib import Path

    from emotionpix.config import markdown_table

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert markdown_table() in readme
