import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iptclinic.lib.svg import clean, text_width
from iptclinic.lib.tests.svgcheck import (
    NS,
    assert_accessible_and_csp_safe,
    parse,
    tag,
    texts,
    titles,
    with_class,
)
from iptclinic.measures.chart import ChartBand, ChartPoint, score_chart_svg

PHQ9_BANDS = [
    ChartBand(0, 4, "None to minimal"),
    ChartBand(5, 9, "Mild"),
    ChartBand(10, 14, "Moderate"),
    ChartBand(15, 19, "Moderately severe"),
    ChartBand(20, 27, "Severe"),
]
COURSE = [
    ChartPoint("S1", 19),
    ChartPoint("S2", 17),
    ChartPoint("S3", None),
    ChartPoint("S4", 14, prorated=True),
    ChartPoint("S5", 9),
    ChartPoint("S6", 6),
]


def phq9(points: list[ChartPoint], svg_id: str = "phq9") -> str:
    return score_chart_svg(
        title="PHQ-9 (low mood)",
        points=points,
        max_score=27,
        bands=PHQ9_BANDS,
        caseness=10,
        reliable_change=6,
        svg_id=svg_id,
    )


def y_for(root: ET.Element, score: float, max_score: int = 27) -> float:
    """Where ``score`` lies on the chart, worked out from the plot's own frame."""
    plot = with_class(root, "ipt-plot")[0]
    top, height = float(plot.get("y", 0)), float(plot.get("height", 0))
    return top + (1 - score / max_score) * height


def near(value: float) -> object:
    """Equal to ``value`` as far as the drawing's two decimals allow."""
    return pytest.approx(value, abs=0.02)


def rect_span(rect: ET.Element) -> tuple[float, float]:
    top = float(rect.get("y", 0))
    return top, top + float(rect.get("height", 0))


def markers(root: ET.Element) -> list[ET.Element]:
    return [
        next(e for e in g if tag(e) in {"circle", "polygon"}) for g in with_class(root, "ipt-point")
    ]


def test_the_chart_is_an_accessible_image_with_a_summary() -> None:
    root = assert_accessible_and_csp_safe(phq9(COURSE, "cara-phq9"), "cara-phq9")
    assert "PHQ-9 (low mood)" in texts(root)
    desc = root.find(f"{NS}desc")
    assert desc is not None
    assert desc.text == (
        "PHQ-9 (low mood). 6 recorded, 5 with a total score. First score 19, moderately severe (S1)."
        " Latest score 6, mild (S6). Caseness is a score of 10 or more."
        " A change of 6 or more is reliable."
    )


@pytest.mark.parametrize(("caseness", "max_score"), [(10, 27), (8, 21), (20, 40)])
def test_the_caseness_line_is_at_the_threshold_on_the_scale(caseness: int, max_score: int) -> None:
    svg = score_chart_svg(
        title="Q",
        points=[ChartPoint("S1", 3)],
        max_score=max_score,
        bands=[],
        caseness=caseness,
        reliable_change=None,
        svg_id="q",
    )
    root = parse(svg)
    line = with_class(root, "ipt-caseness")[0]
    assert float(line.get("y1", 0)) == float(line.get("y2", 0))
    assert float(line.get("y1", 0)) == pytest.approx(y_for(root, caseness, max_score), abs=0.01)
    assert line.get("stroke-dasharray")
    assert f"Caseness (≥ {caseness})" in texts(root)


def test_the_reliable_change_band_spans_the_first_score_plus_and_minus_the_value() -> None:
    root = parse(phq9(COURSE))
    band = with_class(root, "ipt-rc-band")[0]
    top, bottom = rect_span(band)
    assert top == near(y_for(root, 19 + 6))
    assert bottom == near(y_for(root, 19 - 6))
    assert band.get("fill") == "url(#phq9-rc)"
    assert "first score 19 ± 6: a change of 6 or more is reliable" in texts(root)


def test_the_reliable_change_band_starts_from_the_first_score_that_has_a_total() -> None:
    root = parse(phq9([ChartPoint("S1", None), ChartPoint("S2", 12), ChartPoint("S3", 4)]))
    top, bottom = rect_span(with_class(root, "ipt-rc-band")[0])
    assert (top, bottom) == (near(y_for(root, 18)), near(y_for(root, 6)))


def test_a_first_score_of_zero_counts_as_the_first_score() -> None:
    root = parse(phq9([ChartPoint("S1", 0), ChartPoint("S2", 5)]))
    top, bottom = rect_span(with_class(root, "ipt-rc-band")[0])
    assert (top, bottom) == (near(y_for(root, 6)), near(y_for(root, 0)))
    assert len(with_class(root, "ipt-score-line")) == 1


