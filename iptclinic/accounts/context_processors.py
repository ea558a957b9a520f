"""Template context every page needs: the signed-in person's team."""

from django.http import HttpRequest


def team(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    return {"current_team": getattr(user, "team", None) if user and user.is_authenticated else None}
