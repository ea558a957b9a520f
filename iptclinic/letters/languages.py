"""Which language a letter is written in, and whether IPT Clinic has a translation for it.

A client's preferred language is typed by staff as free text ("Polish", "polski", "pl"). This
module recognises the languages most often recorded in England and says whether the fixed wording
of patient-facing letters has been translated into it (``SHIPPED``). For any other language the
letter cannot be made in it: the staff member is told and the need is recorded (the Accessible
Information Standard's "meet" step, measures-and-standards.md §5); nothing falls back silently.

Each shipped translation says where it came from (``Origin``). A machine-made translation is shown
to staff as unchecked until a qualified translator signs off the catalogue as it stands
(``TranslationReview`` in ``models.py`` keeps the sign-off with a digest of the catalogue).
"""

from __future__ import annotations

import gettext
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType

ENGLISH = "en-gb"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


class Origin(StrEnum):
    SOURCE = "source"
    """The language the letters are written in: nothing to check."""
    MACHINE = "machine"
    """Written by software (here: drafted by an AI assistant), not by a qualified translator."""
    TRANSLATOR = "translator"
    """Written by a qualified translator."""


@dataclass(frozen=True)
class LetterLanguage:
    """A language the fixed wording of patient-facing letters has been translated into."""

    code: str
    """The Django language code used with ``translation.override``."""
    english_name: str
    native_name: str
    origin: Origin
    braille_in_language: bool
    """Whether Braille can be produced in this language (the BRF module writes UEB only)."""


SHIPPED: Mapping[str, LetterLanguage] = MappingProxyType(
    {
        ENGLISH: LetterLanguage(ENGLISH, "English", "English", Origin.SOURCE, True),
        # Polish is the most common main language after English in England (Census 2021).
        "pl": LetterLanguage("pl", "Polish", "Polski", Origin.MACHINE, False),
    }
)

# Names staff may type for a language (English and the language's own name), lower case, mapped
# to (code, English name). Codes follow Django and ISO 639-1 where one exists.
_KNOWN: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("en-gb", "English", ("english", "en", "en-gb", "british english")),
    ("pl", "Polish", ("polish", "polski", "pl", "pl-pl")),
    ("ro", "Romanian", ("romanian", "română", "romana", "ro")),
    ("pa", "Panjabi", ("panjabi", "punjabi", "ਪੰਜਾਬੀ", "pa")),
    ("ur", "Urdu", ("urdu", "اردو", "ur")),
    ("pt", "Portuguese", ("portuguese", "português", "portugues", "pt", "pt-pt")),
    ("pt-br", "Brazilian Portuguese", ("brazilian portuguese", "pt-br")),
    ("es", "Spanish", ("spanish", "español", "espanol", "castellano", "es")),
    ("ar", "Arabic", ("arabic", "العربية", "ar")),
    ("bn", "Bengali", ("bengali", "bangla", "বাংলা", "bn", "sylheti")),
    ("gu", "Gujarati", ("gujarati", "ગુજરાતી", "gu")),
    ("it", "Italian", ("italian", "italiano", "it")),
    ("lt", "Lithuanian", ("lithuanian", "lietuvių", "lietuviu", "lt")),
    ("zh-hans", "Chinese (Mandarin)", ("chinese", "mandarin", "中文", "普通话", "zh", "zh-hans")),
    ("yue", "Cantonese", ("cantonese", "廣東話", "粵語", "yue")),
    ("ta", "Tamil", ("tamil", "தமிழ்", "ta")),
    ("fr", "French", ("french", "français", "francais", "fr")),
    ("tr", "Turkish", ("turkish", "türkçe", "turkce", "tr")),
    ("bg", "Bulgarian", ("bulgarian", "български", "bg")),
    ("fa", "Persian (Farsi)", ("persian", "farsi", "فارسی", "fa", "dari")),
    ("ru", "Russian", ("russian", "русский", "ru")),
    ("hu", "Hungarian", ("hungarian", "magyar", "hu")),
    ("so", "Somali", ("somali", "soomaali", "so")),
    ("ti", "Tigrinya", ("tigrinya", "ትግርኛ", "ti")),
    ("uk", "Ukrainian", ("ukrainian", "українська", "uk")),
    ("cy", "Welsh", ("welsh", "cymraeg", "cy")),
    ("ku", "Kurdish", ("kurdish", "kurdî", "kurdi", "sorani", "kurmanji", "ku")),
    ("ps", "Pashto", ("pashto", "پښتو", "ps")),
    ("sq", "Albanian", ("albanian", "shqip", "sq")),
    ("lv", "Latvian", ("latvian", "latviešu", "latviesu", "lv")),
    ("de", "German", ("german", "deutsch", "de")),
    ("el", "Greek", ("greek", "ελληνικά", "el")),
    ("ne", "Nepali", ("nepali", "नेपाली", "ne")),
    ("hi", "Hindi", ("hindi", "हिन्दी", "hi")),
    ("cs", "Czech", ("czech", "čeština", "cestina", "cs")),
    ("sk", "Slovak", ("slovak", "slovenčina", "slovencina", "sk")),
    ("vi", "Vietnamese", ("vietnamese", "tiếng việt", "tieng viet", "vi")),
)
_BY_NAME: Mapping[str, tuple[str, str]] = MappingProxyType(
    {name: (code, english) for code, english, names in _KNOWN for name in names}
)


@dataclass(frozen=True)
class LanguageChoice:
    """The language a person asked for and what IPT Clinic can do about it."""

    requested: str
    """The language as named for staff: its English name, or the text as typed."""
    code: str | None
    """None when the typed text is not a language this module recognises."""
    shipped: LetterLanguage | None
    """The translation to use, or None when the letters have none in this language."""

    @property
    def is_english(self) -> bool:
        return self.code == ENGLISH

    @property
    def letter_language(self) -> LetterLanguage:
        """The language the letter will be written in: the translation, or English when there is
        none (the caller must then tell staff and record the need)."""
        return self.shipped or SHIPPED[ENGLISH]


def language_choice(preferred: str) -> LanguageChoice:
    """What to do for a person whose preferred language is recorded as ``preferred``.

    Blank means English (``Client.language`` says "Leave blank for English").
    """
    typed = " ".join(preferred.split())
    if not typed:
        return LanguageChoice("English", ENGLISH, SHIPPED[ENGLISH])
    key = typed.lower().replace("_", "-")
    known = _BY_NAME.get(key)
    if known is None:
        return LanguageChoice(typed, None, None)
    code, english = known
    return LanguageChoice(english, code, SHIPPED.get(code))


def catalog_path(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / "django.mo"


def catalog_digest(code: str) -> str:
    """A fingerprint of the translated wording of ``code``: a sign-off holds for this wording only.

    Computed from the messages themselves, not the file, so recompiling the same catalogue or
    changing its header dates keeps the sign-off; changing any translation voids it.
    """
    with catalog_path(code).open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    messages = sorted(
        (repr(key), value)
        for key, value in catalog._catalog.items()
        if key != ""  # type: ignore[attr-defined]
    )
    return hashlib.sha256(repr(messages).encode()).hexdigest()
