"""The same SVG that goes into pages must come out readable in a WeasyPrint letter."""

import io
from datetime import date

import pdfplumber
import pytest
import weasyprint

from iptclinic.inventory.circle import CirclePerson, closeness_circle_svg
from iptclinic.inventory.timeline_drawing import (
    Episode,
    MoodPoint,
    SymptomNote,
    TimelineMark,
    timeline_svg,
)
from iptclinic.measures.chart import ChartBand, ChartPoint, score_chart_svg


def letter_with_drawings() -> str:
    circle = closeness_circle_svg(
        [
            CirclePerson("Mum", 1, 1, area_labels=("Grief",), deceased=True),
            CirclePerson("Sam", 3, 1, area_labels=("Role dispute",)),
            CirclePerson("Church choir", 4, 2, is_group=True),
            CirclePerson("<Tom & Jerry>", 2, None),
        ],
        svg_id="letter-circle",
        stacked=True,
    )
    timeline = timeline_svg(
        marks=[
            TimelineMark(date(2022, 3, 14), "day", "Mum died", "death", ("Mum",)),
            TimelineMark(date(2022, 6, 1), "month", "Stopped going to choir", "other"),
        ],
        moods=[MoodPoint(date(2022, 1, 1), 7), MoodPoint(date(2022, 5, 1), 3)],
        episodes=[Episode(date(2019, 9, 1), date(2020, 4, 1), "after the move")],
        symptom_notes=[SymptomNote(date(2022, 5, 1), "Skipping meals")],
        onset=date(2022, 4, 1),
        svg_id="letter-timeline",
    )
    chart = score_chart_svg(
        title="PHQ-9 (low mood)",
        points=[ChartPoint("S1", 19), ChartPoint("S2", None), ChartPoint("S3", 8, prorated=True)],
        max_score=27,
        bands=[
            ChartBand(0, 9, "Mild or less"),
            ChartBand(10, 14, "Moderate"),
            ChartBand(15, 27, "Severe"),
        ],
        caseness=10,
        reliable_change=6,
        svg_id="letter-chart",
    )
    return (
        '<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Letter</title></head>'
        "<body><h1>Your drawings</h1>"
        + "".join(f"<figure>{svg}</figure>" for svg in (circle, timeline, chart))
        + "</body></html>"
    )


@pytest.fixture(scope="module")
def pdf_text() -> str:
    pdf = weasyprint.HTML(string=letter_with_drawings()).write_pdf(pdf_variant="pdf/ua-1")
    assert pdf is not None
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return " ".join(page.extract_text() or "" for page in document.pages)


@pytest.mark.parametrize(
    "words",
    [
        "Before it started",
        "Mum (died)",
        "Church choir",
        "Role dispute",
        "<Tom & Jerry>",
        "Low mood started",
        "Mum died",
        "Skipping meals",
        "Earlier episode: after the move",
        "2022",
        "PHQ-9 (low mood)",
        "Caseness (≥ 10)",
        "Moderate (10–14)",
        "first score 19 ± 6",
    ],
)
def test_the_drawings_words_are_real_text_in_the_pdf(pdf_text: str, words: str) -> None:
    assert words.replace(" ", "") in pdf_text.replace(" ", "").replace("\n", "")


def test_titles_and_descriptions_are_not_printed_over_the_drawing(pdf_text: str) -> None:
    assert "Closeness circle: before it started and now" not in pdf_text
    assert "Timeline, in date order" not in pdf_text
