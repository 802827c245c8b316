"""The 工单 and 好差评 API contract (docs/evaluations.md): paths, fields, codes and who sees what."""

import base64
import io
import json

import pytest
from django.utils.timezone import localtime
from PIL import Image

from hallops.core import actions
from hallops.core.models import Evaluation, HallEvent
from hallops.evaluations.models import Case

CASE_FIELDS = {"id", "kind", "status", "opened_at", "follow_up_due", "due", "ticket", "window", "department",
               "external_number", "steps"}


def finish_one(world, window=None, **finish):
    window = window or world.window
    world.issue()
    actions.call_next(window)
    return actions.finish(window, **finish)


def pad_rating(world, api, level, **body):
    return api.post(f"/windows/{world.window.pk}/evaluations/", {"level": level, **body}, token=world.tokens["pad"])


def step(api, case_id, token, **body):
    return api.post(f"/cases/{case_id}/steps/", body, token=token)


def test_it_a_bad_pad_rating_goes_through_the_api_to_a_closed_case_with_its_follow_up(world, api):
    ticket = finish_one(world)
    assert pad_rating(world, api, 1).status_code == 201
    lm, sup = world.tokens["lobby_manager"], world.tokens["supervisor"]
    [item] = api.get(f"/halls/{world.hall.code}/cases/", token=sup).json()["items"]
    assert CASE_FIELDS <= set(item)
    assert (item["kind"], item["status"], item["ticket"]["number"], item["window"]["number"]) == (
        "bad_rating", "accepted", ticket.number, "1")
    assert item["next_steps"] == ["verify"] and item["evaluation"]["level"] == 1
    case_id = item["id"]
    for body in ({"step": "verify", "verdict": "valid", "note": "属实"},
                 {"step": "rectify", "note": "已培训", "picture": _png_data_url()},
                 {"step": "feedback", "note": "已电话反馈"},
                 {"step": "follow_up", "result": "reached", "satisfaction": 5, "note": "群众满意"},
                 {"step": "close"}):
        r = step(api, case_id, lm, **body)
        assert r.status_code == 200, r.json()
    case = r.json()
    assert case["status"] == "closed" and case["satisfaction"] == 5
    assert [s["step"] for s in case["steps"]] == ["accept", "verify", "rectify", "feedback", "follow_up", "close"]
    rectify = case["steps"][2]
    assert rectify["by"]["username"] == "zhang" and rectify["note"] == "已培训" and rectify["picture"].endswith(".png")
    assert case["steps"][4]["data"] == {"result": "reached", "satisfaction": 5}


def _png_data_url():
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, "PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def test_a_step_out_of_order_is_409_with_a_code(world, api):
    finish_one(world)
    pad_rating(world, api, 2)
    case = Case.objects.get()
    r = step(api, case.pk, world.tokens["lobby_manager"], step="close")
    assert r.status_code == 409
    assert r.json()["error"] == "step_out_of_order" and r.json()["details"]["allowed"] == ["verify"]
    r = step(api, case.pk, world.tokens["lobby_manager"], step="teleport", note="x")
    assert r.status_code == 422 and r.json()["error"] == "invalid_step"


def test_only_a_supervisor_reviews_an_appeal_and_exclusion_takes_the_rating_out(world, api):
    finish_one(world)
    pad_rating(world, api, 1)
    case = Case.objects.get()
    lm, sup = world.tokens["lobby_manager"], world.tokens["supervisor"]
    assert step(api, case.pk, lm, step="verify", verdict="malicious", note="恶意").status_code == 200
    assert step(api, case.pk, lm, step="appeal", note="申诉材料：录像").status_code == 200
    r = step(api, case.pk, lm, step="review", decision="exclude", note="剔除")
    assert r.status_code == 403 and r.json()["error"] == "review_by_supervisor"
    r = step(api, case.pk, sup, step="review", decision="exclude", note="剔除")
    assert r.status_code == 200 and r.json()["status"] == "excluded" and r.json()["evaluation"]["excluded"]
    figures = api.get(f"/halls/{world.hall.code}/evaluations/figures/", token=sup, by="window").json()
    assert figures["total"]["bad"] == 0 and figures["total"]["rated"] == 0 and figures["total"]["served"] == 0


@pytest.mark.parametrize("who", ["staff_of_this_window", "pad", "kiosk", "anonymous", "staff_of_other_hall"])
def test_window_staff_pads_and_strangers_do_not_move_cases(world, api, who):
    finish_one(world)
    pad_rating(world, api, 1)
    case = Case.objects.get()
    r = step(api, case.pk, world.tokens[who], step="verify", verdict="valid", note="x")
    assert r.status_code in (401, 403)
    assert Case.objects.get().status == "accepted"


