import json


def test_recommend_prints_the_genre_and_films(run_cli):
    result = run_cli("recommend", "happy", "--limit", "3", "--seed", "1")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("happy -> Comedy")
    assert len(lines) == 4


def test_recommend_json(run_cli):
    result = run_cli("recommend", "fear", "--json", "--limit", "5")
    body = json.loads(result.output)
    assert body["genre"] == "Horror"
    assert len(body["movies"]) == 5


def test_unknown_emotion_fails_with_a_message(run_cli):
    result = run_cli("recommend", "bored")
    assert result.exit_code == 2
    assert "Unknown emotion" in result.output


def test_search(run_cli):
    result = run_cli("search", "incepton")
    assert "Inception" in result.output.splitlines()[0]
    body = json.loads(run_cli("search", "sholay", "--json").output)
    assert body["movies"][0]["year"] == 1975


def test_cache_commands(run_cli):
    run_cli("recommend", "sad")
    run_cli("recommend", "sad")
    stats = json.loads(run_cli("cache", "stats").output)
    assert (stats["hits"], stats["provider_calls"]) == (1, 1)
    assert "purged 0" in run_cli("cache", "purge").output
    run_cli("cache", "clear")
    assert json.loads(run_cli("cache", "stats").output)["entries"] == 0
