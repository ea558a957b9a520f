"""The portal follows the person's recorded communication needs (decisions: portal, issue 11).

``follow_needs`` (middleware, after sign-in) looks at the signed-in service user's record once per
request on the portal's pages: it switches the interface to their language where the portal has a
translation, and keeps what it found on ``request.portal_needs``. The context processor
``portal_needs`` hands that to the portal's base template: larger text for large print
(``portal-large-print`` on <html>), easy-read wording where chosen, and the translation's review
status whenever the words are not the original English.

Only the record counts: needs told in the portal but not yet confirmed by the therapist change
nothing here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from iptclinic.letters.languages import ENGLISH, Origin, language_choice

PORTAL_LANGUAGES: dict[str, Origin] = {"pl": Origin.MACHINE}
"""Languages the portal's own words are translated into, and where each translation came from.
The Polish portal wording is machine-made (an AI assistant) and has not been checked by a
qualified translator; change the origin here when it has (and say who checked it in the .po)."""

PREFIX = "/portal/"


@dataclass(frozen=True)
class PortalNeeds:
    large_print: bool = False
    easy_read: bool = False
    language: str = ENGLISH
    """The language the portal's words are shown in."""
    asked_language: str = ""
    """The language on the record in plain words, when the portal has no translation for it."""

    @property
    def translated(self) -> bool:
        return self.language != ENGLISH

    @property
    def checked(self) -> bool:
        return PORTAL_LANGUAGES.get(self.language) is Origin.TRANSLATOR


STANDARD = PortalNeeds()


def needs_of(client: object) -> PortalNeeds:
    """What the portal does for a client with these recorded needs."""
    choice = language_choice(getattr(client, "language", ""))
    code = choice.code if choice.code in PORTAL_LANGUAGES else ENGLISH
    missing = "" if choice.is_english or choice.code in PORTAL_LANGUAGES else choice.requested
    return PortalNeeds(
        large_print=bool(getattr(client, "large_print", False)),
        easy_read=bool(getattr(client, "easy_read", False)),
        language=code,
        asked_language=missing,
    )


def follow_needs(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    def middleware(request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        needs = STANDARD
        if (
            request.path.startswith(PREFIX)
            and user is not None
            and user.is_authenticated
            and user.is_service_user
        ):
            needs = needs_of(getattr(user, "client_record", None))
        request.portal_needs = needs  # type: ignore[attr-defined]
        if needs.language == ENGLISH:
            return get_response(request)
        with translation.override(needs.language):
            response = get_response(request)
            response.headers.setdefault("Content-Language", needs.language)
            return response

    return middleware


def portal_needs(request: HttpRequest) -> dict[str, object]:
    return {"portal_needs": getattr(request, "portal_needs", STANDARD)}
