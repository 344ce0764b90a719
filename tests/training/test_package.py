"""The research distribution: kept out of the app, says what it needs, and registers the
superseded models with the app's registry."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from emotionpix.emotion.registry import MODELS, available_models, get_model
from tests.images import make_dataset
from tests.unit.test_emotion_models import assert_publictest_build_report

ROOT = Path(__file__).resolve().parents[2]


def test_importing_it_without_torch_says_how_to_install_it():
    # -S: no site-packages, so neither torch nor the installed packages are there
    result = subprocess.run(
        [sys.executable, "-S", "-c", "import emotionpix_training"],
        env={"PYTHONPATH": f"{ROOT / 'training'}:{ROOT / 'src'}"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "pip install -e . -e ./training" in result.stderr


def test_the_superseded_models_are_selectable_but_not_bundled():
    superseded = {
        "emotionpix-distilled-2",
        "emotionpix-distilled",
        "emotionpix-ensemble",
        "emotionpix-fast",
    }
    assert superseded <= set(available_models()) - set(MODELS)
    for name in superseded | {"emotionpix-vgg"}:
        path = Path(get_model(name).file)
        assert path.parent == ROOT / "training" / "models"
        assert path.is_file()


def test_the_one_pass_model_s_entry_matches_its_build_and_test_reports():
    """emotionpix-fast: one int8 view, and the PublicTest accuracy measured once (its build
    report's figures are on the selection split, which chose nothing but the temperature)."""
    fast = get_model("emotionpix-fast")
    build = json.loads(Path(fast.file).with_suffix(".build.json").read_text())
    assert (fast.int8, fast.mirror_invariant, fast.align) == (True, False, True)
    assert (build["int8"], build["views"]) == (True, 1)
    test = json.loads((ROOT / "training" / "runs" / "fast-1" / "test.json").read_text())
    assert fast.accuracy == test["publictest"]["accuracy"]


def test_eval_measures_a_superseded_model_by_name(run_cli, tmp_path):
    make_dataset(tmp_path / "data")
    result = run_cli("eval", str(tmp_path / "data"), "--model", "emotionpix-distilled-2", "--json")
    body = json.loads(result.output)
    assert (body["model"], body["n"], body["detection_rate"]) == ("emotionpix-distilled-2", 4, 0.75)


@pytest.mark.parametrize(
    "name", ["emotionpix-distilled-2", "emotionpix-distilled", "emotionpix-ensemble"]
)
def test_a_superseded_model_s_stated_accuracy_is_the_one_its_build_measured(name):
    """As for the default (tests/unit/test_emotion_models.py): the registry's PublicTest
    figure is the build report's, which agrees with its confusion matrix and its file."""
    spec = get_model(name)
    assert_publictest_build_report(spec, Path(spec.file), Path(spec.file))
