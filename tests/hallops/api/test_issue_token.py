"""`manage.py issue_token`: the way a kiosk, screen or script gets its bearer token."""

import io

import pytest
from django.core.management import CommandError, call_command

from hallops.core.models import DeviceKind
from tests.factories import make_device


def run(**options) -> str:
    out = io.StringIO()
    call_command("issue_token", stdout=out, **options)
    return out.getvalue().strip()


def test_a_device_token_authenticates_that_device(world, api):
    make_device(world.hall, DeviceKind.KIOSK, name="kiosk-1f-01")
    token = run(device="kiosk-1f-01")
    assert token.startswith("hsd_")
    assert api.get("/me/", token=token).json()["device"] == "kiosk-1f-01"
    assert api.post("/halls/xicheng/tickets/", {"service": "biz-reg"}, token=token).status_code == 201


def test_a_user_token_authenticates_that_staff_member(world, api):
    token = run(user="wang")
    assert token.startswith("hsu_")
    assert api.get("/me/", token=token).json()["username"] == "wang"


def test_revoking_by_prefix_locks_the_token_out(world, api):
    token = run(user="wang")
    assert "revoked 1" in run(revoke=token[:10])
    assert api.get("/me/", token=token).status_code == 401


def test_revoking_by_the_whole_token_works_too(world, api):
    token = run(user="wang")
    run(revoke=token)
    assert api.get("/me/", token=token).status_code == 401


def test_the_list_shows_prefixes_never_tokens(world):
    token = run(user="wang")
    listing = run(list=True)
    assert token[:10] in listing and token not in listing and "user:wang" in listing


@pytest.mark.parametrize("options,message", [
    ({"user": "ghost"}, "no user named"),
    ({"device": "ghost"}, "no device named"),
    ({"revoke": "hsu_zzzzzz"}, "no live token"),
    ({"revoke": "hsu"}, "at least 8"),
])
def test_unknown_names_are_command_errors(world, options, message):
    with pytest.raises(CommandError, match=message):
        run(**options)