@pytest.mark.parametrize(
    ("max_score", "ticks"),
    [
        (27, ["0", "5", "10", "15", "20", "25", "27"]),
        (21, ["0", "5", "10", "15", "21"]),
        (10, ["0", "2", "4", "6", "8", "10"]),
        (40, ["0", "5", "10", "15", "20", "25", "30", "35", "40"]),
        (5000, ["0", "625", "1250", "1875", "2500", "3125", "3750", "4375", "5000"]),
    ],
)
def test_the_y_axis_runs_from_zero_to_the_highest_score(max_score: int, ticks: list[str]) -> None:
    svg = score_chart_svg(
        title="Q",
        points=[],
        max_score=max_score,
        bands=[],
        caseness=None,
        reliable_change=None,
        svg_id="q",
    )
    axis = with_class(parse(svg), "ipt-axis")[0]
    assert [t.text for t in axis.iter(f"{NS}text")] == ticks


def test_the_reliable_change_band_stops_at_the_ends_of_the_scale() -> None:
    root = parse(phq9([ChartPoint("S1", 25)]))
    top, bottom = rect_span(with_class(root, "ipt-rc-band")[0])
    assert top == near(y_for(root, 27))
    assert bottom == near(y_for(root, 19))


def test_each_severity_band_is_a_labelled_shade_over_its_scores() -> None:
    root = parse(phq9(COURSE))
    bands = with_class(root, "ipt-band")
    assert [titles(b)[0] for b in bands] == [
        "None to minimal (0–4)",
        "Mild (5–9)",
        "Moderate (10–14)",
        "Moderately severe (15–19)",
        "Severe (20–27)",
    ]
    rects = [b.find(f"{NS}rect") for b in bands]
    assert len({r.get("fill") for r in rects if r is not None}) == 5
    moderate = rects[2]
    assert moderate is not None
    assert rect_span(moderate) == (near(y_for(root, 15)), near(y_for(root, 10)))
    for name in ("Mild (5–9)", "Moderate (10–14)", "Severe (20–27)"):
        assert name in texts(root)


def test_scores_are_drawn_at_their_height_and_a_prorated_score_differently() -> None:
    root = parse(phq9(COURSE))
    drawn = markers(root)
    assert len(drawn) == 5
    ys = []
    for marker, score in zip(drawn, [19, 17, 14, 9, 6], strict=True):
        if tag(marker) == "circle":
            y = float(marker.get("cy", 0))
        else:
            y = sum(float(p.split(",")[1]) for p in marker.get("points", "").split()) / 4
        assert y == pytest.approx(y_for(root, score), abs=0.01)
        ys.append(y)
    assert [tag(m) for m in drawn] == ["circle", "circle", "polygon", "circle", "circle"]
    assert drawn[2].get("fill") == "#fff"
    assert any("S4: 14 (prorated" in t for t in titles(root))


def test_a_missing_total_is_shown_as_a_gap_and_not_as_a_score() -> None:
    root = parse(phq9(COURSE))
    missing = with_class(root, "ipt-missing")
    assert len(missing) == 1
    assert titles(missing[0]) == ["S3: no total score"]
    plot_bottom = y_for(root, 0)
    path = missing[0].find(f"{NS}path")
    assert path is not None
    assert all(
        float(v) > plot_bottom
        for v in path.get("d", "").replace("M", " ").replace("L", " ").split()[1::2]
    )
    assert len(with_class(root, "ipt-gap-line")) == 1
    assert len(with_class(root, "ipt-score-line")) == 3
    assert "no total score" in texts(root)


def test_no_scores_yet_still_draws_the_bands_and_the_caseness_line() -> None:
    root = assert_accessible_and_csp_safe(phq9([], "empty"), "empty")
    assert "No scores yet." in texts(root)
    assert len(with_class(root, "ipt-band")) == 5
    assert with_class(root, "ipt-caseness")
    assert not with_class(root, "ipt-point")
    assert not with_class(root, "ipt-rc-band")


def test_one_score_gives_one_marker_and_its_reliable_change_band() -> None:
    root = parse(phq9([ChartPoint("Assessment", 12)]))
    assert len(markers(root)) == 1
    assert not with_class(root, "ipt-score-line")
    assert with_class(root, "ipt-rc-band")
    assert "Assessment" in texts(root)


