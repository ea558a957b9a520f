from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import render


def floor(request: HttpRequest) -> HttpResponse:
    """Signed in (the session names a user), one query by primary key, a tiny template."""
    user_id = request.session.get("_auth_user_id")
    if user_id is None:
        return HttpResponseForbidden()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT first_name, last_name FROM accounts_user WHERE id = %s AND is_active",
            [int(user_id)],
        )
        row = cursor.fetchone()
    if row is None:
        return HttpResponseForbidden()
    return render(request, "floor.html", {"name": " ".join(row)})
