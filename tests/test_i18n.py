"""English is available everywhere: one complete catalogue, compiled, and used by pages, the API and the admin.

Chinese (zh-hans) is the source language, so a Chinese page needs no catalogue; English comes from
locale/en/LC_MESSAGES/django.po, which every app shares (settings.LOCALE_PATHS).
"""

import ast
import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from hallops.core.models import DeviceKind
from tests.factories import make_device, make_hall, make_service, token_for

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
HAN = re.compile(r"[\u3400-\u9fff]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
TAG = re.compile(r"<[^>]+>")


def read_po(path):
    """Entries of a .po file as dicts: msgid, msgid_plural, msgstr (list), flags. Obsolete (#~) lines are skipped."""
    entries, entry, key = [], None, None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if entry and "msgid" in entry:
                entries.append(entry)
            entry, key = None, None
            continue
        entry = entry if entry is not None else {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"] |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(key, int):
                entry["msgstr"][key] += value
            else:
                entry[key] += value
        else:
            word, _, rest = line.partition(" ")
            m = re.fullmatch(r"msgstr\[(\d+)\]", word)
            key = int(m.group(1)) if m else (0 if word == "msgstr" else word)
            if isinstance(key, int):
                entry["msgstr"][key] = ast.literal_eval(rest)
            else:
                entry[key] = ast.literal_eval(rest)
    return [dict(e, msgstr=[e["msgstr"][i] for i in sorted(e["msgstr"])]) for e in entries]


@pytest.fixture(scope="module")
def catalogue():
    return [e for e in read_po(PO) if e["msgid"]]  # the header has an empty msgid


# --- The catalogue -----------------------------------------------------------------------------------------

def test_there_is_one_catalogue_for_every_app_and_it_is_in_locale_paths():
    assert ROOT / "locale" in [Path(p) for p in settings.LOCALE_PATHS]
    assert PO.exists() and MO.exists()
    app_catalogues = [p for p in ROOT.glob("*/**/locale/*/LC_MESSAGES/django.po") if ".venv" not in p.parts]
    assert app_catalogues == [], "strings belong in locale/, one place per string"


def test_the_catalogue_covers_every_app(catalogue):
    sources = " ".join(open_refs for open_refs in _references())
    for app in ("hallops/core/", "hallops/api/", "hallops/patrol/", "hallops/devices/", "displays/"):
        assert app in sources, f"no string from {app}"
    assert len(catalogue) > 500


def _references():
    return [line for line in PO.read_text(encoding="utf-8").splitlines() if line.startswith("#:")]


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue):
    untranslated = [e["msgid"] for e in catalogue if not all(e["msgstr"])]
    fuzzy = [e["msgid"] for e in catalogue if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_no_translation_is_left_in_chinese(catalogue):
    assert [s for e in catalogue for s in e["msgstr"] if HAN.search(s)] == []


def test_every_placeholder_and_tag_of_a_msgid_is_kept_in_its_translation(catalogue):
    wrong = []
    for e in catalogue:
        for s in e["msgstr"]:
            if sorted(PLACEHOLDER.findall(e["msgid"])) != sorted(PLACEHOLDER.findall(s)):
                wrong.append((e["msgid"], s))
            if sorted(TAG.findall(e["msgid"])) != sorted(TAG.findall(s)):
                wrong.append((e["msgid"], s))
    assert wrong == []


def test_plural_entries_have_an_english_singular_and_plural(catalogue):
    plurals = [e for e in catalogue if "msgid_plural" in e]
    assert plurals, "the admin's revoke action counts tokens with ngettext"
    for e in plurals:
        assert len(e["msgstr"]) == 2 and e["msgstr"][0] != e["msgstr"][1]


def test_the_committed_mo_is_the_compiled_po(tmp_path):
    if not shutil.which("msgfmt"):
        pytest.skip("msgfmt (gettext) is not installed, so the .po cannot be compiled here")
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(PO)], check=True)
    # Compare what the catalogues say, not bytes: another msgfmt version may lay the file out differently.
    with MO.open("rb") as committed, fresh.open("rb") as compiled:
        assert gettext.GNUTranslations(committed)._catalog == gettext.GNUTranslations(compiled)._catalog


