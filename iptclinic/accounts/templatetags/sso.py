"""The single sign-on buttons of the sign-in page, shown only for configured providers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("accounts/sso_buttons.html", takes_context=True)
def sso_buttons(context: template.Context) -> dict[str, Any]:
    providers = settings.IPTCLINIC_OIDC_PROVIDERS
    next_url = context.get("next", "")
    return {
        "next": next_url,
        "buttons": [
            {
                "url": f"accounts:sso_{kind}",
                "label": config["label"],
                "query": urlencode({"next": next_url}),
            }
            for kind, config in providers.items()
        ],
    }
