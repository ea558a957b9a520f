"""Every action the code writes is listed in docs/security/audit.md (the action catalogue)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
ACTION = re.compile(r'"([a-z_]+(?:\.[a-z_]+)+)"')


def actions_in_code() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "iptclinic").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for line in path.read_text().splitlines():
            if "action" in line or "_audit(request" in line or "_about(" in line:
                found.update(ACTION.findall(line))
    return found


def test_the_catalogue_lists_every_action_written() -> None:
    catalogue = (ROOT / "docs" / "security" / "audit.md").read_text()
    written = actions_in_code()

    assert {"signin.failed", "access.refused", "client.view"} <= written
    missing = sorted(action for action in written if f"`{action}`" not in catalogue)
    assert not missing, f"add these actions to docs/security/audit.md: {missing}"
