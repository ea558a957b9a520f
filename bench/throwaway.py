"""Django set up on a bench script's throwaway database: the one BENCH_DATABASE_URL names (it must
hold nothing the bench may not overwrite), or a new SQLite file in a temporary folder.

A bench script imports it first (its own folder is on ``sys.path`` when run as
``python bench/<script>.py``), before anything that needs Django's settings.
"""

import os
import sys
import tempfile
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DATABASE_URL"] = (
    os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iptclinic.settings")
django.setup()
