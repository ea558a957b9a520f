"""Letters read aloud: offline speech with espeak-ng, saved as WAV and MP3.

Recipes from stack-notes.md §5: the text goes in on standard input (safe for text starting
with "-") and the WAV is always written to a file with ``-w``, because a WAV sent to standard
output carries a bogus length. For English voices the text is first rewritten so that times,
money and phone and NHS numbers are read the way people say them (:func:`prepare_for_speech`).
"""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
import wave
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from iptclinic.letters.formats.plaintext import without_rules
from iptclinic.letters.formats.tools import ESPEAK_NG, LAME, require_tool

# Language code (as Django uses them) -> espeak-ng 1.51 voice, for the languages most often
# needed in UK services. Every voice is checked against ``espeak-ng --voices`` in the tests.
ESPEAK_VOICES: Mapping[str, str] = MappingProxyType(
    {
        "en": "en-gb",
        "en-gb": "en-gb",
        "en-us": "en-us",
        "ar": "ar",
        "bg": "bg",
        "bn": "bn",
        "cs": "cs",
        "cy": "cy",
        "de": "de",
        "el": "el",
        "es": "es",
        "fa": "fa",
        "fr": "fr-fr",
        "ga": "ga",
        "gd": "gd",
        "gu": "gu",
        "hi": "hi",
        "hu": "hu",
        "it": "it",
        "ku": "ku",
        "lt": "lt",
        "lv": "lv",
        "ne": "ne",
        "pa": "pa",
        "pl": "pl",
        "pt": "pt",
        "pt-br": "pt-br",
        "ro": "ro",
        "ru": "ru",
        "sk": "sk",
        "sq": "sq",
        "sw": "sw",
        "ta": "ta",
        "tr": "tr",
        "uk": "uk",
        "ur": "ur",
        "vi": "vi",
        "zh": "cmn",
        "zh-hans": "cmn",
        "yue": "yue",
    }
)
# espeak-ng's own limits for -s.
WORDS_PER_MINUTE_RANGE = range(80, 451)
_TIMEOUT_SECONDS = 120
# espeak-ng -l: lines shorter than this end a clause. Every line of a letter (a heading, an
# address line, a paragraph) is a phrase of its own, so every line counts.
_LONGEST_LINE = 1_000_000

_TIME = re.compile(r"\b([01]?\d|2[0-3]):([0-5]\d)(?:\s*([ap])\.?m\b\.?)?", re.IGNORECASE)
_POUNDS = re.compile(r"£\s?(\d[\d,]*)(?:\.(\d\d))?\b")
_DIGIT_GROUPS = re.compile(r"\b\d{3,}(?: \d{3,})+\b|\b0\d{4,}\b|\b(?:999|111)\b")


def voice_for_language(language_code: str) -> str | None:
    """The espeak-ng voice for a language code such as ``cy``, ``pt_BR`` or ``en-GB``, or None
    when espeak-ng has no voice for it (the letter then needs a human reader or translation)."""
    code = language_code.strip().lower().replace("_", "-")
    return ESPEAK_VOICES.get(code) or ESPEAK_VOICES.get(code.split("-")[0])


def prepare_for_speech(text: str) -> str:
    """Rewrite English text so espeak-ng reads it as a person would.

    ``10:00`` becomes "10 am" (espeak says "ten zero zero"), ``£12.50`` "12 pounds 50"
    (espeak says "pound twelve point five zero"), and phone numbers, NHS numbers and the
    emergency numbers 999 and 111 are read digit by digit, with a pause between groups.
    """
    text = _TIME.sub(_spoken_time, text)
    text = _POUNDS.sub(_spoken_money, text)
    return _DIGIT_GROUPS.sub(_spoken_digits, text)


def text_to_wav(text: str, *, voice: str = "en-gb", words_per_minute: int = 150) -> bytes:
    """Speak ``text`` with an espeak-ng voice; 16-bit mono PCM WAV at 22 050 Hz.

    Each line is read as a phrase, with a pause after it, and lines that only underline a
    heading are skipped; so pass unwrapped text, such as ``html_to_text(html, width=None)``.
    """
    text = without_rules(text)
    if not text.strip():
        raise ValueError("There is no text to read aloud.")
    if words_per_minute not in WORDS_PER_MINUTE_RANGE:
        raise ValueError(
            f"Speech speed must be between {WORDS_PER_MINUTE_RANGE.start} and "
            f"{WORDS_PER_MINUTE_RANGE.stop - 1} words a minute, not {words_per_minute}."
        )
    command = require_tool(*ESPEAK_NG)
    if voice.startswith("en"):
        text = prepare_for_speech(text)
    with tempfile.TemporaryDirectory(prefix="iptclinic-audio-") as folder:
        wav_path = Path(folder) / "speech.wav"
        result = subprocess.run(
            [
                command,
                *("-v", voice, "-s", str(words_per_minute), "-l", str(_LONGEST_LINE)),
                *("-w", str(wav_path), "--stdin"),
            ],
            input=text,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=_TIMEOUT_SECONDS,
            check=False,
        )
        if "voice does not exist" in result.stderr:
            raise ValueError(f"espeak-ng has no voice called {voice!r}.")
        if result.returncode != 0 or not wav_path.is_file():
            raise RuntimeError(f"espeak-ng failed: {result.stderr.strip() or 'no output'}")
        return wav_path.read_bytes()


def wav_to_mp3(wav: bytes) -> bytes:
    """Encode a WAV as variable-bit-rate MP3 (``lame -V 5``, about 70 kbit/s for this speech)."""
    wav_duration_seconds(wav)
    command = require_tool(*LAME)
    with tempfile.TemporaryDirectory(prefix="iptclinic-audio-") as folder:
        wav_path = Path(folder) / "speech.wav"
        mp3_path = Path(folder) / "speech.mp3"
        wav_path.write_bytes(wav)
        result = subprocess.run(
            [command, "--quiet", "-V", "5", str(wav_path), str(mp3_path)],
            capture_output=True,
            text=True,
            timeout=_TIMEOUT_SECONDS,
            check=False,
        )
        if result.returncode != 0 or not mp3_path.is_file():
            raise RuntimeError(f"lame failed: {result.stderr.strip() or 'no output'}")
        return mp3_path.read_bytes()


def wav_duration_seconds(wav: bytes) -> float:
    """The playing time of a WAV file, from its frame count and rate."""
    try:
        with wave.open(io.BytesIO(wav), "rb") as reader:
            return reader.getnframes() / reader.getframerate()
    except (wave.Error, EOFError) as error:
        raise ValueError(f"This is not a WAV file: {error}") from error


def _spoken_time(match: re.Match[str]) -> str:
    hour, minutes = int(match[1]), match[2]
    half = match[3].lower() if match[3] else ("p" if hour >= 12 else "a")
    hour = hour % 12 or 12
    if minutes == "00":
        return f"{hour} {half}m"
    spoken_minutes = f"oh {minutes[1]}" if minutes.startswith("0") else minutes
    return f"{hour} {spoken_minutes} {half}m"


def _spoken_money(match: re.Match[str]) -> str:
    pounds, pence = int(match[1].replace(",", "")), match[2]
    if pounds == 0 and pence:
        return f"{int(pence)} pence"
    spoken = f"{pounds} pound" if pounds == 1 else f"{pounds} pounds"
    return f"{spoken} {int(pence)}" if pence and pence != "00" else spoken


def _spoken_digits(match: re.Match[str]) -> str:
    return ", ".join(" ".join(group) for group in match[0].split())
