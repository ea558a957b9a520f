"""The floor's page served through IPT Clinic's own settings: every app, middleware and context
processor it runs, with none of a page's work. The load bench reports it beside the floor: the gap
from the floor to it is what IPT Clinic's stack costs every request; the gap from it to a page is
that page's own work.
"""

from iptclinic.settings import *  # noqa: F403 - the whole of IPT Clinic's settings, then two changes
from iptclinic.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.floor.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "floor" / "templates"]
