"""Ending every session of one person at once: a leaver, or a second factor reset (issue 9).

Django's session table is keyed by session, not by person, so each live session is read to find
the person's: the table holds only unexpired sessions of the last half hour or so, and a leaver
is deactivated rarely. Each session is deleted through the configured session engine, so a
cached session goes from the cache as well as from the table.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone

from iptclinic.accounts.models import User


def end_sessions(user: User) -> int:
    """Delete every unexpired session signed in as ``user``; returns how many there were."""
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    live = Session.objects.filter(expire_date__gt=timezone.now()).only(
        "session_key", "session_data"
    )
    for session in live.iterator():
        if str(session.get_decoded().get(SESSION_KEY)) == str(user.pk):
            store_class(session_key=session.session_key).delete()
            ended += 1
    return ended
