"""HTML to PDF with WeasyPrint, and reading a PDF back for checks.

The only module that knows how HTML becomes PDF (style.md §11). Letters name DejaVu Sans
explicitly so the output does not depend on the machine (stack-notes.md §3). The PDF is
tagged (PDF/UA-1), so screen readers can follow headings, lists and tables.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from iptclinic.letters.formats.tools import (
    DEJAVU_SANS,
    PANGO,
    FormatToolMissing,
    missing_message,
    require_font,
)

if TYPE_CHECKING:
    from pdfplumber.pdf import PDF

_STATIC = Path(__file__).resolve().parent.parent / "static" / "letters"
STANDARD_STYLESHEET = str(_STATIC / "letter.css")
LARGE_PRINT_STYLESHEET = str(_STATIC / "letter-large.css")


def html_to_pdf(
    html: str, *, base_url: str | None = None, stylesheets: Sequence[str] = ()
) -> bytes:
    """Render ``html`` to PDF bytes with the given stylesheet files, as tagged PDF/UA-1.

    ``base_url`` resolves relative links and images in ``html``; without it only inline and
    ``data:`` resources load. Pass one of :data:`STANDARD_STYLESHEET` or
    :data:`LARGE_PRINT_STYLESHEET`; each is complete on its own.
    """
    weasyprint = _weasyprint()
    require_font(DEJAVU_SANS)
    missing = [path for path in stylesheets if not Path(path).is_file()]
    if missing:
        raise FileNotFoundError(f"Letter stylesheet not found: {', '.join(missing)}")
    document = weasyprint.HTML(string=html, base_url=base_url)
    css = [weasyprint.CSS(filename=path) for path in stylesheets]
    pdf: bytes = document.write_pdf(stylesheets=css, pdf_variant="pdf/ua-1")
    return pdf


def pdf_text(pdf: bytes) -> str:
    """The text of every page of ``pdf``, pages separated by a blank line."""
    with _open(pdf) as document:
        return "\n\n".join(page.extract_text() or "" for page in document.pages)


def pdf_font_sizes(pdf: bytes) -> set[float]:
    """The font sizes, in points to one decimal place, of the visible characters of ``pdf``."""
    with _open(pdf) as document:
        return {
            round(char["size"], 1)
            for page in document.pages
            for char in page.chars
            if char["text"].strip()
        }


def pdf_font_names(pdf: bytes) -> set[str]:
    """The embedded font names of ``pdf`` without their subset prefix (``DejaVu-Sans-Bold``)."""
    with _open(pdf) as document:
        return {
            char["fontname"].partition("+")[2] or char["fontname"]
            for page in document.pages
            for char in page.chars
        }


def _weasyprint() -> Any:
    # Imported here, not at module level: it takes about half a second and fails with OSError
    # when Pango is missing, which must become a message naming the package.
    try:
        import weasyprint  # type: ignore[import-untyped]
    except OSError as error:
        raise FormatToolMissing(missing_message(*PANGO, kind="library")) from error
    return weasyprint


def _open(pdf: bytes) -> PDF:
    # pdfplumber is a development dependency (pyproject.toml): only checks call it.
    import pdfplumber

    return pdfplumber.open(io.BytesIO(pdf))
