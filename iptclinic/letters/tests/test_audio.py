"""Letters read aloud with espeak-ng, as WAV and MP3 (stack-notes.md §5)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from iptclinic.letters.formats.audio import (
    ESPEAK_VOICES,
    prepare_for_speech,
    text_to_wav,
    voice_for_language,
    wav_duration_seconds,
    wav_to_mp3,
)
from iptclinic.letters.formats.tools import ESPEAK_NG, FormatToolMissing, require_tool

FORTY_WORDS = (
    "Thank you for coming to see us. We have agreed to meet every week for sixteen "
    "weeks. In each session we will talk about your relationships and how you have been "
    "feeling. Please bring your diary to every single session."
)


@pytest.fixture(scope="module")
def wav() -> bytes:
    return text_to_wav(FORTY_WORDS)


def _soxi_duration(data: bytes, suffix: str) -> float:
    soxi = require_tool("soxi", "sox", "Checking audio length")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"speech{suffix}"
        path.write_bytes(data)
        result = subprocess.run([soxi, "-D", str(path)], capture_output=True, text=True, check=True)
    return float(result.stdout)


def test_the_sample_has_forty_words() -> None:
    assert len(FORTY_WORDS.split()) == 40


def test_forty_words_take_a_plausible_time_at_150_words_a_minute(wav: bytes) -> None:
    expected = 40 / 150 * 60
    assert wav[:4] == b"RIFF"
    assert wav[8:12] == b"WAVE"
    assert expected / 2 <= wav_duration_seconds(wav) <= expected * 2


def test_the_wav_length_header_is_true(wav: bytes) -> None:
    assert wav_duration_seconds(wav) == pytest.approx(_soxi_duration(wav, ".wav"), abs=0.01)


def test_a_slower_voice_takes_longer() -> None:
    slow = wav_duration_seconds(text_to_wav(FORTY_WORDS, words_per_minute=100))
    fast = wav_duration_seconds(text_to_wav(FORTY_WORDS, words_per_minute=200))
    assert slow > fast * 1.5


def test_the_mp3_is_valid_and_as_long_as_the_wav(wav: bytes) -> None:
    mp3 = wav_to_mp3(wav)
    starts_with_tag = mp3[:3] == b"ID3"
    starts_with_frame_sync = mp3[0] == 0xFF and mp3[1] & 0xE0 == 0xE0
    assert starts_with_tag or starts_with_frame_sync
    assert len(mp3) < len(wav) / 3
    assert _soxi_duration(mp3, ".mp3") == pytest.approx(wav_duration_seconds(wav), abs=0.5)


def test_text_starting_with_a_dash_is_read_not_taken_as_an_option() -> None:
    wav = text_to_wav("-v Please come at ten.")
    assert wav_duration_seconds(wav) > 1


def test_heading_underlines_are_not_read_out() -> None:
    underlined = text_to_wav("Your plan\n=========\n\nCome on Tuesday.")
    plain = text_to_wav("Your plan\n\nCome on Tuesday.")
    assert wav_duration_seconds(underlined) == pytest.approx(wav_duration_seconds(plain), abs=0.05)


def test_each_line_is_read_as_a_phrase_with_a_pause() -> None:
    lines = text_to_wav("Ms Cara Example\n1 High Street\nNorthtown")
    run_on = text_to_wav("Ms Cara Example 1 High Street Northtown")
    assert wav_duration_seconds(lines) > wav_duration_seconds(run_on) + 0.2


def test_a_welsh_voice_reads_welsh() -> None:
    wav = text_to_wav("Mae eich apwyntiad nesaf ddydd Mawrth.", voice="cy")
    assert wav_duration_seconds(wav) > 1


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Come on Tuesday 3 March at 10:00.", "Come on Tuesday 3 March at 10 am."),
        ("From 9:30am to 5:05 p.m.", "From 9 30 am to 5 oh 5 pm"),
        ("Group at 14:00", "Group at 2 pm"),
        ("Up to £12.50, or £1, or £0.40.", "Up to 12 pounds 50, or 1 pound, or 40 pence."),
        ("£1,250.00 a year", "1250 pounds a year"),
        ("Call 0161 496 0000.", "Call 0 1 6 1, 4 9 6, 0 0 0 0."),
        ("Text 07700900123", "Text 0 7 7 0 0 9 0 0 1 2 3"),
        ("NHS number 943 476 5919", "NHS number 9 4 3, 4 7 6, 5 9 1 9"),
        ("Call 999 or NHS 111.", "Call 9 9 9 or NHS 1 1 1."),
        ("16 sessions in 2026, 50 minutes each", "16 sessions in 2026, 50 minutes each"),
    ],
)
def test_english_text_is_prepared_the_way_people_say_it(text: str, spoken: str) -> None:
    assert prepare_for_speech(text) == spoken


@pytest.mark.parametrize(
    ("code", "voice"),
    [
        ("en", "en-gb"),
        ("en-GB", "en-gb"),
        ("cy", "cy"),
        ("pl", "pl"),
        ("pt_BR", "pt-br"),
        ("pt-PT", "pt"),
        ("ur", "ur"),
        ("pa", "pa"),
        ("bn", "bn"),
        ("ar", "ar"),
        ("zh-Hans", "cmn"),
        ("so", None),
        ("ti", None),
    ],
)
def test_a_language_code_finds_its_espeak_voice(code: str, voice: str | None) -> None:
    assert voice_for_language(code) == voice


def test_every_mapped_voice_is_installed_in_espeak_ng() -> None:
    espeak = require_tool(*ESPEAK_NG)
    listing = subprocess.run(
        [espeak, "--voices"], capture_output=True, text=True, check=True
    ).stdout
    installed = {line.split()[1] for line in listing.splitlines()[1:]}
    assert set(ESPEAK_VOICES.values()) <= installed


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: text_to_wav("  \n"), "There is no text to read aloud."),
        (lambda: text_to_wav("Hello", words_per_minute=20), "between 80 and 450 words a minute"),
        (lambda: text_to_wav("Hello", voice="xx-nowhere"), "no voice called 'xx-nowhere'"),
        (lambda: wav_duration_seconds(b"not audio"), "This is not a WAV file"),
        (lambda: wav_to_mp3(b"RIFF"), "This is not a WAV file"),
    ],
)
def test_bad_input_gets_a_clear_message(call: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_a_missing_espeak_names_the_package_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda command: None)
    with pytest.raises(FormatToolMissing) as raised:
        text_to_wav("Hello")
    assert str(raised.value) == (
        "Audio needs the espeak-ng tool: install the Debian package espeak-ng."
    )


def test_a_missing_lame_names_the_package_to_install(
    monkeypatch: pytest.MonkeyPatch, wav: bytes
) -> None:
    monkeypatch.setattr(shutil, "which", lambda command: None)
    with pytest.raises(FormatToolMissing) as raised:
        wav_to_mp3(wav)
    assert str(raised.value) == "MP3 audio needs the lame tool: install the Debian package lame."
