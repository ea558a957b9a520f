import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iptclinic.lib.svg import Markup, check_id, drawing, element, group, num, points, shorten
from iptclinic.lib.tests.svgcheck import assert_accessible_and_csp_safe, parse


@pytest.mark.parametrize(
    ("value", "text"),
    [(12, "12"), (12.0, "12"), (3.14159, "3.14"), (0.5, "0.5"), (-0.001, "0"), (-2.25, "-2.25")],
)
def test_numbers_are_written_compactly(value: float, text: str) -> None:
    assert num(value) == text


def test_it_escapes_text_and_attributes() -> None:
    built = element("text", "<Tom & Jerry>", title_='say "hi" & <go>')
    assert built == (
        '<text title="say &quot;hi&quot; &amp; &lt;go&gt;">&lt;Tom &amp; Jerry&gt;</text>'
    )
    assert parse(built).text == "<Tom & Jerry>"


def test_markup_built_here_is_nested_without_escaping_twice() -> None:
    inner = element("title", "A & B")
    outer = element("g", inner, "C & D")
    assert outer == "<g><title>A &amp; B</title>C &amp; D</g>"


def test_attribute_names_use_dashes_and_none_is_left_out() -> None:
    built = element("line", stroke_width=2, class_="a", stroke_dasharray=None)
    assert built == '<line stroke-width="2" class="a"/>'


def test_it_refuses_a_style_attribute_because_the_csp_blocks_it() -> None:
    with pytest.raises(ValueError, match="style attribute"):
        element("rect", style="fill: red")


def test_it_refuses_a_boolean_attribute_value() -> None:
    with pytest.raises(TypeError, match="not a boolean"):
        element("rect", hidden=True)


def test_control_characters_are_dropped_so_the_xml_stays_valid() -> None:
    built = element("text", "Sam\x00\x1b Smith", label="a\x07b")
    assert parse(built).text == "Sam Smith"
    assert parse(built).get("label") == "ab"


def test_an_empty_group_is_left_out() -> None:
    assert group([]) == ""
    assert group([Markup("<x/>")], class_="k") == '<g class="k"><x/></g>'


def test_points_are_pairs_separated_by_spaces() -> None:
    assert points([(1, 2.5), (3.333, 4)]) == "1,2.5 3.33,4"


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("Mum", 100, "Mum"),
        ("Priya from work", 40, "Priya…"),
        ("  lots   of\nspace ", 200, "lots of space"),
        ("Anything", 1, "A…"),
    ],
)
def test_long_text_is_shortened_with_an_ellipsis(text: str, width: float, expected: str) -> None:
    assert shorten(text, width, 10) == expected


@pytest.mark.parametrize("bad", ["", "1circle", "my circle", "circle<", "é"])
def test_it_rejects_an_id_that_is_not_an_xml_name(bad: str) -> None:
    with pytest.raises(ValueError, match="must start with a letter"):
        check_id(bad)


def test_a_drawing_is_a_scalable_image_named_by_its_title_and_description() -> None:
    svg = drawing(
        svg_id="d1",
        width=100,
        height=50,
        title="T & t",
        desc="D",
        body=[],
        kind="test",
        font_size=12,
    )
    root = assert_accessible_and_csp_safe(svg, "d1")
    assert root.get("viewBox") == "0 0 100 50"
    assert "ipt-drawing" in (root.get("class") or "")


@settings(deadline=None)
@given(st.text())
def test_any_text_gives_well_formed_xml_that_keeps_its_printable_characters(text: str) -> None:
    root = parse(element("text", text, label=text))
    kept = "".join(
        c
        for c in text
        if c in "\t\n\r"
        or (c >= " " and not 0xD800 <= ord(c) <= 0xDFFF and c not in "\ufffe\uffff")
    )
    assert root.get("label") == kept
    # XML parsers turn line ends in text into plain newlines.
    assert (root.text or "") == kept.replace("\r\n", "\n").replace("\r", "\n")
