import math
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iptclinic.inventory.circle import CirclePerson, closeness_circle_svg, closeness_circle_text
from iptclinic.lib.svg import clean
from iptclinic.lib.tests.svgcheck import (
    NS,
    assert_accessible_and_csp_safe,
    parse,
    texts,
    titles,
    with_class,
)

FAMILY = [
    CirclePerson("Mum", 1, 1, area_labels=("Grief",), deceased=True),
    CirclePerson("Sam", 3, 1, area_labels=("Role dispute",)),
    CirclePerson("Jo", 1, 2),
    CirclePerson("Church choir", 4, 2, is_group=True),
    CirclePerson("Nan", None, 2),
]


def people_drawn(root: ET.Element) -> dict[str, list[tuple[float, ET.Element]]]:
    """Each person's title mapped to (distance from the centre, group), once per circle."""
    found: dict[str, list[tuple[float, ET.Element]]] = {}
    for g in with_class(root, "ipt-person"):
        title = g.find(f"{NS}title")
        assert title is not None and title.text
        marker = with_class(g, "ipt-marker")[0]
        if marker.get("r"):
            x, y = float(marker.get("cx", 0)), float(marker.get("cy", 0))
        else:
            x = float(marker.get("x", 0)) + float(marker.get("width", 0)) / 2
            y = float(marker.get("y", 0)) + float(marker.get("height", 0)) / 2
        found.setdefault(title.text.split(" (")[0].split(":")[0], []).append((math.hypot(x, y), g))
    return found


def test_the_drawing_is_an_accessible_image_with_every_person_in_it() -> None:
    svg = closeness_circle_svg(FAMILY, svg_id="cara-circle")
    root = assert_accessible_and_csp_safe(svg, "cara-circle")
    for person in FAMILY:
        assert any(person.label in t for t in titles(root))
        assert any(person.label in t for t in texts(root))


def test_a_closer_ring_is_drawn_nearer_the_centre() -> None:
    people = [CirclePerson(f"P{ring}", ring, None) for ring in (3, 1, 4, 2)]
    drawn = people_drawn(parse(closeness_circle_svg(people)))
    distances = [drawn[f"P{ring}"][0][0] for ring in (1, 2, 3, 4)]
    assert distances == sorted(distances)
    assert len(set(distances)) == 4


def test_people_on_the_same_ring_are_the_same_distance_from_the_centre() -> None:
    people = [CirclePerson(name, 2, None) for name in ("Ann", "Bob", "Cy", "Di", "Ed")]
    drawn = people_drawn(parse(closeness_circle_svg(people)))
    distances = {round(d[0][0], 1) for d in drawn.values()}
    assert len(distances) == 1


def test_before_and_now_are_both_drawn_when_a_before_ring_is_known() -> None:
    root = parse(closeness_circle_svg(FAMILY))
    assert len(with_class(root, "ipt-panel")) == 2
    assert {"Before it started", "Now"} <= set(texts(root))
    drawn = people_drawn(root)
    assert len(drawn["Sam"]) == 2
    sam_titles = [g.find(f"{NS}title").text for _, g in drawn["Sam"]]  # type: ignore[union-attr]
    assert any("ring 1, before it started" in t for t in sam_titles)
    assert any("ring 3, now" in t for t in sam_titles)
    before, now = sorted(drawn["Sam"], key=lambda d: d[0])
    assert before[0] < now[0]


def panel_offsets(root: ET.Element) -> list[tuple[float, float]]:
    offsets = []
    for panel in with_class(root, "ipt-panel"):
        x, y = panel.get("transform", "").removeprefix("translate(").rstrip(")").split()
        offsets.append((float(x), float(y)))
    return offsets


def test_before_and_now_sit_side_by_side_or_one_above_the_other_when_stacked() -> None:
    (x1, y1), (x2, y2) = panel_offsets(parse(closeness_circle_svg(FAMILY)))
    assert y1 == y2 and x1 < x2
    (x1, y1), (x2, y2) = panel_offsets(parse(closeness_circle_svg(FAMILY, stacked=True)))
    assert y1 < y2


def test_a_single_circle_is_drawn_when_no_before_ring_is_known() -> None:
    root = parse(closeness_circle_svg([CirclePerson("Jo", 1, None), CirclePerson("Al", 2, None)]))
    assert len(with_class(root, "ipt-panel")) == 1
    assert "Before it started" not in texts(root)


