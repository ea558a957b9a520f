"""Every URL, every role, someone else's client: nothing leaks (H-001).

The walk discovers URL patterns from the resolver, so a new view is covered the day it is added.
A pattern whose argument this test cannot fill makes the test fail with instructions.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from iptclinic.audit.models import AuditEvent
from iptclinic.jobs.models import WorkerHeartbeat
from tests.clinical_objects import clinical_objects

pytestmark = pytest.mark.walk

NOWHERE = 987654321

# Pages for people who are not signed in, opened by a secret in an emailed link (an invitation,
# a forgotten password): the secret is their access rule, tested in iptclinic/accounts/tests.
EMAILED_LINKS = {
    "accounts/welcome/<str:token>/",
    "accounts/password-reset/<uidb64>/<token>/",
    "portal/join/link/<str:token>/",
}

# Pages that answer a signed-out visitor on purpose: signing in, a forgotten password, joining
# the portal with a printed code, the passkey script's words, and the load balancer's health
# check (which names no one: iptclinic/operations/tests/test_health.py).
PUBLIC_PAGES = {
    "health/",
    "accounts/login/",
    "accounts/password-reset/",
    "accounts/password-reset/sent/",
    "accounts/password-reset/done/",
    "accounts/second-factor/passkeys/jsi18n/",
    "portal/join/",
}


def url_patterns(
    resolvers: list, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            inner = (
                f"{namespace}:{entry.namespace}"
                if namespace and entry.namespace
                else entry.namespace or namespace
            )
            yield from url_patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        else:
            yield prefix + str(entry.pattern), entry


def object_urls(ids: dict[str, int]) -> Iterator[tuple[str, str]]:
    """(route, url) for every pattern that takes an object id, filled from ``ids``."""
    for route, pattern in url_patterns(get_resolver().url_patterns):
        converters = pattern.pattern.converters
        if not converters or route in EMAILED_LINKS:
            continue
        missing = set(converters) - set(ids)
        assert not missing, (
            f"tests/test_access_walk.py cannot fill {sorted(missing)} in {route!r}: "
            "extend tests/clinical_objects.py so the walk covers the new view."
        )
        url = "/" + route
        for name in converters:
            url = url.replace(f"<int:{name}>", str(ids[name]))
        yield route, url


def url_args(route: str) -> list[str]:
    return [part.split(">")[0].split(":")[-1] for part in route.split("<")[1:]]


@pytest.fixture
def strangers(tess, otto, sam, lee, hana, cara, ruth, hana_client, cara_user):
    """Each role paired with a client they must not reach."""
    cara_ids = clinical_objects(cara, tess)
    ruth_ids = clinical_objects(ruth, otto)
    hana_ids = clinical_objects(hana_client, hana)
    return [
        ("therapist Otto on Tess's client", otto, cara_ids),
        ("supervisor Sam on a client of a therapist he does not supervise", sam, ruth_ids),
        ("service lead Lee on another team's client", lee, hana_ids),
        ("therapist Hana from another team", hana, cara_ids),
        ("service user Cara on staff pages about herself", cara_user, cara_ids),
        # Her own portal pages are hers (skipped above); another client's never are.
        ("service user Cara on another client's things", cara_user, ruth_ids),
    ]


def cara_own(strangers: list) -> dict[str, int]:
    return next(ids for who, _, ids in strangers if who.endswith("about herself"))


def test_no_role_can_reach_someone_elses_client_through_any_url(client, strangers):
    checked = 0
    for who, user, ids in strangers:
        client.force_login(user)
        nowhere = {name: NOWHERE for name in ids}
        for (route, url), (_, missing_url) in zip(
            object_urls(ids), object_urls(nowhere), strict=True
        ):
            if user.is_service_user and route.startswith("portal/") and ids is cara_own(strangers):
                continue  # a service user's own portal page about her own session is hers
            for method in ("get", "post"):
                last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
                response = getattr(client, method)(url)
                written = list(AuditEvent.objects.filter(id__gt=last or 0).order_by("id"))
                control = getattr(client, method)(missing_url)
                assert response.status_code in (404, 405), (
                    f"{who}: {method.upper()} {route} gave {response.status_code}"
                )
                assert response.status_code == control.status_code, (
                    f"{who}: {method.upper()} {route} answers differently for a real record "
                    f"({response.status_code}) and a missing one ({control.status_code})"
                )
                # A refused access is audited as exactly that (H-062); a 405 is no access at all.
                expected = [] if response.status_code == 405 else ["access.refused"]
                assert [event.action for event in written] == expected, (
                    f"{who}: {method.upper()} {route} wrote {[e.action for e in written]}"
                )
                if written:
                    refused = written[0]
                    assert refused.actor_id == user.pk
                    named = {name: str(ids[name]) for name in url_args(route)}
                    assert refused.detail["kwargs"].items() >= named.items(), route
                checked += 1
    assert checked >= 5 * 2 * 9


def test_signed_out_visitors_are_sent_to_sign_in_from_every_object_url(client, tess, cara):
    for route, url in object_urls(clinical_objects(cara, tess)):
        response = client.get(url)
        assert response.status_code == 302, route
        assert response["Location"].startswith("/accounts/login/"), route


def test_only_the_deliberately_public_pages_answer_a_signed_out_visitor(client, db):
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="w", host="h", pid=1, started_at=now, seen_at=now)
    answered = {
        route
        for route, pattern in url_patterns(get_resolver().url_patterns)
        if not pattern.pattern.converters and client.get("/" + route).status_code == 200
    }
    assert answered == PUBLIC_PAGES
