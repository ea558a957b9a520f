"""Every action the code writes is listed in docs/security/audit.md (the action catalogue)."""

from __future__ import annotations

from pathlib import Path

from .code_scan import actions_in_code

ROOT = Path(__file__).resolve().parents[3]


def test_the_catalogue_lists_every_action_written() -> None:
    catalogue = (ROOT / "docs" / "security" / "audit.md").read_text()
    written = actions_in_code()

    assert {"signin.failed", "access.refused", "client.view"} <= written
    missing = sorted(action for action in written if f"`{action}`" not in catalogue)
    assert not missing, f"add these actions to docs/security/audit.md: {missing}"
