import json

from click.testing import CliRunner

from emotionpix.cli import main
from tests.images import make_dataset


def test_recommend_prints_the_genre_and_films_with_their_reasons(run_cli):
    result = run_cli("recommend", "happy", "--limit", "3", "--seed", "1")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "happy -> Comedy (match, page 1, seed 1, from provider)"
    assert len(lines) == 8
    assert all(line.endswith("picked for your happy mood") for line in lines[2:7:2])
    assert lines[7] == "next page: emotionpix recommend happy --seed 1 --page 2"


def test_the_printed_next_page_continues_the_same_order(run_cli):
    first = run_cli("recommend", "sad", "--mode", "lift")
    command = first.output.splitlines()[-1].removeprefix("next page: emotionpix ").split()
    assert command[:3] == ["recommend", "sad", "--mode"]
    second = run_cli(*command)
    films = [
        line for line in first.output.splitlines() + second.output.splitlines() if "[Q" in line
    ]
    assert len(films) == 40
    assert len(set(films)) == 40


def test_a_page_without_a_seed_says_how_to_page(run_cli):
    result = run_cli("recommend", "happy", "--page", "2")
    assert result.exit_code == 0
    assert "--seed" in result.output.splitlines()[0]


def test_recommend_json(run_cli):
    result = run_cli("recommend", "fear", "--json", "--limit", "5")
    body = json.loads(result.output)
    assert body["genre"] == "Horror"
    assert len(body["movies"]) == 5
    assert all(movie["reason"] for movie in body["movies"])


def test_recommend_to_lift_the_mood(run_cli):
    body = json.loads(run_cli("recommend", "sad", "--mode", "lift", "--json").output)
    assert (body["mode"], body["genre"]) == ("lift", "Comedy")


def test_unknown_emotion_fails_with_a_message(run_cli):
    result = run_cli("recommend", "bored")
    assert result.exit_code == 2
    assert "Unknown emotion" in result.output


def test_search(run_cli):
    result = run_cli("search", "incepton")
    assert "Inception" in result.output.splitlines()[0]
    body = json.loads(run_cli("search", "sholay", "--json").output)
    assert body["movies"][0]["year"] == 1975


def test_search_for_a_film_newer_than_the_catalog_says_so(run_cli):
    result = run_cli("search", "Oppenheimer")
    assert result.exit_code == 0
    assert "not in the offline catalog, which ends in 2014" in result.output


def test_cache_commands(run_cli):
    run_cli("recommend", "sad")
    run_cli("recommend", "sad")
    stats = json.loads(run_cli("cache", "stats").output)
    assert (stats["hits"], stats["provider_calls"]) == (1, 1)
    assert "purged 0" in run_cli("cache", "purge").output
    run_cli("cache", "clear")
    assert json.loads(run_cli("cache", "stats").output)["entries"] == 0


def test_detect_names_the_emotion_and_genre(run_cli, tmp_path):
    from tests.images import webcam_frame

    frame = tmp_path / "frame.jpg"
    frame.write_bytes(webcam_frame())
    result = run_cli("detect", str(frame))
    assert result.exit_code == 0
    assert "happy" in result.output
    assert "Comedy" in result.output
    body = json.loads(run_cli("detect", str(frame), "--json").output)
    assert (body["emotion"], body["genre"], len(body["faces"])) == ("happy", "Comedy", 1)


def test_detect_without_a_face_exits_non_zero(run_cli, tmp_path):
    from tests.images import encode, photo

    cat = tmp_path / "cat.png"
    cat.write_bytes(encode(photo("chelsea.png"), "PNG"))
    result = run_cli("detect", str(cat))
    assert result.exit_code == 1
    assert "could not find a face" in result.output


def test_eval_reports_metrics_as_json(run_cli, tmp_path):
    make_dataset(tmp_path / "data")
    body = json.loads(run_cli("eval", str(tmp_path / "data"), "--json").output)
    assert {"accuracy", "macro_f1", "detection_rate", "per_class", "confusion", "n"} <= set(body)
    assert body["n"] == 4
    assert body["detection_rate"] == 0.75  # the cat has no face
    assert body["per_class"]["happy"]["recall"] == 1.0
    assert body["per_class"]["sad"]["support"] == 2
    assert sum(map(sum, body["confusion"])) == 3
    assert body["accuracy"] == 0.5  # both happy right; the sad astronaut smiles, the cat is lost


def test_eval_without_detection_classifies_every_image(run_cli, tmp_path):
    make_dataset(tmp_path / "data")
    body = json.loads(run_cli("eval", str(tmp_path / "data"), "--no-detect", "--json").output)
    assert body["detection_rate"] == 1.0
    assert body["n"] == 4


def test_eval_prints_a_readable_report(run_cli, tmp_path):
    make_dataset(tmp_path / "data")
    output = run_cli("eval", str(tmp_path / "data"), "--model", "fer-mini-xception").output
    assert "accuracy 50.00%" in output
    assert "confusion (rows: true, columns: predicted)" in output


def test_eval_rejects_unknown_models_and_empty_folders(run_cli, tmp_path):
    (tmp_path / "empty").mkdir()
    result = run_cli("eval", str(tmp_path / "empty"))
    assert result.exit_code == 1
    assert "no images" in result.output
    make_dataset(tmp_path / "data")
    result = run_cli("eval", str(tmp_path / "data"), "--model", "nope")
    assert result.exit_code == 1
    assert "unknown emotion model 'nope'" in result.output


def test_onnx_threads_times_workers_stay_within_the_cores():
    from emotionpix.server import onnx_threads_for

    assert onnx_threads_for(2, 1, cores=2) == 1
    assert onnx_threads_for(2, 4, cores=2) == 1
    assert onnx_threads_for(2, 4, cores=16) == 4
    assert onnx_threads_for(4, 8, cores=16) == 4
    assert onnx_threads_for(8, 1, cores=2) == 1  # never below one


def test_waitress_refuses_several_workers():
    result = CliRunner().invoke(main, ["serve", "--server", "waitress", "--workers", "2"])
    assert result.exit_code != 0
    assert "Waitress runs one process" in result.output
