"""The copy as a readable PDF: a title page, a contents list with page numbers, then each
section. The PDF is made from the same plain data as the JSON (``collect.Copy``), after the
review's decisions are applied, so the two always say the same. HTML becomes PDF only in
``letters.formats.pdf`` (style.md §11)."""

from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from iptclinic.clients.models import Client
from iptclinic.letters.formats.pdf import html_to_pdf

STYLESHEET = str(Path(__file__).resolve().parent / "static" / "subject_access" / "copy.css")

TABLE_SECTIONS = frozenset(
    {"appointments", "audit", "consents", "goal_ratings", "questionnaire_revisions"}
)
"""Sections of many short rows, shown as one table rather than one block per record."""

_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def shown(value: Any) -> str:
    """A value as the PDF shows it."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, str):
        if _MOMENT.match(value):
            return f"{datetime.fromisoformat(value):%-d %b %Y, %H:%M}"
        if _DAY.match(value):
            return f"{datetime.fromisoformat(value):%-d %b %Y}"
        return value
    if isinstance(value, list):
        return "; ".join(shown(inner) for inner in value if shown(inner))
    if isinstance(value, dict):
        return "; ".join(f"{key}: {shown(inner)}" for key, inner in value.items() if shown(inner))
    return str(value)


_SPECIAL = ("item_answers", "letter_text")


def _label(labels: dict[str, str], name: str) -> str:
    base = name.removesuffix("_in_words")
    return labels.get(base) or base.replace("_", " ").capitalize()


def _change_words(change: dict[str, Any]) -> str:
    before, after = shown(change["before"]), shown(change["after"])
    return f"{change['field']}: {before} → {after}" if before else f"{change['field']}: {after}"


def _versions(section: dict[str, Any]) -> dict[str, Any]:
    """Earlier versions: one heading per record, then a table of its versions, oldest first."""
    records: list[dict[str, Any]] = []
    for row in section["records"]:
        if not records or records[-1]["name"] != row["record"] or row["version"] == 1:
            records.append({"name": row["record"], "versions": []})
        records[-1]["versions"].append(
            {
                "when": shown(row["when"]),
                "staff": row["staff"] or "",
                "what": row["what"],
                "why": row["why"],
                "changes": [_change_words(change) for change in row["changes"]],
            }
        )
    return {**section, "table": False, "versions": records}


def _display(section: dict[str, Any]) -> dict[str, Any]:
    labels = section["fields"]
    if section["key"] == "earlier_versions":
        return _versions(section)
    if section["key"] in TABLE_SECTIONS:
        records = section["records"]
        columns = [name for name in labels if any(shown(row.get(name)) for row in records)]
        # A value the same in every row (the course of every appointment) is said once above
        # the table rather than repeated down a column.
        common = [
            name
            for name in columns
            if len(records) > 1 and len({shown(row.get(name)) for row in records}) == 1
        ]
        columns = [name for name in columns if name not in common]
        return {
            **section,
            "table": True,
            "common": [(labels[name], shown(records[0].get(name))) for name in common],
            "headings": [labels[name] for name in columns],
            "rows": [[shown(row.get(name)) for name in columns] for row in records],
        }
    blocks = []
    for row in section["records"]:
        pairs = [
            (_label(labels, name), shown(value))
            for name, value in row.items()
            if name not in _SPECIAL
            and shown(value)
            and f"{name}_in_words" not in row
            and not (name == "answers" and "item_answers" in row)
        ]
        blocks.append(
            {"pairs": pairs, "items": row.get("item_answers"), "letters": row.get("letter_text")}
        )
    return {**section, "table": False, "blocks": blocks}


def render_html(content: dict[str, Any], *, client: Client) -> str:
    sections = [_display(section) for section in content["sections"]]
    return render_to_string(
        "subject_access/copy.html",
        {
            "client": client,
            "made_at": shown(content["made_at"][:16]),
            "received_on": shown(content.get("request", {}).get("received_on")),
            "sections": sections,
        },
    )


def render_pdf(content: dict[str, Any], *, client: Client) -> tuple[bytes, int]:
    """The PDF and its number of pages."""
    from pypdf import PdfReader

    pdf = html_to_pdf(render_html(content, client=client), stylesheets=[STYLESHEET])
    return pdf, len(PdfReader(io.BytesIO(pdf)).pages)
