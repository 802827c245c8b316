"""The OpenAPI document lists every endpoint with typed schemas, and the interactive docs work
without internet access (the hall intranet has none)."""

import re

import pytest

from tests.hallops.api.conftest import API

ENDPOINTS = {
    ("get", "/halls/"), ("get", "/halls/{hall}/services/"), ("post", "/halls/{hall}/tickets/"),
    ("post", "/halls/{hall}/check-in/"), ("get", "/halls/{hall}/load/"), ("get", "/halls/{hall}/events/"),
    ("get", "/tickets/{ticket_id}/"), ("post", "/tickets/{ticket_id}/cancel/"),
    ("post", "/tickets/{ticket_id}/requeue/"), ("get", "/windows/{window_id}/"),
    *{("post", f"/windows/{{window_id}}/{a}/") for a in (
        "call-next", "call", "recall", "skip", "start", "finish", "transfer", "open", "pause", "resume",
        "close", "sign-in", "sign-out", "evaluations")},
    ("get", "/me/"),
}


@pytest.fixture
def schema(client, db):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_document_lists_every_endpoint(schema):
    listed = {(method, path.removeprefix(API)) for path, ops in schema["paths"].items() for method in ops}
    assert ENDPOINTS <= listed, ENDPOINTS - listed  # other packages may add theirs (e.g. reprint)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["version"] == "1"


def test_every_operation_has_typed_responses_and_errors_in_the_common_format(schema):
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            ok = [s for s in op["responses"] if s.startswith("2")]
            assert ok, (method, path)
            for status in ok:
                # JSON, or for a download (the 好差评 export) its own media types, each with a schema.
                content = op["responses"][status]["content"]
                assert content and all("schema" in c for c in content.values()), (method, path, status)
            for status, resp in op["responses"].items():
                if status.startswith("4"):
                    ref = resp["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/ErrorOut"), (method, path, status)


def test_every_reference_resolves(schema):
    refs = set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', __import__("json").dumps(schema)))
    assert refs and refs <= set(schema["components"]["schemas"])


def test_protected_operations_declare_bearer_and_session_security(schema):
    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["TokenAuth"].items()
    assert schemes["SessionAuth"]["in"] == "cookie"
    assert "security" not in schema["paths"][f"{API}/halls/"]["get"]
    assert schema["paths"][f"{API}/windows/{{window_id}}/call-next/"]["post"]["security"]


def test_the_docs_page_loads_nothing_from_outside_the_hall(client, db):
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(u.startswith(f"{API}/docs/assets/") for u in urls), urls
    assert "cdn" not in html.lower() and "https://" not in html
    for url in urls:
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert b"".join(asset.streaming_content)


def test_the_docs_assets_serve_only_the_bundled_files(client, db):
    assert client.get(f"{API}/docs/assets/swagger-ui-bundle.js")["Content-Type"] == "text/javascript"
    assert client.get(f"{API}/docs/assets/..%2F..%2Fmain.py").status_code == 404
    assert client.get(f"{API}/docs/assets/redoc.standalone.js.map").status_code == 404


def test_every_reply_a_client_can_see_is_documented(schema):
    """400 malformed_json / not_an_object / control_characters, 413, 422, 401/403 where credentials count."""
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            responses = op["responses"]
            assert "control_characters" in responses["400"]["description"], (method, path)
            if method == "post":
                assert "413" in responses and "malformed_json" in responses["400"]["description"], (method, path)
            if op.get("parameters") or op.get("requestBody"):
                assert "422" in responses, (method, path)
            if op.get("security"):
                assert {"401", "403"} <= set(responses), (method, path)
    issue = schema["paths"][f"{API}/halls/{{hall}}/tickets/"]["post"]["responses"]
    assert "throttled" in issue["429"]["description"]
