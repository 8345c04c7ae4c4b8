"""A served meeting's codes are kept hashed: the facilitator's code runs the board and the
reveal, and the join code opens the rater picker, so a copied database must hand over neither.
Each code is shown once, when it is made (``calibrate serve`` makes a new join code each time
it starts and prints it for the room).

A stored hash is ``scrypt$<log2 N>$<salt hex>$<digest hex>``: scrypt (N = 2**12, r = 8, about
4 MiB and a few milliseconds) with a 16-byte salt of its own. Guessing an 8-character
facilitator code from the 31-letter alphabet offline would take centuries (a 6-character join
code, months, and it changes at each start of the server); online, the door doubles the wait
after wrong tries.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

LOG2_N = 12


def hash_code(code: str, *, salt: bytes | None = None, log2_n: int = LOG2_N) -> str:
    """The stored form of ``code`` (a new random salt unless one is given)."""
    salt = secrets.token_bytes(16) if salt is None else salt
    digest = hashlib.scrypt(code.encode(), salt=salt, n=2**log2_n, r=8, p=1, dklen=32)
    return f"scrypt${log2_n}${salt.hex()}${digest.hex()}"


def code_matches(code: str, stored: str | None) -> bool:
    """Whether ``code`` is the code ``stored`` was made from (False for None or a malformed
    value)."""
    if not code or not stored:
        return False
    try:
        scheme, log2_n, salt, _ = stored.split("$")
        if scheme != "scrypt":
            return False
        again = hash_code(code, salt=bytes.fromhex(salt), log2_n=int(log2_n))
    except ValueError:
        return False
    return hmac.compare_digest(again, stored)
