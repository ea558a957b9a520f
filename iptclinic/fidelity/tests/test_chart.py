"""The adherence chart: drawn for no, one and many sessions, named for screen readers."""

from __future__ import annotations

import pytest

from iptclinic.fidelity.chart import AdherencePoint, adherence_chart_svg
from iptclinic.lib.tests.svgcheck import assert_accessible_and_csp_safe

NS = {"svg": "http://www.w3.org/2000/svg"}


def draw(points):
    svg = adherence_chart_svg(points=points, svg_id="adherence-1")
    return svg, assert_accessible_and_csp_safe(svg, "adherence-1")


def test_no_ratings_draw_an_empty_chart_that_says_so():
    svg, root = draw([])
    assert "No ratings yet." in svg
    assert root.find("svg:desc", NS).text == "No session has been rated yet."


def test_each_rater_has_a_line_and_the_description_reads_every_figure():
    svg, root = draw(
        [
            AdherencePoint("Session 2", 90, None),
            AdherencePoint("Session 4", 100, 60),
            AdherencePoint("Session 5", 80, 70),
        ]
    )
    lines = root.findall(".//svg:polyline", NS)
    assert len(lines) == 2
    assert [line.get("stroke-dasharray") for line in lines] == [None, "6 4"]
    desc = root.find("svg:desc", NS).text
    assert "Session 2: therapist 90%, supervisor not rated" in desc
    assert "Session 4: therapist 100%, supervisor 60%" in desc
    assert root.get("role") == "img"


def test_a_single_rating_is_a_marker_without_a_line():
    _svg, root = draw([AdherencePoint("Session 3", 50, None)])
    assert root.findall(".//svg:polyline", NS) == []
    assert len(root.findall(".//svg:circle", NS)) == 2  # the marker and the legend's


def test_a_score_outside_0_to_100_is_refused():
    with pytest.raises(ValueError, match="not 0 to 100"):
        draw([AdherencePoint("Session 1", 101, None)])
