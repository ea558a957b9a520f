"""The short code a person types to join the portal when no link can reach them, and the
username made for them.

A printed code must survive being read aloud, copied by hand and typed on a phone, so its
alphabet leaves out characters that are easily mistaken for one another (0 and O, 1, I and L,
2 and Z, 5 and S, 8 and B), in the spirit of Crockford's Base32 (crockford.com/base32.html).
Eight characters from 25 give about 1.5 x 10^11 codes; guessing is also throttled.
"""

from __future__ import annotations

import re
import secrets
import unicodedata

ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 8

_SEPARATORS = re.compile(r"[\s\-_.]+")


def new_code() -> str:
    """A fresh random code of ``CODE_LENGTH`` characters from ``ALPHABET``."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise(typed: str) -> str:
    """What someone typed, as the code it stands for: capitals, no spaces or dashes."""
    return _SEPARATORS.sub("", typed).upper()


def is_well_formed(code: str) -> bool:
    """Whether a normalised code could be one we issue (checked before any database look-up)."""
    return len(code) == CODE_LENGTH and all(character in ALPHABET for character in code)


def printed(code: str) -> str:
    """The code as printed: two groups of four, easier to copy (``ACDE-FGHJ``)."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def username_stem(given_name: str) -> str:
    """The start of a username made from a first name: plain lower-case letters, at most 12
    (accents dropped; a name with no such letters gives ``member``)."""
    ascii_name = unicodedata.normalize("NFKD", given_name).encode("ascii", "ignore").decode()
    letters = "".join(character for character in ascii_name.lower() if "a" <= character <= "z")
    return letters[:12] or "member"
