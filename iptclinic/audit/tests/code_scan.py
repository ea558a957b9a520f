"""The audit actions and page names the code writes, read from the source.

One scan for the two tests that need it: every action has plain words for the audit pages
(test_reading) and a line in the action catalogue (test_catalogue).
"""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]

ACTION_IN_CODE = re.compile(r"""action\s*=\s*f?["']([a-z_]+(?:\.[a-z_]+)*)["']""")
REPORT_ACTION = re.compile(r"""_audit\(request, report, ["']([a-z_.]+)["']\)""")
# A page named where a view records it: record_view(request, client, "page"), or an event's detail.
PAGE_IN_CODE = re.compile(r"""(?:record_view\([^)]*,\s*|detail=\{"page":\s*)["']([a-z_]+)["']""")
# Dotted names on a line that speaks of an action (helpers such as _about("...") pass one on).
DOTTED_ON_AN_ACTION_LINE = re.compile(r'"([a-z_]+(?:\.[a-z_]+)+)"')
# argparse's own actions (a command's --flag) are not audit actions.
ARGPARSE_ACTIONS = frozenset({"store", "store_true", "store_false", "append", "count"})


def _sources() -> list[str]:
    return [
        path.read_text()
        for path in PACKAGE.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    ]


def names_in_code(pattern: re.Pattern[str]) -> set[str]:
    return {name for text in _sources() for name in pattern.findall(text)}


def actions_in_code() -> set[str]:
    found = names_in_code(ACTION_IN_CODE) | names_in_code(REPORT_ACTION)
    for text in _sources():
        for line in text.splitlines():
            if "action" in line or "_audit(request" in line or "_about(" in line:
                found.update(DOTTED_ON_AN_ACTION_LINE.findall(line))
    return found - ARGPARSE_ACTIONS