def test_a_person_who_died_has_a_hollow_crossed_marker_and_says_died() -> None:
    root = parse(closeness_circle_svg(FAMILY))
    mum = people_drawn(root)["Mum"][0][1]
    marker = with_class(mum, "ipt-marker")[0]
    assert marker.get("fill") == "#fff"
    assert len(mum.findall(f"{NS}line")) == 2
    assert "Mum (died)" in texts(mum)
    jo = people_drawn(root)["Jo"][0][1]
    assert with_class(jo, "ipt-marker")[0].get("fill") == "#000"
    assert not jo.findall(f"{NS}line")


def test_a_group_is_drawn_as_a_square_and_a_person_as_a_circle() -> None:
    drawn = people_drawn(parse(closeness_circle_svg(FAMILY)))
    choir = with_class(drawn["Church choir"][0][1], "ipt-marker")[0]
    jo = with_class(drawn["Jo"][0][1], "ipt-marker")[0]
    assert choir.tag == f"{NS}rect"
    assert jo.tag == f"{NS}circle"


def test_problem_area_tags_are_written_and_marked_by_a_dashed_ring() -> None:
    drawn = people_drawn(parse(closeness_circle_svg(FAMILY)))
    sam = drawn["Sam"][0][1]
    assert "Role dispute" in texts(sam)
    ring = with_class(sam, "ipt-tag-ring")
    assert ring and ring[0].get("stroke-dasharray")
    assert not with_class(drawn["Jo"][0][1], "ipt-tag-ring")


def test_labels_are_escaped() -> None:
    svg = closeness_circle_svg([CirclePerson("<Tom & Jerry>", 1, None)])
    assert "&lt;Tom &amp; Jerry&gt;" in svg
    assert "<Tom" not in svg
    assert "<Tom & Jerry>" in texts(parse(svg))


def test_a_long_label_is_shortened_on_the_drawing_but_whole_in_its_title() -> None:
    label = "Priya from work, my line manager at the bank"
    root = parse(closeness_circle_svg([CirclePerson(label, 2, None)]))
    shown = [t for t in texts(root) if t.startswith("Priya")]
    assert shown and shown[0].endswith("…") and len(shown[0]) < len(label)
    assert any(label in t for t in titles(root))


def test_a_shortened_label_of_someone_who_died_still_says_died() -> None:
    label = "My grandmother on my father's side"
    root = parse(closeness_circle_svg([CirclePerson(label, 2, None, deceased=True)]))
    assert any(t.endswith("… (died)") for t in texts(root))


def test_labels_on_a_crowded_ring_do_not_overlap() -> None:
    people = [CirclePerson(f"Cousin number {i}", 1, None) for i in range(9)]
    root = parse(closeness_circle_svg(people))
    assert not overlapping_labels(root)


def test_people_not_placed_are_listed_under_the_circle() -> None:
    root = parse(closeness_circle_svg(FAMILY))
    assert "Not placed: Nan." in texts(root)
    assert "Not placed: Nan" in titles(root)


def test_an_empty_circle_says_nobody_is_placed_yet() -> None:
    svg = closeness_circle_svg([], svg_id="empty")
    root = assert_accessible_and_csp_safe(svg, "empty")
    assert "Nobody placed yet." in texts(root)
    assert len(with_class(root, "ipt-ring")) == 4


def test_the_centre_shows_the_chosen_name() -> None:
    root = parse(closeness_circle_svg([], centre_label="Cara"))
    assert "Cara" in texts(root)


@pytest.mark.parametrize("rings", [3, 4, 5])
def test_it_draws_the_number_of_rings_asked_for(rings: int) -> None:
    root = parse(closeness_circle_svg([CirclePerson("Jo", rings, None)], rings=rings))
    assert len(with_class(root, "ipt-ring")) == rings


