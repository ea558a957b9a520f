"""Letters word a grief focus as the course's variant means it (ipt-method.md §3.1 and §9).

In most variants grief follows a death. In the Stuart & Robertson variant "grief and loss" also
covers a living person who is gone from the person's life, such as an ex-partner, so its letters
speak of a loss and never of someone who died. Every format is made from the letter's document
or its easy-read version, so both are read back in English and Polish, and the plain-text and
Braille files in English.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from iptclinic.ipt.problem_areas import ProblemArea
from iptclinic.ipt.variants import Variant
from iptclinic.letters.formats.braille import brf_to_text
from iptclinic.letters.formats.plaintext import html_to_text
from iptclinic.letters.kinds import build
from iptclinic.letters.languages import SHIPPED
from iptclinic.letters.models import LetterFormat, LetterKind, Recipient
from iptclinic.letters.rendering import render_files, render_html
from iptclinic.letters.tests.scenes import finish_course, prepare_client, run_course

GRAN = {"label": "Gran", "relationship_type": "other_family", "status": "deceased"}
DEV = {"label": "Dev", "relationship_type": "ex_partner", "status": "alive"}


@dataclass(frozen=True)
class Wording:
    """What the letters must say about the grief focus, and what they must not."""

    name: dict[str, str]
    explanation: dict[str, str]
    never: tuple[str, ...]


DEATH = Wording(
    name={"en-gb": "Grief after a death", "pl": "Żałoba po śmierci bliskiej osoby"},
    explanation={"en-gb": "Someone who mattered to you has died", "pl": "Zmarł ktoś ważny"},
    never=("Grief after a loss", "Żałoba po stracie"),
)
LOSS = Wording(
    name={"en-gb": "Grief after a loss", "pl": "Żałoba po stracie"},
    explanation={
        "en-gb": "The loss might be a death, a relationship that ended, your health or your work",
        "pl": "Może to być śmierć bliskiej osoby, koniec związku, utrata zdrowia albo pracy",
    },
    never=("Grief after a death", "has died", "Żałoba po śmierci", "Zmarł ktoś ważny"),
)
VARIANTS = [
    pytest.param(Variant.LEAFLET, GRAN, DEATH, id="leaflet, Gran died"),
    pytest.param(Variant.IPT_SR, DEV, LOSS, id="Stuart & Robertson, Dev left"),
]
KINDS = [LetterKind.FORMULATION, LetterKind.CLIENT_SUMMARY]


def _course(kind: LetterKind, variant: Variant, person: dict[str, str], cara, tess):
    prepare_client(cara)
    course = run_course(cara, tess, variant=variant, area=ProblemArea.GRIEF, people=[person])
    return finish_course(course, tess) if kind is LetterKind.CLIENT_SUMMARY else course


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(("variant", "person", "wording"), VARIANTS)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("language", ["en-gb", "pl"])
def test_the_letter_and_its_easy_read_word_grief_as_the_variant_means_it(
    variant, person, wording, kind, language, cara, tess
):
    content = build(kind, _course(kind, variant, person, cara, tess))
    assert content.gaps == []
    addressee = content.addressees[0]
    letter = _flat(html_to_text(render_html(content, addressee, language), width=None))
    easy = _flat(html_to_text(render_html(content, addressee, language, easy_read=True)))

    for text in (letter, easy):
        assert wording.name[language] in text
        assert not any(phrase in text for phrase in wording.never), text
    if kind is LetterKind.FORMULATION:
        # The formulation letter explains each focus area; the summary only names it.
        assert wording.explanation[language] in letter


@pytest.mark.parametrize(("variant", "person", "wording"), VARIANTS)
@pytest.mark.parametrize("kind", KINDS)
def test_the_plain_text_and_braille_files_carry_the_same_words(
    variant, person, wording, kind, cara, tess
):
    content = build(kind, _course(kind, variant, person, cara, tess))
    files = render_files(content, (LetterFormat.TEXT, LetterFormat.BRAILLE), SHIPPED["en-gb"])
    made = {f.format: f.content for f in files if f.recipient == Recipient.SERVICE_USER}

    plain = _flat(made[LetterFormat.TEXT].decode("utf-8"))
    braille = _flat(brf_to_text(made[LetterFormat.BRAILLE].decode("ascii"))).casefold()
    for text in (plain, braille):
        assert wording.name["en-gb"].casefold() in text.casefold()
        assert not any(phrase.casefold() in text.casefold() for phrase in wording.never)
