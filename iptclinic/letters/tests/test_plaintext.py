"""Plain text of a letter for screen readers and email (issue 5 item 3)."""

from __future__ import annotations

from html import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iptclinic.letters.formats.plaintext import html_to_text
from iptclinic.letters.tests.samples import LETTER_HTML, LETTER_PARAGRAPHS


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>One.</p><p>Two.</p>", "One.\n\nTwo.\n"),
        ("<h1>Your plan</h1><p>Text.</p>", "Your plan\n=========\n\nText.\n"),
        ("<h2>Next steps</h2>", "Next steps\n----------\n"),
        ("<h3>Why</h3>", "Why\n---\n"),
        ("<ul><li>Tea</li><li>Toast</li></ul>", "- Tea\n- Toast\n"),
        ("<ol><li>Call</li><li>Come</li></ol>", "1. Call\n2. Come\n"),
        (
            "<p>Bring:</p><ul><li>a diary<ul><li>and a pen</li></ul></li><li>a friend</li></ul>"
            "<p>Thanks.</p>",
            "Bring:\n\n- a diary\n  - and a pen\n- a friend\n\nThanks.\n",
        ),
        (
            "<table><tr><th>Name</th><td>Cara</td></tr><tr><th>NHS number</th>"
            "<td>943&nbsp;476&nbsp;5919</td></tr></table>",
            "Name: Cara\nNHS number: 943 476 5919\n",
        ),
        (
            "<table><caption>Sessions</caption><thead><tr><th>Session</th><th>Date</th></tr>"
            "</thead><tbody><tr><td>1</td><td>3 March</td></tr><tr><td>2</td><td>10 March"
            "</td></tr></tbody></table>",
            "Sessions\n\nSession: 1\nDate: 3 March\n\nSession: 2\nDate: 10 March\n",
        ),
        (
            "<table><tr><th>Score<td>18<tr><th>Band<td>Moderately severe</table>",
            "Score: 18\nBand: Moderately severe\n",
        ),
        ("<dl><dt>Date of birth</dt><dd>12 July 1985</dd></dl>", "Date of birth: 12 July 1985\n"),
        (
            '<p>See <a href="https://www.nhs.uk/talk">NHS talking therapies</a>.</p>',
            "See NHS talking therapies (https://www.nhs.uk/talk).\n",
        ),
        ('<p><a href="https://www.nhs.uk/">www.nhs.uk</a></p>', "www.nhs.uk\n"),
        (
            '<p><a href="mailto:ipt@example.nhs.uk?subject=Hello">Email us</a></p>',
            "Email us (ipt@example.nhs.uk)\n",
        ),
        (
            '<p><a href="mailto:ipt@example.nhs.uk">ipt@example.nhs.uk</a></p>',
            "ipt@example.nhs.uk\n",
        ),
        ('<p><a href="tel:+441614960000">0161 496 0000</a></p>', "0161 496 0000\n"),
        ('<p><a href="tel:+441614960000">Call us</a></p>', "Call us (+441614960000)\n"),
        ('<p><a href="/letters/3">Download</a></p>', "Download\n"),
        (
            "<p>Fish &amp; chips &lt;3 &pound;5 &#8220;fine&#8221; caf&eacute;</p>",
            "Fish & chips <3 £5 “fine” café\n",
        ),
        (
            "<p>Ms Cara Example<br>1 High Street<br/>Northtown</p>",
            "Ms Cara Example\n1 High Street\nNorthtown\n",
        ),
        ("<p>  lots \n of\t space  </p>", "lots of space\n"),
        ("<p>soft&shy;hyphen and zero&#8203;width</p>", "softhyphen and zerowidth\n"),
        ("Loose text<br>and more", "Loose text\nand more\n"),
        ("", ""),
    ],
)
def test_html_becomes_readable_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        (
            '<p>Your score <svg viewBox="0 0 10 10"><title>Chart</title><text>18</text></svg>went'
            " down.</p>",
            "Your score went down.\n",
        ),
        ('<p>Call us<span class="visually-hidden-in-text"> (phone icon)</span>.</p>', "Call us.\n"),
        ('<p>Call us <span aria-hidden="true">☎</span>today.</p>', "Call us today.\n"),
        ("<p>Shown</p><p hidden>Not shown</p>", "Shown\n"),
        (
            '<figure data-text-alternative="Your PHQ-9 score fell from 18 to 7.">'
            "<svg><text>18</text><text>7</text></svg><figcaption>Chart</figcaption></figure>",
            "Your PHQ-9 score fell from 18 to 7.\n",
        ),
        (
            '<p>Score: <svg data-text-alternative="18 out of 27"><text>18</text></svg> today.</p>',
            "Score: 18 out of 27 today.\n",
        ),
        ('<p><img src="x.png" alt="Clock"> 10:00</p>', "Clock 10:00\n"),
        ('<p><img src="x.png" alt=""> 10:00</p>', "10:00\n"),
        (
            "<html><head><title>Letter</title><style>p {color: red}</style></head>"
            "<body><script>alert(1)</script><p>Body</p></body></html>",
            "Body\n",
        ),
        (
            '<div class="visually-hidden-in-text"><div><p>Nested</p></div><p>more</p></div>'
            "<p>After</p>",
            "After\n",
        ),
    ],
)
def test_what_a_screen_reader_skips_is_left_out_and_alternatives_are_kept(
    html: str, text: str
) -> None:
    assert html_to_text(html) == text


