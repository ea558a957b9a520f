"""The single sign-on buttons of the sign-in page, shown only for configured providers."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("accounts/sso_buttons.html", takes_context=True)
def sso_buttons(context: template.Context) -> dict[str, Any]:
    providers = settings.IPTCLINIC_OIDC_PROVIDERS
    return {
        "csrf_token": context.get("csrf_token"),
        "next": context.get("next", ""),
        "buttons": [
            {"url": f"accounts:sso_{kind}", "label": config["label"]}
            for kind, config in providers.items()
        ],
    }
