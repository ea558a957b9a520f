"""Print the current authenticator-app code of a demo login: development only."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from iptclinic.accounts.models import User
from iptclinic.lib.demo import DemoCommand


class Command(DemoCommand):
    help = "Print the current sign-in code of a demo login (refused in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() if user else None
        if device is None:
            raise CommandError("No such login with an authenticator app. Run `make demo` first.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
