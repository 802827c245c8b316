"""Issue or revoke API tokens.

    manage.py issue_token --user wangxm        # a staff member's token (scripts, a console PC)
    manage.py issue_token --device kiosk-1f-01 # a device's token (kiosk, screen, pad, gateway)
    manage.py issue_token --revoke hsd_AbC123  # revoke by the prefix shown in the admin (or the full token)
    manage.py issue_token --list

The token is printed once; only its hash is stored, so a lost token is revoked and issued again.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from hallops.core.models import ApiToken, Device
from hallops.core.models.device import _digest


class Command(BaseCommand):
    help = "Issue a bearer token for a staff member or a device, or revoke tokens."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--user", metavar="USERNAME")
        group.add_argument("--device", metavar="NAME", help="the device's unique name")
        group.add_argument("--revoke", metavar="PREFIX", help="token prefix (first 10 characters) or the full token")
        group.add_argument("--list", action="store_true", help="list tokens that are not revoked")

    def handle(self, *args, user=None, device=None, revoke=None, list=False, **options):
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"no user named {user!r}")
            if not account.is_active:
                raise CommandError(f"user {user!r} is inactive")
            self.stdout.write(ApiToken.issue(user=account))
        elif device:
            found = Device.objects.filter(name=device).first()
            if found is None:
                raise CommandError(f"no device named {device!r}")
            self.stdout.write(ApiToken.issue(device=found))
        elif revoke:
            self._revoke(revoke.strip())
        else:
            for t in ApiToken.objects.filter(revoked=False).select_related("user", "device").order_by("created_at"):
                owner = f"user:{t.user.get_username()}" if t.user_id else f"device:{t.device.name}"
                self.stdout.write(f"{t.prefix}  {owner}  {t.created_at:%Y-%m-%d %H:%M}")

    def _revoke(self, value):
        if len(value) < 8:
            raise CommandError("give at least 8 characters of the token prefix")
        live = ApiToken.objects.filter(revoked=False)
        if len(value) > 10:  # a whole token: match its hash, not a prefix
            matches = live.filter(key_hash=_digest(value))
        else:
            matches = live.filter(prefix__startswith=value)
        count = matches.update(revoked=True)
        if count == 0:
            raise CommandError(f"no live token matches {value!r}")
        self.stdout.write(f"revoked {count} token(s)")
