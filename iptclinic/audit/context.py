"""Where an audit event came from: the request being answered, carried to ``record()`` in a
context variable (set by ``AuditContextMiddleware``), so no call site has to pass it.

Background work runs outside any request: its events have no session, address or browser.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import salted_hmac


@dataclass(frozen=True)
class RequestContext:
    session_ref: str = ""
    address: str = ""
    user_agent: str = ""


NO_REQUEST = RequestContext()
_request: ContextVar[HttpRequest | None] = ContextVar("iptclinic_audit_request", default=None)


def current() -> RequestContext:
    """The context of the request being answered, read when the event is written (so a sign-in,
    which gives the session a new key, is grouped under the new one)."""
    request = _request.get()
    return from_request(request) if request is not None else NO_REQUEST


@contextmanager
def answering(request: HttpRequest) -> Iterator[None]:
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


def session_ref(session_key: str | None) -> str:
    """A short keyed digest of the session key: groups one session's events, and cannot be
    turned back into the key (which would let a reader take the session over)."""
    if not session_key:
        return ""
    return salted_hmac("iptclinic.audit.session_ref", session_key).hexdigest()[:16]


def kept_address(address: str | None, mode: str) -> str:
    """The address as ``IPTCLINIC_AUDIT_ADDRESS`` says to keep it: full, truncated (IPv4 /24,
    IPv6 /48) or none."""
    if not address or mode == "none":
        return ""
    try:
        parsed = ip_address(address)
    except ValueError:
        return ""
    if mode == "full":
        return str(parsed)
    network: IPv4Network | IPv6Network = ip_network(
        f"{parsed}/{24 if parsed.version == 4 else 48}", strict=False
    )
    return str(network)


@lru_cache(maxsize=512)
def user_agent_family(raw: str) -> str:
    """Browser and major version, and the operating system's family (``Firefox 133 / Windows``),
    never the raw string (which can single out one device)."""
    if not raw:
        return ""
    from ua_parser import parse

    parsed = parse(raw[:512])
    browser = parsed.user_agent
    system = parsed.os
    name = browser.family if browser else "Other"
    if browser and browser.major:
        name = f"{name} {browser.major}"
    return f"{name} / {system.family if system else 'Other'}"[:80]


def from_request(request: HttpRequest) -> RequestContext:
    from iptclinic.accounts.signin import client_address

    session = getattr(request, "session", None)
    return RequestContext(
        session_ref=session_ref(session.session_key if session is not None else None),
        address=kept_address(client_address(request), settings.IPTCLINIC_AUDIT_ADDRESS),
        user_agent=user_agent_family(request.META.get("HTTP_USER_AGENT", "")),
    )
