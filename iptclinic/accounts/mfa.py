"""The second factor: TOTP codes, one-time recovery codes and passkeys (issue 9).

Devices are django-otp's: a ``TOTPDevice`` for an authenticator app, a ``StaticDevice`` named
``RECOVERY`` whose tokens are the ten recovery codes, and django-otp-webauthn's
``WebAuthnCredential`` for each passkey. Recovery codes are kept as django-otp static tokens
(the package's own store, one row per code, deleted when used); they are shown once, when made.

Every change is audited; the detail holds device ids, never a secret or a code.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from iptclinic.audit.services import record

from .models import User
from .sessions import end_sessions

CONFIRMED_AT = "iptclinic.confirmed_at"  # contract: when the person last proved who they are
SSO_VERIFIED = "iptclinic.sso_verified"  # contract: set only by single sign-on
RECOVERY = "Recovery codes"
RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_APP = "Authenticator app"


def has_second_factor(user: User) -> bool:
    """Whether the person has a confirmed device of any kind."""
    return user_has_device(user, confirmed=True)


def passed_second_factor(request: HttpRequest) -> bool:
    """A session that proved a second factor here, or through a trusted single sign-on."""
    if request.session.get(SSO_VERIFIED) is True:
        return True
    return bool(request.user.is_verified())  # type: ignore[union-attr]


def mark_confirmed(request: HttpRequest) -> None:
    """Note in the session that the person has just proved who they are.

    The session gets a new key as well: a key seen before the proof (in a shared browser, say)
    is no longer worth anything after it.
    """
    request.session.cycle_key()
    request.session[CONFIRMED_AT] = timezone.now().isoformat()


def confirmed_recently(request: HttpRequest) -> bool:
    given = request.session.get(CONFIRMED_AT)
    if not given:
        return False
    try:
        confirmed_at = datetime.fromisoformat(given)
    except (TypeError, ValueError):
        return False
    age = timezone.now() - confirmed_at
    return timedelta(0) <= age <= timedelta(minutes=settings.IPTCLINIC_REAUTH_MINUTES)


def verified(request: HttpRequest, device: Device) -> None:
    """The person passed ``device``: the session is verified and freshly confirmed."""
    otp_login(request, device)
    mark_confirmed(request)


# Authenticator app (TOTP)


def pending_totp(user: User) -> TOTPDevice:
    """The authenticator app being set up: an unconfirmed device, made once and reused."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_APP, confirmed=False)
    return device


def totp_secret(device: TOTPDevice) -> str:
    """The key in base 32, grouped in fours, for people who type it rather than scan it."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The provisioning address as an SVG QR code, drawn on the server (no script, no image)."""
    qr = segno.make(device.config_url, error="m")
    return str(qr.svg_inline(scale=4, dark="#0b0c0c", light="#ffffff", title="QR code"))


@transaction.atomic
def confirm_totp(request: HttpRequest, device: TOTPDevice, token: str) -> bool:
    """Confirm an authenticator app with a code from it; it replaces any app set up before."""
    user = request.user
    if not device.verify_token(token):
        return False
    replaced = list(TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk))
    for old in replaced:
        old.delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    verified(request, device)
    record(
        actor=user,
        action="second_factor.device_added",
        obj=device,
        detail={"kind": "totp", "device_id": device.pk, "replaced": [d.pk for d in replaced]},
    )
    return True


def has_authenticator_app(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# Recovery codes


def has_recovery_codes(user: User) -> bool:
    return recovery_codes_left(user) > 0


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def new_recovery_codes(user: User, *, actor: User) -> list[str]:
    """Ten new one-time codes; any older ones stop working. The caller shows them once."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    record(
        actor=actor,
        action="second_factor.recovery_codes_made",
        obj=device,
        detail={"device_id": device.pk, "count": len(codes)},
    )
    return codes


def _recovery_code() -> str:
    """Ten lowercase letters and digits, easy to read aloud (no 0/o, 1/l), never all digits
    (a code of digits is taken for the app's)."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    while (code := "".join(secrets.choice(alphabet) for _ in range(10))).isdigit():
        pass
    return code


def verify_code(request: HttpRequest, code: str) -> bool:
    """A code from the authenticator app or a recovery code; a recovery code is used up."""
    user = request.user
    token = "".join(code.split()).lower()
    if not token:
        return False
    # A code of digits is the app's, any other a recovery code: only that kind of device is
    # tried, so that a recovery code does not count as a wrong app code (which slows the app).
    kind = TOTPDevice if token.isdigit() else StaticDevice
    for device in devices_for_user(user, confirmed=True):
        if not isinstance(device, kind) or not device.verify_is_allowed()[0]:
            continue
        if device.verify_token(token):
            verified(request, device)
            record(
                actor=user,
                action="signin.second_factor",
                obj=device,
                detail={"kind": _KIND[kind], "device_id": device.pk},
            )
            if isinstance(device, StaticDevice):
                record(
                    actor=user,
                    action="second_factor.recovery_code_used",
                    obj=device,
                    detail={"device_id": device.pk, "left": device.token_set.count()},
                )
            return True
    record(actor=user, action="second_factor.failed", detail={"kind": _KIND[kind]})
    return False


_KIND = {TOTPDevice: "app", StaticDevice: "recovery_code"}


# Passkeys


def passkeys_of(user: User) -> list[WebAuthnCredential]:
    return list(WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("pk"))


def has_other_device(user: User, passkey: WebAuthnCredential) -> bool:
    """Whether the person can still sign in without this passkey (an app or another passkey)."""
    return has_authenticator_app(user) or any(p.pk != passkey.pk for p in passkeys_of(user))


@transaction.atomic
def remove_passkey(user: User, passkey_id: int) -> bool:
    passkey = WebAuthnCredential.objects.filter(user=user, pk=passkey_id).first()
    if passkey is None:
        return False
    record(
        actor=user,
        action="second_factor.device_removed",
        obj=passkey,
        detail={"kind": "passkey", "device_id": passkey.pk},
    )
    passkey.delete()
    return True


# Reset by a service lead


@transaction.atomic
def forget_second_factor(user: User, *, actor: User | None = None) -> int:
    """Remove every device of ``user``: apps, recovery codes and passkeys.

    Their sessions end too, so nobody who held a lost phone's code stays signed in; a staff
    member is asked to set up a second factor again at their next sign-in. Returns how many
    devices were removed. The caller audits who asked (``actor``); this records the removal.
    """
    removed = 0
    for model in (TOTPDevice, StaticDevice, WebAuthnCredential):
        devices = model.objects.filter(user=user)
        removed += devices.count()
        devices.delete()
    end_sessions(user)
    if actor is not None:
        record(
            actor=actor,
            action="second_factor.reset",
            obj=user,
            detail={"user_id": user.pk, "removed": removed},
        )
    return removed
