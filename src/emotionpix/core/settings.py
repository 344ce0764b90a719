"""How a setting is declared: its name, type, default, one line of help, and whether it is a
secret. ``config.py`` declares the app's own; a movie provider declares the ones it needs in
its own file (``providers/registry.py``). Each setting is read from ``EMOTIONPIX_<NAME>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    """One ``EMOTIONPIX_*`` variable.

    ``type`` is an annotation pydantic validates (``int``, ``float | None``, ``bool``,
    ``list[str]``, ``Literal["a", "b"]`` …): booleans accept true/false, 1/0, yes/no, on/off
    in any case; lists and objects are JSON. ``shown`` is the default as a person should read
    it where the value is computed (``None`` meaning "an SQLite file in the instance
    folder"). ``old_names`` still work, with a deprecation warning.
    """

    name: str
    type: Any
    default: Any
    help: str
    secret: bool = False
    shown: str | None = None
    old_names: tuple[str, ...] = ()
