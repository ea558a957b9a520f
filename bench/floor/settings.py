"""The floor: the least a signed-in Django page can cost, served beside IPT Clinic by the load
bench (bench/load.py) so that each page is measured against it in the same run.

It reads IPT Clinic's own session (same database, secret and cookie), looks the person up by
primary key (one indexed query) and renders a tiny template. No other app, middleware or write.
"""

from iptclinic import settings as clinic

SECRET_KEY = clinic.SECRET_KEY
DATABASES = clinic.DATABASES
ALLOWED_HOSTS = clinic.ALLOWED_HOSTS
SESSION_COOKIE_NAME = getattr(clinic, "SESSION_COOKIE_NAME", "sessionid")
DEBUG = False
USE_TZ = True
INSTALLED_APPS = ["django.contrib.sessions"]
MIDDLEWARE = ["django.contrib.sessions.middleware.SessionMiddleware"]
ROOT_URLCONF = "bench.floor.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [clinic.BASE_DIR / "bench" / "floor" / "templates"],
    }
]
