"""The static files collect with production's storage (a deploy runs collectstatic once)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management import call_command


def test_the_static_files_collect_with_the_production_storage(
    tmp_path: Path, settings: Any
) -> None:
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

    call_command("collectstatic", interactive=False, verbosity=0)

    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    assert "vendor/nhsuk-frontend/nhsuk-frontend.min.css" in manifest
    assert (tmp_path / manifest["vendor/nhsuk-frontend/nhsuk-frontend.min.css"]).exists()
