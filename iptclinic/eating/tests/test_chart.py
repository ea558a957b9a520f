"""The eating log chart: drawn for no, one and many sessions, named for screen readers."""

from __future__ import annotations

from iptclinic.eating.chart import EatingPoint, eating_chart_svg
from iptclinic.lib.tests.svgcheck import assert_accessible_and_csp_safe

NS = {"svg": "http://www.w3.org/2000/svg"}


def draw(points):
    svg = eating_chart_svg(points=points, svg_id="eating-1")
    return svg, assert_accessible_and_csp_safe(svg, "eating-1")


def test_an_empty_log_draws_a_chart_that_says_so():
    svg, root = draw([])
    assert "Nothing recorded yet." in svg
    assert root.find("svg:desc", NS).text == "Nothing has been recorded in the eating log yet."


def test_one_session_draws_markers_without_lines():
    svg, _ = draw([EatingPoint(1, 4, 2)])
    assert "<polyline" not in svg
    assert "Session 1: 4 binges" in svg


def test_binges_and_purging_each_have_a_line_and_the_description_reads_every_figure():
    svg, root = draw([EatingPoint(1, 6, 0), EatingPoint(2, 3, 5), EatingPoint(4, 12, 1)])
    assert svg.count("<polyline") == 2
    assert 'stroke-dasharray="6 4"' in svg  # purging is dashed, not told apart by colour
    desc = root.find("svg:desc", NS).text
    assert "session 2: 3 binges, 5 purging" in desc
    assert "session 4: 12 binges, 1 purging" in desc
    assert ">15<" in svg  # the axis rounds 12 up to 15
