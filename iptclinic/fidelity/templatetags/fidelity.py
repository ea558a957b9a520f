from __future__ import annotations

from django import template

from iptclinic.accounts.models import User
from iptclinic.clients.models import Client

from ..access import may_see_adherence as _may_see

register = template.Library()


@register.filter
def may_see_adherence(user: User, client: Client) -> bool:
    """For links only: the pages themselves check through ``fidelity.access``."""
    return _may_see(user, client)