def test_staff_see_their_own_windows_cases_without_the_raters_identity(world, api):
    ticket = finish_one(world)
    r = api.post(f"/tickets/{ticket.pk}/evaluation/", {"source": "qr", "level": 1, "reasons": ["attitude"],
                                                       "comment": "态度差", "contact_name": "张三",
                                                       "contact_phone": "13800000000"})
    assert r.status_code == 201 and r.json()["case"]
    other = finish_one(world, world.other_window)
    api.post(f"/tickets/{other.pk}/evaluation/", {"source": "qr", "level": 2, "reasons": ["slow"]})
    mine = api.get(f"/halls/{world.hall.code}/cases/", token=world.tokens["staff_of_this_window"])
    assert mine.status_code == 200
    [item] = mine.json()["items"]
    assert item["window"]["number"] == "1" and item["evaluation"]["comment"] == "态度差"
    body = json.dumps(mine.json(), ensure_ascii=False)
    assert item["contact"] is None and "张三" not in body and "13800000000" not in body
    r = api.get(f"/cases/{item['id']}/", token=world.tokens["staff_of_other_window"])
    assert r.status_code == 403
    managers = api.get(f"/halls/{world.hall.code}/cases/", token=world.tokens["lobby_manager"]).json()["items"]
    assert len(managers) == 2
    assert {m["contact"]["phone"] for m in managers} == {"13800000000", ""}


@pytest.mark.parametrize("who, status", [("kiosk", 403), ("anonymous", 401), ("staff_of_other_hall", 403),
                                         ("pad", 403)])
def test_others_see_no_cases(world, api, who, status):
    assert api.get(f"/halls/{world.hall.code}/cases/", token=world.tokens[who]).status_code == status


def test_the_case_list_filters(world, api):
    finish_one(world)
    pad_rating(world, api, 1)
    lm = world.tokens["lobby_manager"]
    r = api.post(f"/halls/{world.hall.code}/cases/", {"kind": "hotline", "external_number": "12345-88",
                                                       "description": "咨询不动产登记"}, token=lm)
    assert r.status_code == 201 and r.json()["external_number"] == "12345-88"
    url = f"/halls/{world.hall.code}/cases/"
    assert [c["kind"] for c in api.get(url, token=lm, kind="hotline").json()["items"]] == ["hotline"]
    assert len(api.get(url, token=lm, status="accepted").json()["items"]) == 2
    assert api.get(url, token=lm, window=str(world.window.pk)).json()["items"][0]["kind"] == "bad_rating"
    assert api.get(url, token=lm, overdue="true").json()["items"] == []
    assert len(api.get(url, token=lm, overdue="false").json()["items"]) == 2
    r = api.get(url, token=lm, kind="nonsense")
    assert r.status_code == 422 and r.json()["error"] == "invalid_filter"


def test_the_case_list_comes_in_pages_newest_first_and_hides_none(world, api, monkeypatch):
    from hallops.evaluations import queries

    monkeypatch.setattr(queries, "PER_PAGE", 2)
    lm = world.tokens["lobby_manager"]
    url = f"/halls/{world.hall.code}/cases/"
    for n in range(5):
        assert api.post(url, {"kind": "hotline", "external_number": f"12345-{n}"}, token=lm).status_code == 201

    pages = [api.get(url, token=lm, page=str(p)).json() for p in (1, 2, 3)]

    assert [(p["count"], p["page"], p["pages"], p["per_page"]) for p in pages] == [(5, 1, 3, 2), (5, 2, 3, 2), (5, 3, 3, 2)]
    numbers = [c["external_number"] for p in pages for c in p["items"]]
    assert numbers == [f"12345-{n}" for n in (4, 3, 2, 1, 0)]
    assert api.get(url, token=lm, page="9").json()["page"] == 3  # past the end: the last page
    r = api.get(url, token=lm, page="0")
    assert r.status_code == 422 and r.json()["error"] == "invalid_page"


def test_opening_cases_through_the_api(world, api):
    lm = world.tokens["lobby_manager"]
    r = api.post(f"/halls/{world.hall.code}/cases/", {"kind": "hotline"}, token=lm)
    assert r.status_code == 422 and r.json()["error"] == "external_number_required"
    r = api.post(f"/halls/{world.hall.code}/cases/", {"kind": "bad_rating"}, token=lm)
    assert r.status_code == 422
    ticket = finish_one(world)
    r = api.post(f"/halls/{world.hall.code}/cases/", {"kind": "unresolved", "ticket": str(ticket.pk),
                                                       "description": "办不成"},
                 token=world.tokens["staff_of_this_window"])
    assert r.status_code == 201 and r.json()["window"]["number"] == "1" and r.json()["contact"] is None
    r = api.post(f"/halls/{world.other_hall.code}/cases/", {"kind": "assisted"}, token=lm)
    assert r.status_code == 403
    assert HallEvent.objects.filter(type="case.opened").count() == 1


# --- Ratings over HTTP ---------------------------------------------------------------------------

