"""docs/deploy.md shows the deployment files exactly as the scale-out test runs them."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "deploy.md").read_text()


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC, re.S)


def test_the_nginx_configuration_shown_is_the_file_the_test_runs():
    assert blocks("nginx") == [(ROOT / "deploy" / "nginx.conf").read_text()]


def test_the_environment_shown_is_the_file_the_test_runs():
    assert (ROOT / "deploy" / "emotionpix.env").read_text() in blocks("sh")
