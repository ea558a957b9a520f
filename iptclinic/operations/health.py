"""``/health/``: whether this node can serve, for the load balancer and the monitoring.

Two checks: the database answers a trivial query, and some background worker said it was alive
recently (``WorkerHeartbeat``; a silent worker means the safety net is not running). The answer
is a few words of JSON, 200 when both pass and 503 when either fails. It is public (a load
balancer has no account) and so says nothing about anyone: no session is read or written, no
audit event is written, and an error is named by its type only. See ``docs/deploy.md``.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from iptclinic.jobs.models import WorkerHeartbeat


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def worker_alive() -> bool:
    """Some worker, on any node, said it was alive within ``IPTCLINIC_HEALTH_WORKER_WITHIN``."""
    within = timedelta(seconds=settings.IPTCLINIC_HEALTH_WORKER_WITHIN)
    try:
        return WorkerHeartbeat.objects.filter(seen_at__gte=timezone.now() - within).exists()
    except DatabaseError:
        return False


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_answers()}
    # Without a database no heartbeat can be read, so no worker is known to be alive; asking
    # again would only wait for a second connection timeout.
    checks["worker"] = checks["database"] and worker_alive()
    healthy = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "failing",
            **{name: "ok" if passed else "failing" for name, passed in checks.items()},
        },
        status=200 if healthy else 503,
    )
