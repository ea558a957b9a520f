"""Small rendering rules that keep letters easy to use."""

from __future__ import annotations

from iptclinic.letters.formats.plaintext import html_to_text
from iptclinic.letters.rendering import keep_numbers_together


def test_phone_and_crisis_numbers_are_kept_on_one_line_in_text_only():
    html = (
        "<p>Call 116 123 or NHS 111, or us on 0161 496 0000.</p>"
        '<svg><path d="M20 33l8 8 16-17"/><text x="1 2">18 4</text></svg>'
    )
    joined = keep_numbers_together(html)
    assert "116\u00a0123" in joined and "NHS\u00a0111" in joined
    assert "0161\u00a0496\u00a00000" in joined
    assert 'd="M20 33l8 8 16-17"' in joined and 'x="1 2"' in joined
    assert "18\u00a04" in joined


def test_the_plain_text_version_reads_the_numbers_with_ordinary_spaces():
    text = html_to_text(keep_numbers_together("<p>Call Samaritans on 116 123.</p>"), width=None)
    assert text == "Call Samaritans on 116 123.\n"
