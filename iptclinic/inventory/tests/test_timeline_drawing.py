import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iptclinic.inventory.timeline_drawing import (
    NOTHING_YET,
    Episode,
    MoodPoint,
    SymptomNote,
    TimelineMark,
    timeline_svg,
    timeline_text,
)
from iptclinic.lib.svg import clean
from iptclinic.lib.tests.svgcheck import (
    NS,
    assert_accessible_and_csp_safe,
    parse,
    texts,
    titles,
    with_class,
)

MARKS = [
    TimelineMark(date(2022, 3, 1), "month", "Rows with Sam about money", "conflict", ("Sam",)),
    TimelineMark(date(2022, 3, 14), "day", "Mum died", "death", ("Mum",)),
    TimelineMark(date(2022, 6, 20), "day", "Stopped going to choir", "other"),
    TimelineMark(date(2019, 5, 1), "year", "Moved to Leeds", "move"),
]
MOODS = [
    MoodPoint(date(2022, 1, 10), 7),
    MoodPoint(date(2022, 3, 14), 3),
    MoodPoint(date(2022, 8, 1), 2),
]
EPISODES = [Episode(date(2019, 9, 1), date(2020, 4, 1), "after the move")]
ONSET = date(2022, 4, 1)


def full() -> str:
    return timeline_svg(
        marks=MARKS, moods=MOODS, episodes=EPISODES, onset=ONSET, svg_id="cara-timeline"
    )


def event(root: ET.Element, label: str) -> ET.Element:
    found = [g for g in with_class(root, "ipt-event") if label in titles(g)[0]]
    assert len(found) == 1, label
    return found[0]


def event_x(root: ET.Element, label: str) -> float:
    marker = with_class(event(root, label), "ipt-marker")[0]
    return float(marker.get("cx", 0))


def range_x(root: ET.Element, label: str) -> tuple[float, float]:
    path = with_class(event(root, label), "ipt-range")[0]
    m = re.fullmatch(r"M([\d.]+) [\d.]+V[\d.]+H([\d.]+)V[\d.]+", path.get("d", ""))
    assert m, path.get("d")
    return float(m[1]), float(m[2])


def onset_x(root: ET.Element) -> float:
    line = with_class(root, "ipt-onset")[0]
    assert line.get("x1") == line.get("x2")
    return float(line.get("x1", 0))


def test_the_timeline_is_an_accessible_image_with_every_event_in_it() -> None:
    root = assert_accessible_and_csp_safe(full(), "cara-timeline")
    for mark in MARKS:
        assert any(mark.label in t for t in titles(root))
        assert mark.label in texts(root)
    desc = root.find(f"{NS}desc")
    assert desc is not None and "Mum died (death; with Mum)" in (desc.text or "")


@pytest.mark.parametrize(
    ("onset", "before", "after"),
    [
        (date(2022, 4, 1), "Mum died", "Stopped going to choir"),
        (date(2022, 3, 10), "Moved to Leeds", "Mum died"),
    ],
)
def test_the_onset_line_falls_between_the_events_around_it(
    onset: date, before: str, after: str
) -> None:
    root = parse(timeline_svg(marks=MARKS, onset=onset))
    x_before = event_x(root, before) if before != "Moved to Leeds" else range_x(root, before)[1]
    assert x_before < onset_x(root) < event_x(root, after)
    assert "Low mood started" in texts(root)


def test_the_onset_line_can_have_other_plain_words() -> None:
    root = parse(timeline_svg(marks=MARKS, onset=ONSET, onset_label="Binge eating got worse"))
    assert "Binge eating got worse" in texts(root)


def test_a_mark_flagged_as_the_onset_gives_the_onset_line_when_no_date_is_given() -> None:
    marks = [
        *MARKS,
        TimelineMark(date(2022, 4, 2), "day", "Could not get up", "other", is_onset=True),
    ]
    root = parse(timeline_svg(marks=marks))
    assert event_x(root, "Mum died") < onset_x(root) < event_x(root, "Stopped going to choir")
    assert "Could not get up (other; marked as the start)." in timeline_text(marks=marks)


def test_an_event_known_only_to_the_month_is_drawn_across_the_whole_month() -> None:
    marks = [
        *MARKS,
        TimelineMark(date(2022, 3, 1), "day", "First of March", "other"),
        TimelineMark(date(2022, 3, 31), "day", "End of March", "other"),
        TimelineMark(date(2022, 4, 1), "day", "First of April", "other"),
    ]
    root = parse(timeline_svg(marks=marks))
    start, end = range_x(root, "Rows with Sam about money")
    assert start == pytest.approx(event_x(root, "First of March"), abs=0.01)
    assert start < event_x(root, "End of March") < end
    assert end == pytest.approx(event_x(root, "First of April"), abs=0.01)
    assert not with_class(event(root, "Mum died"), "ipt-range")


