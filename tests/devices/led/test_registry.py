"""Codecs are found by name; a vendor codec is one file."""

import subprocess
import sys
from pathlib import Path

import pytest

from devices.led import LedCodec, available_codecs, get_codec, register_codec

ROOT = Path(__file__).resolve().parents[3]


def test_both_builtin_codecs_are_registered():
    assert {"hallops-generic", "modbus-rtu"} <= set(available_codecs())


def test_codec_options_are_passed_through():
    assert get_codec("modbus-rtu", text_offset=16).text_offset == 16


def test_a_codec_registered_anywhere_is_found_by_name():
    @register_codec("test-vendor-x")
    class VendorX(LedCodec):
        expects_reply = False

    assert isinstance(get_codec("test-vendor-x"), VendorX)
    assert get_codec("test-vendor-x").name == "test-vendor-x"


def test_a_codec_can_be_named_by_import_path():
    assert get_codec("devices.led.generic:GenericCodec").name == "hallops-generic"


def test_unknown_names_fail_with_the_known_ones_listed():
    with pytest.raises(KeyError, match="hallops-generic"):
        get_codec("no-such-vendor")


def test_drivers_do_not_import_django():
    code = (
        "import sys, devices.led, devices.pad, devices.line, devices.led.simulator, devices.pad.simulator;"
        "print('django' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_vendor_file_in_the_led_package_is_picked_up_by_name(tmp_path, monkeypatch):
    import devices.led

    (tmp_path / "acme_strip.py").write_text(
        "from devices.led.codec import register_codec\n"
        "from devices.led.generic import GenericCodec\n\n"
        "@register_codec('acme-strip')\n"
        "class AcmeStrip(GenericCodec):\n"
        "    pass\n"
    )
    monkeypatch.setattr(devices.led, "__path__", [*devices.led.__path__, str(tmp_path)])
    assert type(get_codec("acme-strip")).__name__ == "AcmeStrip"
