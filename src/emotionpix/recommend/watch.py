"""Where to watch a film tonight: availability per region from a ``WatchSource`` (TMDB's
JustWatch data), for the provider's own films or, by IMDb id, for an enriched catalog's.

Availability is cached in the shared cache for at most a day (it changes often; TMDB asks
for no more), the region and service lists for a week. Only fresh entries are ever shown,
each with the date it was fetched: while the source fails, films show "availability
unavailable right now", never an older answer presented as today's. A page of films costs
at most one round trip of wall time to the source (every film asked for at once) once the
films' ids there are known; for an enriched catalog they are looked up by IMDb id (in
parallel) only for films never shown before, and kept for months (``film_ids``).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from emotionpix.cache import Cache, CacheUnavailable
from emotionpix.core.errors import ServiceUnavailable
from emotionpix.core.i18n import gettext
from emotionpix.core.movies import Movie
from emotionpix.providers.base import WATCH_KINDS, ProviderError, WatchSource
from emotionpix.recommend import watchlist
from emotionpix.recommend.film_ids import FilmIds

log = logging.getLogger(__name__)

DAY, WEEK = 86400, 7 * 86400
DEFAULT_REGION = "US"
UNAVAILABLE = "Availability unavailable right now."
STREAMING = ("stream",)
STREAMING_OR_FREE = ("stream", "free", "ads")


class WatchGuide:
    """Availability of films per region. ``via_imdb``: the source is not the provider (it
    enriches the catalog), so films are found there by their IMDb ids, remembered in ``ids``
    (shared with the enrichment, whose lookups find the same ids)."""

    def __init__(
        self,
        source: WatchSource,
        cache: Cache,
        *,
        via_imdb: bool = False,
        ids: FilmIds | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.source = source
        self.cache = cache
        self.via_imdb = via_imdb
        self.ids = ids or FilmIds(cache, str(getattr(source, "name", "watch")))
        self.clock = clock

    @property
    def attribution(self) -> str:
        return self.source.watch_attribution

    # -- lists ---------------------------------------------------------------------------

    def regions(self) -> list[dict[str, str]]:
        """Every region the source lists (``{"code", "name"}``, by name)."""
        regions: list[dict[str, str]] = self._listed("watch:regions", self.source.watch_regions)
        return regions

    def services(self, region: str) -> list[dict[str, Any]]:
        """The services of a region (``{"id", "name", "logo"}``, the region's order)."""
        services: list[dict[str, Any]] = self._listed(
            f"watch:services:{region}", lambda: self.source.watch_services(region)
        )
        return services

    def _listed(self, key: str, fetch: Callable[[], Any]) -> Any:
        """A list, fresh for a week; while the source fails an older one stands in (a
        region's services change rarely), else ServiceUnavailable."""
        try:
            entry = self.cache.get(key)
        except CacheUnavailable:
            entry = None
        if entry is not None and entry.fresh:
            return entry.value
        try:
            value = fetch()
        except ProviderError as exc:
            if entry is not None:
                return entry.value
            raise ServiceUnavailable(
                gettext("Where to watch is unavailable right now. Try again in a minute.")
            ) from exc
        self._set(key, value, WEEK)
        return value

    # -- availability --------------------------------------------------------------------

    def for_movies(self, movies: Sequence[Movie], region: str) -> list[dict[str, Any]]:
        """Each film's availability in ``region``: ``{"region", "fetched_at", "link",
        "stream", "free", "ads", "rent", "buy", "attribution"}`` (empty lists where it is
        offered nowhere there), or ``{"region", "unavailable", "attribution"}`` while the
        source fails. One round trip to the cache, at most one of wall time to the source."""
        offers = self._offers(movies)
        credit = {"attribution": self.attribution}
        return [{**_in_region(found, region), **credit} for found in offers]

    def check_watchlist(
        self,
        movies: Sequence[Movie],
        region: str,
        services: Collection[int],
        last_seen: dict[str, Any],
    ) -> watchlist.WatchlistCheck:
        """Which of a watchlist's films are on the viewer's ``services`` now, and which came
        since ``last_seen`` (``recommend/watchlist.py``); one round trip for the list."""
        return watchlist.check(movies, self.for_movies(movies, region), region, services, last_seen)

    @staticmethod
    def region_for(accepted: Iterable[str]) -> str:
        """The region a browser's languages imply (``en-IN``: IN), else US (here for callers
        that may reach the guide only through ``wiring``, as the account pages)."""
        return region_from_languages(accepted)

    def unavailable(self, region: str) -> dict[str, Any]:
        """What a film shows when its availability cannot be had."""
        return {**_in_region(_FAILED, region), "attribution": self.attribution}

    def keep(
        self, movies: Sequence[Movie], region: str, services: Collection[int], kinds: Sequence[str]
    ) -> tuple[list[Movie], int] | None:
        """The films offered on one of ``services`` in ``region`` as one of ``kinds``, and
        how many were removed; None when availability cannot be had right now."""
        offers = self._offers(movies)
        if any(found is _FAILED for found in offers):
            return None
        kept = [
            movie
            for movie, found in zip(movies, offers, strict=True)
            if _offered(found, region, services, kinds)
        ]
        return kept, len(movies) - len(kept)

    def _offers(self, movies: Sequence[Movie]) -> list[Any]:
        """Per film: ``{"fetched_at", "regions"}``, None (the source has no such film) or
        _FAILED."""
        ids = self._source_ids(movies)
        known = [i for i in ids if i and i is not _FAILED]
        cached = self._get_many([f"watch:offers:{i}" for i in known])
        missing = list(dict.fromkeys(i for i in known if f"watch:offers:{i}" not in cached))
        fetched: dict[str, Any] = {}
        failed = False
        if missing:
            try:
                answers = self.source.availability(missing)
            except ProviderError as exc:
                log.warning("where-to-watch unavailable: %s", exc)
                failed = True
            else:
                stamp = datetime.fromtimestamp(self.clock(), UTC).isoformat(timespec="seconds")
                for source_id, regions in zip(missing, answers, strict=True):
                    value = None if regions is None else {"fetched_at": stamp, "regions": regions}
                    fetched[source_id] = value
                    self._set(f"watch:offers:{source_id}", value, DAY)
        found: list[Any] = []
        for i in ids:
            if i is _FAILED:
                found.append(_FAILED)
            elif not i:
                found.append(None)
            elif f"watch:offers:{i}" in cached:
                found.append(cached[f"watch:offers:{i}"])
            else:
                found.append(_FAILED if failed else fetched.get(i))
        return found

    def _source_ids(self, movies: Sequence[Movie]) -> list[Any]:
        """The films' ids at the source: their own, or found by IMDb id (remembered for
        months); None where it has no such film, _FAILED where it could not say."""
        if not self.via_imdb:
            return [m.id for m in movies]
        imdb = [m.imdb_id for m in movies]
        known: dict[str, Any] = self.ids.known(i for i in imdb if i)
        missing = list(dict.fromkeys(i for i in imdb if i and i not in known))
        if missing:
            try:
                found = dict(zip(missing, self.source.watch_ids(missing), strict=True))
            except ProviderError as exc:
                log.warning("where-to-watch ids unavailable: %s", exc)
            else:
                self.ids.remember(found)
                known.update(found)
        return [known.get(i, _FAILED) if i else None for i in imdb]

    # -- the cache, bypassed while it fails -----------------------------------------------

    def _get_many(self, keys: Sequence[str]) -> dict[str, Any]:
        if not keys:
            return {}
        try:
            entries = self.cache.get_many(keys)
        except CacheUnavailable:
            return {}
        return {key: entry.value for key, entry in entries.items() if entry.fresh}

    def _set(self, key: str, value: Any, ttl: int) -> None:
        with contextlib.suppress(CacheUnavailable):
            self.cache.set(key, value, ttl=ttl)


_FAILED = object()  # the source failed for this film: nothing fresh to show


def _in_region(found: Any, region: str) -> dict[str, Any]:
    if found is _FAILED:
        return {"region": region, "unavailable": UNAVAILABLE}
    entry = (found or {}).get("regions", {}).get(region) or {}
    return {
        "region": region,
        "fetched_at": found["fetched_at"] if found else None,
        "link": entry.get("link"),
        **{kind: list(entry.get(kind) or []) for kind in WATCH_KINDS},
    }


def _offered(found: Any, region: str, services: Collection[int], kinds: Sequence[str]) -> bool:
    entry = (found or {}).get("regions", {}).get(region) or {}
    return any(offer["id"] in services for kind in kinds for offer in entry.get(kind) or [])


def region_from_languages(accepted: Iterable[str], known: Collection[str] = ()) -> str:
    """The region an Accept-Language list implies (``en-IN`` → ``IN``), else US."""
    for tag in accepted:
        parts = tag.replace("_", "-").split("-")
        if len(parts) >= 2 and len(parts[1]) == 2 and parts[1].isalpha():
            code = parts[1].upper()
            if not known or code in known:
                return code
    return DEFAULT_REGION
