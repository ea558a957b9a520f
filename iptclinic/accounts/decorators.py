"""Who may reach which kind of page. Object-level access lives in each app's ``access.py``."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from .models import Role

View = Callable[..., HttpResponse]


def staff_required(*roles: Role) -> Callable[[View], View]:
    """Signed-in staff of a team (optionally only those holding any of ``roles``); anyone else
    gets 404.

    404, not 403, so that a service user or a stranger learns nothing about staff pages.
    """

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_staff_member or (roles and not user.has_role(*roles)):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