def test_every_marked_string_in_the_source_is_in_the_catalogue(tmp_path):
    """makemessages on a copy of the tree finds no msgid the committed catalogue lacks."""
    if not shutil.which("xgettext"):
        pytest.skip("xgettext (gettext) is not installed, so the source cannot be scanned here")
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "static", "fixtures", "*.sqlite3*")
    for name in ("hallops", "displays", "devices", "locale"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=skip)
    shutil.copy(ROOT / "manage.py", tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--verbosity", "0"],
        cwd=tmp_path, check=True, timeout=120,
    )
    ours = {e["msgid"] for e in read_po(PO)}
    found = {e["msgid"] for e in read_po(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po")}
    assert sorted(found - ours) == [], "run makemessages, translate the new strings and compilemessages"
    assert sorted(ours - found) == [], "the catalogue keeps strings the source no longer has"


# --- Pages, API and admin in use ---------------------------------------------------------------------------

@pytest.fixture
def hall(db):
    h = make_hall("xicheng", name="西城区政务服务中心")
    make_service(h, code="biz", prefix="A", name="营业执照")
    make_service(h, code="full", prefix="B", name="社保卡", daily_quota=0)
    make_service(h, code="gone", prefix="C", name="旧事项", active=False)
    return h


@pytest.fixture
def kiosk_token(hall):
    return token_for(device=make_device(hall, DeviceKind.KIOSK))


def test_the_landing_page_is_chinese_by_default_and_english_after_set_language(client, hall):
    body = client.get("/").content.decode()
    assert "政务服务大厅排队系统" in body and 'lang="zh-CN"' in body

    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    body = client.get("/").content.decode()
    assert "Service hall queue system" in body and 'lang="en"' in body
    assert "政务服务大厅排队系统" not in body


def test_the_kiosk_page_and_its_script_texts_follow_the_language(client, hall, kiosk_token):
    zh = client.get(f"/halls/xicheng/kiosk/?token={kiosk_token}")
    assert "取号" in zh.content.decode() and zh.context["config"]["text"]["quota_used_up"] == "今日号已取完"

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    en = client.get(f"/halls/xicheng/kiosk/?token={kiosk_token}")
    assert "Take a number" in en.content.decode()
    assert not any(HAN.search(v) for v in en.context["config"]["text"].values() if isinstance(v, str))


def _issue(client, token, service, **headers):
    return client.post("/api/v1/halls/xicheng/tickets/", {"service": service}, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {token}", **headers)


def test_an_api_error_is_chinese_by_default_and_english_for_accept_language_en(client, kiosk_token):
    zh = _issue(client, kiosk_token, "full")
    assert zh.status_code == 409 and zh.json()["error"] == "quota_exhausted"
    assert zh.json()["message"] == "社保卡今日号已取完"

    en = _issue(client, kiosk_token, "full", HTTP_ACCEPT_LANGUAGE="en")
    assert en.status_code == 409
    assert en.json()["message"] == "No numbers left today for 社保卡"  # the matter's name is data, not text


def test_a_matter_no_longer_offered_is_refused_in_the_callers_language(client, kiosk_token):
    assert _issue(client, kiosk_token, "gone").json()["message"] == "本大厅没有该事项"
    en = _issue(client, kiosk_token, "gone", HTTP_ACCEPT_LANGUAGE="en")
    assert en.status_code == 404 and en.json() == {"error": "service_not_found", "message": "This hall has no such matter"}


def test_a_request_without_a_token_is_refused_in_english_for_accept_language_en(client, hall):
    r = client.post("/api/v1/halls/xicheng/tickets/", {"service": "biz"}, content_type="application/json",
                    HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 401 and r.json()["message"] == "Log in or provide a valid token"


def test_an_unknown_matter_code_is_refused_in_english_for_accept_language_en(client, kiosk_token):
    assert _issue(client, kiosk_token, "nope").json()["message"] == "本大厅没有该事项"
    en = _issue(client, kiosk_token, "nope", HTTP_ACCEPT_LANGUAGE="en")
    assert en.status_code == 404 and en.json()["message"] == "This hall has no such matter"


def test_an_invalid_token_is_refused_in_english_for_accept_language_en(client, hall):
    zh = _issue(client, "not-a-token", "biz")
    assert zh.status_code == 401 and zh.json() == {"error": "invalid_token", "message": "令牌无效或已吊销"}
    en = _issue(client, "not-a-token", "biz", HTTP_ACCEPT_LANGUAGE="en")
    assert en.status_code == 401
    assert en.json() == {"error": "invalid_token", "message": "The token is invalid or has been revoked"}


def test_an_unknown_hall_and_an_unknown_endpoint_are_refused_in_english_for_accept_language_en(client, kiosk_token):
    assert _issue(client, kiosk_token, "biz").status_code == 201  # the same request to a real hall works
    r = client.post("/api/v1/halls/nowhere/tickets/", {"service": "biz"}, content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {kiosk_token}", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 404 and r.json()["message"] == "No such hall"
    r = client.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 404 and r.json() == {"error": "no_such_endpoint", "message": "No such endpoint"}


def test_a_wrong_method_is_refused_in_english_and_names_the_allowed_ones(client, db):
    r = client.delete("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 405
    assert r.json()["message"] == f"This endpoint only accepts {r['Allow']}" and "GET" in r["Allow"]
    assert client.delete("/api/v1/me/").json()["message"] == f"该接口只接受 {r['Allow']}"


def test_a_print_error_code_from_the_gateway_is_worded_by_the_server_in_the_active_language():
    from django.utils import translation

    from hallops.devices.hub import print_error_message

    with translation.override("zh-hans"):
        assert print_error_message("paper_out", "printer says: no paper") == "打印机缺纸"
    with translation.override("en"):
        assert print_error_message("paper_out", "printer says: no paper") == "The printer is out of paper"
        assert print_error_message("expired", "打印请求已过期") == "The print request has expired"
        # A code this server does not know (a newer gateway): the gateway's own words, not nothing.
        assert print_error_message("jammed", "cutter jammed") == "cutter jammed"


def test_a_window_is_named_in_the_active_language():
    from django.utils import translation

    from hallops.core.models import Window

    w = Window(number=3, name="综合窗口")
    with translation.override("zh-hans"):
        assert str(w) == "3号 综合窗口"
    with translation.override("en"):
        assert str(w) == "Window 3 综合窗口"


def test_the_admin_index_in_english_names_every_model_in_english(client, db):
    admin = get_user_model().objects.create_superuser("root", password="pw-12345678")
    client.force_login(admin)
    zh = client.get("/admin/").content.decode()
    assert "大厅事件" in zh and "访问令牌" in zh

    client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    en = client.get("/admin/").content.decode()
    for name in ("Halls and queues", "Hall", "Window", "Ticket", "Hall event", "API token", "Evaluation",
                 "Appointment", "Video patrol"):
        assert f">{name}<" in en or f">{name}</a>" in en, name
    for chinese in ("大厅事件", "访问令牌", "号票", "预约", "大厅与排队"):
        assert chinese not in en


def test_the_admin_forms_label_the_newly_labelled_fields_in_english(client, hall):
    admin = get_user_model().objects.create_superuser("root", password="pw-12345678")
    client.force_login(admin)
    client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    # Bookings are read-only in the admin (they go through the booking rules): their view page.
    from django.utils import timezone

    from hallops.core.models import Appointment

    appt = Appointment.objects.create(hall=hall, service=hall.services.first(), code="AB234567",
                                      slot_start=timezone.now(), slot_end=timezone.now())
    body = client.get(f"/admin/core/appointment/{appt.pk}/change/").content.decode()
    for label in ("Hall", "Matter", "Appointment code", "Slot start", "Status"):
        assert f">{label}:</label>" in body, label