def test_many_scores_thin_out_the_labels_underneath_so_they_do_not_overlap() -> None:
    points = [ChartPoint(f"{day} Mar 2025", day % 28) for day in range(1, 41)]
    root = parse(phq9(points))
    assert len(markers(root)) == 40
    shown = [
        t
        for t in root.iter(f"{NS}text")
        if t.get("text-anchor") == "middle" and "Mar" in (t.text or "")
    ]
    assert 2 < len(shown) < 40
    edges = sorted(
        (
            float(t.get("x", 0)) - text_width(t.text or "", 10) / 2,
            float(t.get("x", 0)) + text_width(t.text or "", 10) / 2,
        )
        for t in shown
    )
    assert all(a[1] <= b[0] for a, b in zip(edges, edges[1:], strict=False))


def test_text_is_escaped() -> None:
    svg = score_chart_svg(
        title="<Tom & Jerry>",
        points=[ChartPoint("<S1>", 3)],
        max_score=10,
        bands=[ChartBand(0, 10, "A & B")],
        caseness=None,
        reliable_change=None,
        svg_id="e",
    )
    assert "<Tom" not in svg and "&lt;Tom &amp; Jerry&gt;" in svg
    root = parse(svg)
    assert "<Tom & Jerry>" in texts(root)
    assert "<S1>: 3" in titles(root)


def test_a_long_band_name_wraps_in_the_margin() -> None:
    svg = score_chart_svg(
        title="WSAS",
        points=[],
        max_score=40,
        bands=[
            ChartBand(0, 9, "Subclinical"),
            ChartBand(10, 19, "Significant functional impairment"),
        ],
        caseness=None,
        reliable_change=None,
        svg_id="w",
    )
    shown = texts(parse(svg))
    assert "Significant functional" in shown
    assert "impairment (10–19)" in shown


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_score": 0}, "highest possible score must be 1 or more, not 0"),
        ({"points": [ChartPoint("S2", 28)]}, "The score 28 for 'S2' is outside 0 to 27."),
        ({"points": [ChartPoint("S2", -1)]}, "The score -1 for 'S2' is outside 0 to 27."),
        ({"caseness": 30}, "The caseness threshold 30 is outside 0 to 27."),
        ({"reliable_change": 0}, "reliable change value must be 1 or more, not 0"),
        ({"bands": [ChartBand(5, 3, "Odd")]}, r"Band 'Odd' \(5 to 3\) must lie within 0 to 27"),
        ({"bands": [ChartBand(0, 30, "Big")]}, r"Band 'Big' \(0 to 30\) must lie within 0 to 27"),
        ({"bands": [ChartBand(0, 5, "A"), ChartBand(5, 9, "B")]}, "Bands 'A' and 'B' overlap."),
        ({"title": "  "}, "needs a title"),
        ({"svg_id": "9"}, "svg_id '9' must start with a letter"),
    ],
)
def test_it_explains_bad_input(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {
        "title": "PHQ-9",
        "points": COURSE,
        "max_score": 27,
        "bands": PHQ9_BANDS,
        "caseness": 10,
        "reliable_change": 6,
        "svg_id": "c",
    }
    with pytest.raises(ValueError, match=message):
        score_chart_svg(**{**arguments, **kwargs})  # type: ignore[arg-type]


scores = st.none() | st.integers(min_value=0, max_value=27)
point_lists = st.lists(
    st.builds(
        ChartPoint,
        label=st.text(
            alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20
        ),
        score=scores,
        prorated=st.booleans(),
    ),
    max_size=30,
)


@settings(deadline=None, max_examples=80)
@given(point_lists, st.none() | st.integers(1, 27), st.none() | st.integers(1, 12))
def test_any_scores_give_a_well_formed_chart_with_markers_inside_the_plot(
    points: list[ChartPoint], caseness: int | None, change: int | None
) -> None:
    svg = score_chart_svg(
        title="PHQ-9",
        points=points,
        max_score=27,
        bands=PHQ9_BANDS,
        caseness=caseness,
        reliable_change=change,
        svg_id="h",
    )
    root = assert_accessible_and_csp_safe(svg, "h")
    top, bottom = y_for(root, 27), y_for(root, 0)
    for marker in markers(root):
        y = float(marker.get("cy", 0)) if tag(marker) == "circle" else None
        if y is not None:
            assert top - 0.01 <= y <= bottom + 0.01
    assert len(markers(root)) == sum(p.score is not None for p in points)
    assert len(with_class(root, "ipt-missing")) == sum(p.score is None for p in points)
    every_title = " | ".join(titles(root))
    for point in points:
        assert " ".join(clean(point.label).split()) in every_title