def test_an_event_known_only_to_the_year_spans_the_whole_year() -> None:
    root = parse(timeline_svg(marks=MARKS))
    start, end = range_x(root, "Moved to Leeds")
    month_start, month_end = range_x(root, "Rows with Sam about money")
    assert end - start == pytest.approx((month_end - month_start) * 365 / 31, rel=0.01)


def test_an_earlier_episode_is_a_hatched_band_with_its_name() -> None:
    root = parse(full())
    band = with_class(root, "ipt-episode")[0]
    rect = band.find(f"{NS}rect")
    assert rect is not None
    assert rect.get("fill") == "url(#cara-timeline-episode)"
    pattern = root.find(f".//{NS}pattern")
    assert pattern is not None and pattern.get("id") == "cara-timeline-episode"
    assert "Earlier episode: after the move" in texts(root)
    x0, x1 = float(rect.get("x", 0)), float(rect.get("x", 0)) + float(rect.get("width", 0))
    start, end = range_x(root, "Moved to Leeds")
    assert start < x0 < end < x1


def test_an_episode_with_no_end_runs_to_the_edge_of_the_timeline() -> None:
    root = parse(timeline_svg(marks=MARKS, episodes=[Episode(date(2022, 9, 1), None, "")]))
    rect = with_class(root, "ipt-episode")[0].find(f"{NS}rect")
    axis = with_class(root, "ipt-axis")[0].find(f"{NS}line")
    assert rect is not None and axis is not None
    right = float(rect.get("x", 0)) + float(rect.get("width", 0))
    assert right == pytest.approx(float(axis.get("x2", 0)), abs=0.01)
    assert "From 1 Sep 2022 with no end date: Earlier episode." in timeline_text(
        marks=[], episodes=[Episode(date(2022, 9, 1), None, "")]
    )


def test_mood_is_plotted_on_the_same_time_axis_as_the_events() -> None:
    root = parse(full())
    moods = with_class(root, "ipt-mood")
    on_the_day = [m for m in moods if "14 Mar 2022" in titles(m)[0]][0]
    circle = on_the_day.find(f"{NS}circle")
    assert circle is not None
    assert float(circle.get("cx", 0)) == pytest.approx(event_x(root, "Mum died"))
    line = with_class(root, "ipt-mood-line")[0]
    ys = [float(p.split(",")[1]) for p in line.get("points", "").split()]
    assert ys[0] < ys[1] < ys[2]  # 7, then 3, then 2: lower mood is drawn lower
    assert {"10 best", "0 worst"} <= set(texts(root))


def test_symptom_notes_have_their_own_lane_only_when_there_are_any() -> None:
    notes = [SymptomNote(date(2022, 5, 1), "Skipping meals")]
    root = parse(timeline_svg(marks=MARKS, symptom_notes=notes))
    symptoms = with_class(root, "ipt-symptom")
    assert len(symptoms) == 1
    assert with_class(symptoms[0], "ipt-marker")[0].tag == f"{NS}polygon"
    assert "Skipping meals" in texts(root)
    assert {"Eating", "symptoms"} <= set(texts(root))
    assert "Eating" not in texts(parse(timeline_svg(marks=MARKS)))


def test_nothing_recorded_gives_a_drawing_that_says_so() -> None:
    svg = timeline_svg(marks=[], svg_id="empty")
    root = assert_accessible_and_csp_safe(svg, "empty")
    assert texts(root) == [NOTHING_YET]
    assert timeline_text(marks=[]) == NOTHING_YET


def test_a_single_date_gives_a_timeline_of_that_year() -> None:
    root = parse(timeline_svg(marks=[TimelineMark(date(2024, 2, 2), "day", "Only one", "other")]))
    assert "2024" in texts(root)
    assert "Feb" in texts(root)
    assert "Only one" in texts(root)


def test_only_a_mood_rating_still_draws() -> None:
    root = parse(timeline_svg(marks=[], moods=[MoodPoint(date(2024, 2, 2), 5)]))
    assert len(with_class(root, "ipt-mood")) == 1
    assert not with_class(root, "ipt-mood-line")


def test_year_labels_are_thinned_out_over_a_long_life() -> None:
    marks = [
        TimelineMark(date(1975, 1, 1), "year", "Born", "other"),
        TimelineMark(date(2024, 1, 1), "year", "Now", "other"),
    ]
    years = [t for t in texts(parse(timeline_svg(marks=marks))) if t.isdigit()]
    assert "1975" in years
    assert 5 <= len(years) < 50


def test_labels_in_a_busy_month_do_not_overlap() -> None:
    marks = [
        TimelineMark(date(2023, 5, day), "day", f"Something happened on day {day}", "other")
        for day in range(1, 29, 3)
    ]
    root = parse(timeline_svg(marks=marks))
    assert not overlapping(with_class(root, "ipt-event"))


