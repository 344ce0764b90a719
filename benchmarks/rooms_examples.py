"""Three example movie-night rooms through the API, printed: each room's mood, its first
films with their worst and mean fit, and how many films fit everyone — to see what the
aggregation (least misery, then the mean; rooms/group.py) does.

    python benchmarks/rooms_examples.py [--films 5]
"""

from __future__ import annotations

import argparse
import re
import tempfile

from emotionpix import create_app

ROOMS = {
    "close moods (happy, happy, surprise)": [
        ("Ana", {"emotion": "happy"}),
        ("Ben", {"emotion": "happy"}),
        ("Cara", {"emotion": "surprise"}),
    ],
    "a sad friend among happy ones (happy, happy, happy, sad)": [
        ("Ana", {"emotion": "happy"}),
        ("Ben", {"emotion": "happy"}),
        ("Cara", {"emotion": "happy"}),
        ("Dev", {"emotions": {"sad": 0.72, "neutral": 0.28}}),
    ],
    "far apart (happy, fear, angry)": [
        ("Ana", {"emotion": "happy"}),
        ("Ben", {"emotion": "fear"}),
        ("Cara", {"emotion": "angry"}),
    ],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--films", type=int, default=5)
    args = parser.parse_args()
    app = create_app(
        {"ENV": "testing", "INSTANCE_PATH": tempfile.mkdtemp(), "RATELIMIT_ENABLED": False}
    )
    for title, members in ROOMS.items():
        clients = []
        code = None
        for number, (name, mood) in enumerate(members):
            client = app.test_client()
            page = client.get("/").get_data(True)
            token = re.search(r'name="csrf-token" content="([^"]+)"', page)
            assert token is not None
            client.environ_base["HTTP_X_CSRFTOKEN"] = token.group(1)
            if number == 0:
                code = client.post("/api/rooms", json={"name": name}).get_json()["code"]
            else:
                client.post(f"/api/rooms/{code}/join", json={"name": name})
            clients.append((client, mood))
        for client, mood in clients:
            state = client.post(f"/api/rooms/{code}/mood", json=mood).get_json()
        films = state["movies"]
        everyone = sum(1 for f in films if f["fit"]["worst"] > 0)
        shares = ", ".join(f"{k} {v:.0%}" for k, v in state["mood"]["emotions"].items())
        print(
            f"\n## {title}\nroom mood: {shares}; films fitting everyone among the first "
            f"{len(films)}: {everyone}"
        )
        by_mean = sorted(films, key=lambda f: -f["fit"]["mean"])[:3]
        print(
            "a plain mean would lead with: "
            + "; ".join(
                f"{f['title']} (worst {f['fit']['worst']:.2f}, mean {f['fit']['mean']:.2f})"
                for f in by_mean
            )
        )
        for film in films[: args.films]:
            fit = film["fit"]
            print(
                f"- {film['title']} ({film['year']}) worst {fit['worst']:.2f} "
                f"mean {fit['mean']:.2f}: {film['reason']}"
            )


if __name__ == "__main__":
    main()
