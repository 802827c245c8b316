"""Bearer tokens: looked up once and reused for a few seconds per process (HALLOPS_TOKEN_CACHE_SECONDS)."""

import pytest

from hallops.core import authn
from hallops.core.errors import Unauthorized
from hallops.core.models import ApiToken, DeviceKind
from tests.factories import make_device, make_hall, token_for


@pytest.fixture
def kiosk_token(db):
    return token_for(device=make_device(make_hall(), DeviceKind.KIOSK))


class FakeMonotonic:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


@pytest.fixture
def clock(monkeypatch, settings):
    settings.HALLOPS = {**settings.HALLOPS, "TOKEN_CACHE_SECONDS": 5}
    fake = FakeMonotonic()
    monkeypatch.setattr(authn.time, "monotonic", fake)
    return fake


def test_a_token_used_again_within_the_ttl_costs_no_round_trip(kiosk_token, clock, django_assert_num_queries):
    authn.actor_from_token(kiosk_token)
    with django_assert_num_queries(0):
        assert authn.actor_from_token(kiosk_token).device is not None


def test_a_revoked_token_is_refused_once_the_ttl_has_passed(kiosk_token, clock):
    authn.actor_from_token(kiosk_token)
    ApiToken.objects.update(revoked=True)
    clock.t += 4.9
    authn.actor_from_token(kiosk_token)  # within the documented delay
    clock.t += 0.2
    with pytest.raises(Unauthorized):
        authn.actor_from_token(kiosk_token)


def test_revoking_in_this_process_takes_effect_at_once(kiosk_token, clock):
    authn.actor_from_token(kiosk_token)
    ApiToken.objects.update(revoked=True)
    authn.forget_tokens()
    with pytest.raises(Unauthorized):
        authn.actor_from_token(kiosk_token)


def test_a_disabled_device_is_refused_once_the_ttl_has_passed(kiosk_token, clock):
    device = authn.actor_from_token(kiosk_token).device
    device.__class__.objects.update(enabled=False)
    clock.t += 5.1
    with pytest.raises(Unauthorized):
        authn.actor_from_token(kiosk_token)


def test_with_a_ttl_of_zero_every_request_looks_the_token_up(kiosk_token, settings, django_assert_num_queries):
    settings.HALLOPS = {**settings.HALLOPS, "TOKEN_CACHE_SECONDS": 0}
    authn.actor_from_token(kiosk_token)
    with django_assert_num_queries(1):
        authn.actor_from_token(kiosk_token)