def test_labels_are_escaped() -> None:
    svg = timeline_svg(marks=[TimelineMark(date(2023, 1, 9), "day", "<Tom & Jerry>", "job")])
    assert "&lt;Tom &amp; Jerry&gt;" in svg and "<Tom" not in svg
    assert "<Tom & Jerry>" in texts(parse(svg))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"marks": [TimelineMark(date(2022, 1, 1), "week", "A", "other")]},
            "Event 'A' has date precision 'week'; use 'day', 'month' or 'year'.",
        ),
        (
            {"marks": [], "moods": [MoodPoint(date(2022, 1, 3), 11)]},
            "The mood rating on 3 Jan 2022 is 11; ratings go from 0 to 10.",
        ),
        (
            {"marks": [], "moods": [MoodPoint(date(2022, 1, 3), -1)]},
            "The mood rating on 3 Jan 2022 is -1",
        ),
        (
            {"marks": [TimelineMark(date(9999, 1, 1), "year", "Typo", "other")]},
            r"The date 1 Jan 9999 is outside the years the timeline can show \(1850 to 2199\)",
        ),
        (
            {"marks": [], "onset": date(1066, 10, 14)},
            "The date 14 Oct 1066 is outside the years",
        ),
        (
            {"marks": [], "episodes": [Episode(date(2022, 5, 1), date(2022, 4, 1), "B")]},
            r"Episode 'B' ends \(1 Apr 2022\) before it starts \(1 May 2022\).",
        ),
    ],
)
def test_it_explains_bad_input(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        timeline_svg(**kwargs)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=message):
        timeline_text(**kwargs)  # type: ignore[arg-type]


def test_the_text_alternative_lists_everything_in_date_order() -> None:
    notes = [SymptomNote(date(2022, 5, 1), "Skipping meals")]
    text = timeline_text(
        marks=MARKS, moods=MOODS, episodes=EPISODES, symptom_notes=notes, onset=ONSET
    )
    assert text.splitlines() == [
        "Timeline, in date order.",
        "2019: Moved to Leeds (move).",
        "From 1 Sep 2019 to 1 Apr 2020: Earlier episode: after the move.",
        "10 Jan 2022: mood 7 out of 10 (10 is best).",
        "Mar 2022: Rows with Sam about money (conflict; with Sam).",
        "14 Mar 2022: Mum died (death; with Mum).",
        "14 Mar 2022: mood 3 out of 10 (10 is best).",
        "1 Apr 2022: Low mood started.",
        "1 May 2022: eating symptoms: Skipping meals.",
        "20 Jun 2022: Stopped going to choir (other).",
        "1 Aug 2022: mood 2 out of 10 (10 is best).",
    ]


def overlapping(groups: list[ET.Element]) -> list[tuple[str, str]]:
    boxes = []
    for g in groups:
        r = with_class(g, "ipt-label")[0]
        x, y = float(r.get("x", 0)), float(r.get("y", 0))
        boxes.append((x, y, x + float(r.get("width", 0)), y + float(r.get("height", 0))))
    return [
        (str(a), str(b))
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if min(a[2], b[2]) - max(a[0], b[0]) > 0 and min(a[3], b[3]) - max(a[1], b[1]) > 0
    ]


dates = st.dates(min_value=date(1950, 1, 1), max_value=date(2030, 12, 31))
words = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=50)
marks_strategy = st.lists(
    st.builds(
        TimelineMark,
        when=dates,
        precision=st.sampled_from(["day", "month", "year"]),
        label=words,
        kind=st.sampled_from(["death", "conflict", "move", "other", ""]),
        people=st.lists(words, max_size=2).map(tuple),
        is_onset=st.booleans(),
    ),
    max_size=12,
)


@settings(deadline=None, max_examples=60)
@given(
    marks_strategy,
    st.lists(st.builds(MoodPoint, when=dates, rating=st.integers(0, 10)), max_size=10),
    st.lists(st.builds(SymptomNote, when=dates, text=words), max_size=4),
    st.none() | dates,
)
def test_any_timeline_is_well_formed_with_every_label_in_a_title(
    marks: list[TimelineMark],
    moods: list[MoodPoint],
    notes: list[SymptomNote],
    onset: date | None,
) -> None:
    svg = timeline_svg(marks=marks, moods=moods, symptom_notes=notes, onset=onset, svg_id="t")
    root = assert_accessible_and_csp_safe(svg, "t")
    every_title = " | ".join(titles(root))
    for mark in marks:
        assert " ".join(clean(mark.label).split()) in every_title
    for note in notes:
        assert " ".join(clean(note.text).split()) in every_title
    assert not overlapping(with_class(root, "ipt-event"))
    assert not overlapping(with_class(root, "ipt-symptom"))
