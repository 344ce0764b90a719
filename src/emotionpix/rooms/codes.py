"""Room codes: short enough to read aloud or type, unguessable for a room's life.

Eight characters from 29 that cannot be mistaken for one another (no 0/O, 1/I/L, U/V) give
29^8 ≈ 5e11 codes; with joins and non-members' looks rate-limited per address, a
guesser finds nothing within a room's six hours."""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"  # no 0 O 1 I L U V: people type what they see
LENGTH = 8


def new_code() -> str:
    """A fresh random code (``secrets``: the operating system's randomness)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def valid_code(code: str) -> bool:
    """Whether ``code`` could be a room's code (checked before any database look-up)."""
    return len(code) == LENGTH and all(c in ALPHABET for c in code)