def test_paragraphs_wrap_at_the_width_without_breaking_words_or_addresses() -> None:
    url = "https://www.example.nhs.uk/services/interpersonal-psychotherapy/ending"
    html = f"<p>{'Please bring your diary to every session. ' * 4}See {url} now.</p>"
    lines = html_to_text(html, width=40).splitlines()
    assert url in lines
    assert all(len(line) <= 40 for line in lines if line != url)
    assert (
        " ".join(lines).split()
        == f"{'Please bring your diary to every session. ' * 4}See {url} now.".split()
    )


def test_without_a_width_each_paragraph_and_address_line_is_one_line() -> None:
    sentence = "Please bring your diary to every session with us, and a pen. " * 3
    html = f"<h1>Plan</h1><p>{sentence}</p><ul><li>{sentence}</li></ul><p>1 High St<br>Town</p>"
    lines = html_to_text(html, width=None).splitlines()
    assert lines == [
        "Plan",
        "====",
        "",
        sentence.strip(),
        "",
        f"- {sentence.strip()}",
        "",
        "1 High St",
        "Town",
    ]


def test_no_break_spaces_keep_words_on_one_line_and_become_spaces() -> None:
    html = "<p>" + "word " * 12 + "at&nbsp;10:00&nbsp;am</p>"
    lines = html_to_text(html, width=70).splitlines()
    assert lines[-1].endswith("at 10:00 am")
    assert "\u00a0" not in "".join(lines)


def test_list_items_wrap_under_their_text() -> None:
    text = html_to_text("<ul><li>" + "bring a friend " * 8 + "</li></ul>", width=40)
    first, *rest = text.splitlines()
    assert first.startswith("- bring")
    assert rest
    assert all(line.startswith("  ") and line[2] != " " for line in rest)


def test_the_sample_letter_reads_in_order_with_nothing_left_out() -> None:
    text = html_to_text(LETTER_HTML)
    flat = " ".join(text.split())
    order = [
        "Private and confidential",
        "Ms Cara Example",
        "Northtown Talking Therapies",
        "NHS number: 943 476 5919",
        "Your appointments",
        *LETTER_PARAGRAPHS,
        "Contact us",
    ]
    positions = [flat.index(" ".join(piece.split())) for piece in order]
    assert positions == sorted(positions)
    assert "Your appointments\n=================" in text
    assert "Session: 2\nDate: Tuesday 10 March 2026\nTime: 10:00" in text
    assert "<" not in text
    assert "\n\n\n" not in text
    assert all(line == line.rstrip() for line in text.splitlines())


_PRINTABLE = st.characters(
    blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(_PRINTABLE, min_size=1, max_size=30), max_size=40))
def test_escaped_text_comes_back_word_for_word(words: list[str]) -> None:
    text = " ".join(words)
    result = html_to_text(f"<p>{escape(text)}</p>", width=30)
    assert result.split() == text.split()
    for line in result.splitlines():
        assert len(line) <= 30 or " " not in line


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<ul>",
                "<li>",
                "</li>",
                "</ul>",
                "<table>",
                "<tr>",
                "<td>",
                "</table>",
                "<h2>",
                "</h2>",
                "<svg>",
                "</svg>",
                "<a href='https://x.org'>",
                "</a>",
                "<br>",
                "text",
                "more words",
                "&amp;",
                "<div class='visually-hidden-in-text'>",
                "</div>",
                "<dl>",
                "<dt>",
                "<dd>",
                "</dl>",
            ]
        ),
        max_size=40,
    )
)
def test_any_mix_of_tags_gives_text_without_markup(pieces: list[str]) -> None:
    text = html_to_text("".join(pieces))
    assert "<" not in text
    assert not text or text.endswith("\n")
    assert "\n\n\n" not in text


def test_a_width_too_narrow_to_read_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 20 characters a line"):
        html_to_text("<p>Hello</p>", width=5)
