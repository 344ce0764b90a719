from emotionpix.core.movies import Movie
from emotionpix.recommend.ranking import blend, rank, rotate, spotlight, weighted_rating


def film(i, rating, votes, countries=("United States",)):
    return Movie(id=f"m{i}", title=f"Film {i}", rating=rating, votes=votes, countries=countries)


def test_few_votes_cannot_beat_many_votes():
    lucky, solid = film(1, 9.0, 12), film(2, 8.6, 300)
    others = [film(i, 7.0 + (i % 10) / 10, 50 + i) for i in range(3, 40)]
    assert rank([lucky, solid, *others], prior_votes=25)[0] == solid


def test_weighted_rating_moves_from_prior_to_rating_as_votes_grow():
    assert weighted_rating(9.0, 0, 7.0, 25) == 7.0
    assert 7.0 < weighted_rating(9.0, 25, 7.0, 25) < 9.0
    assert abs(weighted_rating(9.0, 100_000, 7.0, 25) - 9.0) < 0.01


def test_rank_drops_unrated_and_orders_best_first():
    movies = [film(1, 7.5, 100), film(2, None, 100), film(3, 8.5, 100)]
    assert [m.id for m in rank(movies, prior_votes=25)] == ["m3", "m1"]


def test_spotlight_gives_every_nth_slot_to_the_featured_origin():
    others = [film(i, 8.0, 100) for i in range(10)]
    indian = [film(100 + i, 7.5, 15, ("India",)) for i in range(2)]
    merged = spotlight(others + indian, ["india"], every=4)
    assert [m.id for m in merged][3] == "m100"
    assert [m.id for m in merged][7] == "m101"
    assert sorted(m.id for m in merged) == sorted(m.id for m in others + indian)


def test_spotlight_keeps_order_when_a_group_runs_out():
    indian = [film(i, 7.5, 15, ("India",)) for i in range(3)]
    assert spotlight(indian, ["India"], every=4) == indian
    assert spotlight(indian, [], every=4) == indian


def test_rotate_is_reproducible_and_stays_within_windows():
    items = list(range(100))
    once, again = rotate(items, 40, seed=7), rotate(items, 40, seed=7)
    assert once == again
    assert sorted(once[:40]) == list(range(40))
    assert sorted(once[40:80]) == list(range(40, 80))
    assert once != items
    assert rotate(items, 40, seed=8) != once


def test_rotating_a_prefix_gives_the_same_head():
    items = list(range(100))
    assert rotate(items[:40], 40, seed=3) == rotate(items, 40, seed=3)[:40]


def test_a_bonus_in_rating_points_reorders_the_ranking():
    better, fitting = film(1, 8.5, 100), film(2, 8.0, 100)
    assert rank([better, fitting], prior_votes=25)[0] == better
    bonus = {"m1": 0.0, "m2": 1.0}
    assert rank([better, fitting], prior_votes=25, bonus=lambda m: bonus[m.id])[0] == fitting


def test_blend_interleaves_in_proportion_and_keeps_each_lists_order():
    first, second = [f"a{i}" for i in range(10)], [f"b{i}" for i in range(10)]
    merged = blend([first, second], [0.6, 0.4], key=str)
    head = [item for _, item in merged[:10]]
    assert sum(item.startswith("a") for item in head) == 6
    assert [i for i in head if i.startswith("a")] == first[:6]
    assert [i for i in head if i.startswith("b")] == second[:4]
    assert "".join(i[0] for i in head[:5]) in {"ababa", "abaab", "aabab"}  # spread, no blocks
    assert len(merged) == 20


def test_blend_keeps_a_film_in_both_lists_once_and_says_where_it_came_from():
    merged = blend([["x", "y"], ["y", "z"]], [0.5, 0.5], key=str)
    assert [item for _, item in merged] == ["x", "y", "z"]
    assert dict((item, which) for which, item in merged) == {"x": 0, "y": 1, "z": 1}


def test_blend_of_one_list_is_that_list():
    assert blend([["x", "y"]], [1.0], key=str) == [(0, "x"), (0, "y")]


def test_blend_can_stop_early_with_the_same_head():
    lists, weights = [[f"a{i}" for i in range(50)], [f"b{i}" for i in range(50)]], [0.7, 0.3]
    assert blend(lists, weights, key=str, limit=12) == blend(lists, weights, key=str)[:12]
    assert blend(lists[:1], [1.0], key=str, limit=3) == [(0, "a0"), (0, "a1"), (0, "a2")]