def test_a_phone_rating_is_public_through_the_tickets_uuid_and_counts_once(world, api):
    ticket = finish_one(world)
    r = api.post(f"/tickets/{ticket.pk}/evaluation/", {"source": "qr", "level": 5})
    assert r.status_code == 201 and r.json()["case"] is None and r.json()["source"] == "qr"
    r = api.post(f"/tickets/{ticket.pk}/evaluation/", {"source": "qr", "level": 1, "reasons": ["attitude"]})
    assert r.status_code == 409 and r.json()["error"] == "already_rated"
    assert pad_rating(world, api, 1).json()["created"] is False
    assert Evaluation.objects.get().level == 5


def test_a_paper_rating_needs_staff_and_never_their_own(world, api):
    ticket = finish_one(world)
    body = {"source": "paper", "level": 2, "reasons": ["notice"]}
    assert api.post(f"/tickets/{ticket.pk}/evaluation/", body).status_code == 401
    r = api.post(f"/tickets/{ticket.pk}/evaluation/", body, token=world.tokens["staff_of_this_window"])
    assert r.status_code == 403 and r.json()["error"] == "own_rating"
    r = api.post(f"/tickets/{ticket.pk}/evaluation/", body, token=world.tokens["staff_of_other_window"])
    assert r.status_code == 201
    e = Evaluation.objects.get()
    assert (e.source, e.entered_by, e.staff) == ("paper", world.other_staff, world.staff)


def test_filing_number_at_finish_or_later_and_the_provincial_export(world, api):
    world.hall.region_code = "110102000000"
    world.hall.save()
    world.service.catalogue_code = "11110102MB0000000X4000117002000"
    world.service.catalogue_version = "3"
    world.service.save()
    first = finish_one(world, filing_number="BJ-2025-001", applicant_type="natural")
    pad_rating(world, api, 4)
    second = finish_one(world)
    r = api.post(f"/tickets/{second.pk}/filing/", {"filing_number": "BJ-2025-002", "applicant_type": "legal"},
                 token=world.tokens["staff_of_this_window"])
    assert r.status_code == 200 and r.json()["filing_number"] == "BJ-2025-002"
    assert api.post(f"/tickets/{second.pk}/filing/", {"filing_number": "X"},
                    token=world.tokens["staff_of_other_window"]).status_code == 403
    api.post(f"/tickets/{second.pk}/evaluation/", {"source": "qr", "level": 1, "reasons": ["slow"],
                                                   "contact_name": "张三", "contact_phone": "13800000000"})
    r = api.get(f"/halls/{world.hall.code}/evaluations/export/", token=world.tokens["supervisor"], format="jsonl")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in b"".join(r.streaming_content).decode().splitlines()]
    assert lines == [
        {"region_code": "110102000000", "matter_code": "11110102MB0000000X4000117002000", "matter_version": "3",
         "filing_number": "BJ-2025-001", "channel": "PJQ", "applicant_type": "natural", "staff_login": "wang",
         "level": 4, "rated_at": localtime(first.evaluation.created_at).isoformat()},
        {**lines[1], "filing_number": "BJ-2025-002", "channel": "EWM", "applicant_type": "legal", "level": 1},
    ]
    r = api.get(f"/halls/{world.hall.code}/evaluations/export/", token=world.tokens["supervisor"], format="csv")
    text = b"".join(r.streaming_content).decode()
    assert text.splitlines()[0] == ("region_code,matter_code,matter_version,filing_number,channel,applicant_type,"
                                    "staff_login,level,rated_at")
    assert len(text.splitlines()) == 3 and "13800000000" not in text and "张三" not in text
    assert api.get(f"/halls/{world.hall.code}/evaluations/export/",
                   token=world.tokens["staff_of_this_window"]).status_code == 403
    r = api.get(f"/halls/{world.hall.code}/evaluations/export/", token=world.tokens["supervisor"], format="xml")
    assert r.status_code == 422 and r.json()["error"] == "invalid_format"


def test_rating_options_are_public(world, api):
    body = api.get("/evaluations/options/").json()
    assert [lv["label"] for lv in body["levels"]] == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    assert {"code": "attitude", "name": "服务态度差"} in body["reasons"]
    assert [i["label"] for i in body["indicators"]["items"]] == ["整体满意度", "服务效率", "服务水平", "服务态度"]


def test_a_case_names_a_matter_of_this_hall_by_its_code(world, api):
    lm = world.tokens["lobby_manager"]
    url = f"/halls/{world.hall.code}/cases/"
    r = api.post(url, {"kind": "assisted", "service": world.service.code, "description": "代办"}, token=lm)
    assert r.status_code == 201, r.json()
    r = api.post(url, {"kind": "assisted", "service": "no-such-matter"}, token=lm)
    assert r.status_code == 422 and r.json()["error"] == "not_in_hall"  # it was a 500 (schemathesis found it)
