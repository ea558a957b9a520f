"""Structured logs with no personal data (docs/deploy.md, "Logs").

Every request writes one JSON line to the ``iptclinic.requests`` logger: a request id, the
method, the route's name, the status and the duration. The route's *name* (``clients:detail``)
is logged, never the path or the query string: paths carry record ids (which, joined with the
time, say who was looked at: that is the audit's job, under its own access rules), tokens of
emailed links, and searches by name or NHS number. The audit records who saw what; the logs
say how the service is running.

Django's own request logger names the path and carries the request object; ``without_request``
reduces it to the reason and the route. Exceptions are logged with their type and frames, never
their message, which can quote a client's data.
"""

from __future__ import annotations

import logging
import re
import time
import traceback
import uuid
from collections.abc import Callable
from types import TracebackType

from django.http import HttpRequest, HttpResponse
from pythonjsonlogger.json import JsonFormatter

logger = logging.getLogger("iptclinic.requests")

REQUEST_ID_HEADER = "X-Request-ID"
# An id handed on by the reverse proxy is kept so its log and ours can be joined; anything else
# in that header is replaced, so a client cannot write into the log.
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
# Load balancers ask every few seconds: their healthy answers are not worth a line each.
_QUIET_ROUTES = frozenset({"health"})


def route_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else "(no route)"


def request_log(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    def middleware(request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = offered if _SAFE_REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
        response = get_response(request)
        route = route_name(request)
        level = (
            logging.DEBUG
            if route in _QUIET_ROUTES and response.status_code == 200
            else logging.INFO
        )
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        logger.log(
            level,
            "%s %s %s %sms",
            request.method,
            route,
            response.status_code,
            duration_ms,
            extra={
                "request_id": request_id,
                "method": request.method,
                "route": route,
                "status": response.status_code,
                "duration_ms": duration_ms,
            },
        )
        response[REQUEST_ID_HEADER] = request_id
        return response

    return middleware


def without_request(record: logging.LogRecord) -> bool:
    """A logging filter for Django's ``django.request`` and ``django.security`` loggers: their
    message names the path (``Not Found: /clients/12/``) and the record carries the request,
    whose text includes the query string. Keep the reason and the route name instead."""
    request = getattr(record, "request", None)
    if request is not None and record.name.startswith(("django.request", "django.security")):
        reason = record.getMessage().split(":", 1)[0]
        record.msg, record.args = "%s at %s", (reason, route_name(request))
        del record.request
    return True


class JsonLogFormatter(JsonFormatter):
    """One JSON object a line: time, level, logger, message and any structured fields."""

    def __init__(self) -> None:
        super().__init__(
            "{levelname}{name}{message}",
            style="{",
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp="time",  # ISO 8601 in UTC
        )

    def formatException(  # noqa: N802 - the logging API's name
        self,
        ei: tuple[type[BaseException], BaseException, TracebackType | None]
        | tuple[None, None, None],
    ) -> str:
        kind, _error, tb = ei
        if kind is None:
            return ""
        frames = "".join(traceback.format_tb(tb))
        return f"Traceback (most recent call last):\n{frames}{kind.__name__} (message not logged)"
