"""Easy-read pictograms (decisions.md §27)."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest

from iptclinic.letters.formats.pdf import (
    STANDARD_STYLESHEET,
    html_to_pdf,
    pdf_font_sizes,
    pdf_text,
)
from iptclinic.letters.formats.pictograms import (
    UnknownPictogram,
    pictogram_names,
    pictogram_svg,
)

SVG = "{http://www.w3.org/2000/svg}"
EXPECTED = {
    "appointment": "Appointment",
    "clock": "Time",
    "help": "Help when you need it",
    "home": "Home",
    "letter": "Letter",
    "person": "Person",
    "phone": "Phone",
    "question": "Question",
    "talking": "Talking together",
    "tick": "Yes, done",
}


def _parse(name: str) -> ElementTree.Element:
    return ElementTree.fromstring(pictogram_svg(name))  # noqa: S314 (the project's own files)


def test_the_pictograms_are_the_easy_read_set() -> None:
    assert pictogram_names() == tuple(sorted(EXPECTED))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_pictogram_is_a_well_formed_titled_line_drawing(name: str) -> None:
    root = _parse(name)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 64 64"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text == EXPECTED[name]
    elements = list(root.iter())
    assert len(elements) > 2
    for element in elements:
        assert element.tag.startswith(SVG)
        assert element.tag not in (f"{SVG}script", f"{SVG}style", f"{SVG}foreignObject")
        assert element.tag not in (f"{SVG}image", f"{SVG}use")
        for attribute, value in element.attrib.items():
            assert attribute != "style"
            assert not attribute.startswith("on")
            assert "href" not in attribute
            if attribute in ("fill", "stroke"):
                assert value in ("none", "#000")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_pictogram_holds_text(name: str) -> None:
    root = _parse(name)
    assert root.find(f".//{SVG}text") is None


def test_every_pictogram_draws_in_an_easy_read_pdf_without_adding_text() -> None:
    items = "".join(
        f'<li class="easy-read-item">{pictogram_svg(name)}<p>Sentence {number}.</p></li>'
        for number, name in enumerate(pictogram_names(), start=1)
    )
    html = f'<div class="easy-read"><ul>{items}</ul></div>'
    pdf = html_to_pdf(html, stylesheets=[STANDARD_STYLESHEET])
    text = pdf_text(pdf)
    assert "Sentence 10." in text
    assert 14 in pdf_font_sizes(pdf)
    for title in EXPECTED.values():
        assert title not in text


def test_an_unknown_name_lists_the_pictograms_there_are() -> None:
    with pytest.raises(UnknownPictogram) as raised:
        pictogram_svg("../settings")
    assert str(raised.value) == (
        "There is no pictogram called '../settings'. The pictograms are: appointment, clock, "
        "help, home, letter, person, phone, question, talking, tick."
    )