@pytest.mark.parametrize(
    ("people", "rings", "message"),
    [
        (
            [CirclePerson("Jo", 5, None)],
            4,
            "'Jo' is on ring 5 now, but the circle has rings 1 to 4",
        ),
        (
            [CirclePerson("Jo", 1, 0)],
            4,
            "'Jo' is on ring 0 before it started, but the circle has rings 1 to 4",
        ),
        ([CirclePerson("  ", 1, None)], 4, "needs a name or label"),
        ([], 0, "between 1 and 8 rings, not 0"),
        ([], 9, "between 1 and 8 rings, not 9"),
    ],
)
def test_it_explains_bad_input(people: list[CirclePerson], rings: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        closeness_circle_svg(people, rings=rings)
    with pytest.raises(ValueError, match=message):
        closeness_circle_text(people, rings=rings)


def test_it_rejects_an_id_that_cannot_name_an_element() -> None:
    with pytest.raises(ValueError, match="svg_id"):
        closeness_circle_svg(FAMILY, svg_id="two words")


def test_ids_of_two_circles_on_one_page_differ() -> None:
    a = parse(closeness_circle_svg(FAMILY, svg_id="a"))
    b = parse(closeness_circle_svg(FAMILY, svg_id="b"))
    ids = {e.get("id") for root in (a, b) for e in root.iter() if e.get("id")}
    assert ids == {"a", "a-title", "a-desc", "b", "b-title", "b-desc"}


def test_the_text_alternative_goes_ring_by_ring_now_then_before_then_changes() -> None:
    assert closeness_circle_text(FAMILY).splitlines() == [
        "Closeness circle: 4 rings; ring 1 is the closest.",
        "Now:",
        "Ring 1: Mum (died; linked to Grief); Jo.",
        "Ring 2: nobody.",
        "Ring 3: Sam (linked to Role dispute).",
        "Ring 4: Church choir (a group).",
        "Not placed: Nan.",
        "Before it started:",
        "Ring 1: Mum (died; linked to Grief); Sam (linked to Role dispute).",
        "Ring 2: Jo; Church choir (a group); Nan.",
        "Ring 3: nobody.",
        "Ring 4: nobody.",
        "Since it started: Mum stayed on ring 1; Sam moved further away (ring 1 to ring 3); "
        "Jo moved closer (ring 2 to ring 1); Church choir moved further away (ring 2 to ring 4).",
    ]


def test_the_text_alternative_without_before_rings_has_one_section() -> None:
    text = closeness_circle_text([CirclePerson("Jo", 2, None)], rings=3)
    assert text.splitlines() == [
        "Closeness circle: 3 rings; ring 1 is the closest.",
        "Ring 1: nobody.",
        "Ring 2: Jo.",
        "Ring 3: nobody.",
    ]


def test_the_text_alternative_of_an_empty_circle_says_so() -> None:
    assert closeness_circle_text([]).endswith("Nobody has been placed on the circle yet.")


def test_the_description_carries_the_text_alternative() -> None:
    root = parse(closeness_circle_svg(FAMILY))
    desc = root.find(f"{NS}desc")
    assert desc is not None and desc.text
    assert "Sam moved further away (ring 1 to ring 3)" in desc.text


def overlapping_labels(root: ET.Element) -> list[tuple[str, str]]:
    clashes = []
    for panel in with_class(root, "ipt-panel"):
        boxes = []
        for g in with_class(panel, "ipt-person"):
            r = with_class(g, "ipt-label")[0]
            x, y = float(r.get("x", 0)), float(r.get("y", 0))
            boxes.append((x, y, x + float(r.get("width", 0)), y + float(r.get("height", 0))))
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                if min(a[2], b[2]) - max(a[0], b[0]) > 0 and min(a[3], b[3]) - max(a[1], b[1]) > 0:
                    clashes.append((str(a), str(b)))
    return clashes


labels = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60
).filter(lambda s: s.strip())
rings_or_none = st.none() | st.integers(min_value=1, max_value=4)
people_lists = st.lists(
    st.builds(
        CirclePerson,
        label=labels,
        ring_now=rings_or_none,
        ring_before=rings_or_none,
        area_labels=st.lists(labels, max_size=2).map(tuple),
        deceased=st.booleans(),
        is_group=st.booleans(),
    ),
    max_size=14,
)


@settings(deadline=None, max_examples=60)
@given(people_lists)
def test_any_people_give_a_well_formed_drawing_with_every_full_label_in_a_title(
    people: list[CirclePerson],
) -> None:
    root = assert_accessible_and_csp_safe(closeness_circle_svg(people, svg_id="c"), "c")
    all_titles = " | ".join(titles(root))
    for person in people:
        assert " ".join(clean(person.label).split()) in all_titles
    assert not overlapping_labels(root)
    text = closeness_circle_text(people)
    for person in people:
        assert " ".join(person.label.split()) in text
