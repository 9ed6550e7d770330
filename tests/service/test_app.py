"""Every endpoint in process (FastAPI's TestClient), and every kind of bad input → status + problem+json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from recommender.store.artifacts import resolve_version

from ..helpers import TINY_CATALOG
from .conftest import ANALYST, make_client

PROBLEM = "application/problem+json"


def assert_problem(response, status: int, *words: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["title"] and body["type"] == "about:blank"
    for word in words:
        assert word in body["detail"], body["detail"]
    assert "Traceback" not in response.text
    return body


def test_recommend_answers_what_the_library_answers(session_client: TestClient, hash_index: Path) -> None:
    from recommender.store.index_io import load_index

    response = session_client.post("/v1/recommend", json={"text": ANALYST, "k": 3})
    assert response.status_code == 200
    body = response.json()
    expected = load_index(hash_index).recommend(ANALYST, k=3).to_dict()
    assert {key: body[key] for key in expected} == json.loads(json.dumps(expected))
    assert body["warnings"] == []
    assert {r["id"] for r in body["recommendations"][:2]} == {"sql-101", "viz-110"}
    assert response.headers["x-index-version"] == resolve_version(hash_index).name
    assert response.headers["x-request-id"]


def test_recommend_takes_skills_have_and_filters(session_client: TestClient) -> None:
    body = {"skills": "SQL, Python, Scrum", "have": "Python", "k": 4, "max_hours": 25, "max_cost": 100}
    result = session_client.post("/v1/recommend", json=body).json()
    assert [s["label"] for s in result["role"]["held"]] == ["Python"]
    ids = [r["id"] for r in result["recommendations"]]
    assert "pm-300" not in ids  # 30 hours and 300: over both budgets
    assert all(r["hours"] <= 25 and r["cost"] <= 100 for r in result["recommendations"])


def test_skills_lists_the_skills_of_a_text_with_evidence(session_client: TestClient) -> None:
    result = session_client.post("/v1/skills", json={"text": "Write SQL queries and build Tableau dashboards."}).json()
    labels = {s["label"] for s in result["skills"]}
    assert {"SQL", "Tableau"} <= labels
    assert all(s["evidence"] and s["evidence"][0]["text"] for s in result["skills"])


def test_a_long_text_is_cut_with_a_warning(hash_index: Path) -> None:
    client, _ = make_client(hash_index, max_text_chars=100)
    response = client.post("/v1/recommend", json={"text": ANALYST + " filler" * 50, "k": 2})
    assert response.status_code == 200
    assert response.json()["warnings"] == [
        f"text was cut to 100 characters (it had {len(ANALYST) + 350}): the server's text limit"
    ]


def test_plan_as_json_and_as_the_html_page(session_client: TestClient) -> None:
    body = {"skills": "SQL, Tableau, Python, cooking", "max_credentials": 2}
    plan = session_client.post("/v1/plan", json=body).json()
    assert 1 <= plan["totals"]["credentials"] <= 2
    assert [step["step"] for step in plan["steps"]] == list(range(1, len(plan["steps"]) + 1))
    assert plan["budget"]["max_credentials"] == 2 and plan["warnings"] == []
    page = session_client.post("/v1/plan?format=html", json=body)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<table class="grid">' in page.text and plan["steps"][0]["title"] in page.text


def test_score_streams_one_line_per_posting_in_order(session_client: TestClient) -> None:
    lines = [
        json.dumps({"id": "a", "title": "Analyst", "text": ANALYST}),
        "{not json",
        json.dumps({"id": "c", "text": ""}),
        "",
        json.dumps({"id": "d", "text": "Python developer: scripts, pytest, packaging."}),
        json.dumps(["a list"]),
    ]
    response = session_client.post("/v1/score?k=2", content="\n".join(lines) + "\n",
                                   headers={"content-type": "application/x-ndjson"})  # fmt: skip
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/x-ndjson")
    out = [json.loads(line) for line in response.text.splitlines()]
    assert [row["id"] for row in out] == ["a", "2", "c", "d", "6"]
    assert {r["id"] for r in out[0]["recommendations"]} == {"sql-101", "viz-110"}
    assert "not valid JSON" in out[1]["error"] and out[2]["error"] == "no text"
    assert out[3]["recommendations"][0]["id"] == "py-201"
    assert "not a JSON object" in out[4]["error"]


def test_score_reports_a_line_over_the_limit_and_goes_on(hash_index: Path) -> None:
    client, _ = make_client(hash_index, max_body=300)
    body = json.dumps({"id": "long", "text": "SQL " * 200}) + "\n" + json.dumps({"id": "ok", "text": "SQL"}) + "\n"
    out = [json.loads(line) for line in client.post("/v1/score?k=2", content=body).text.splitlines()]
    assert "longer than 300 bytes" in out[0]["error"] and out[1]["id"] == "ok" and "recommendations" in out[1]


def test_credentials_browse_search_and_detail(session_client: TestClient) -> None:
    everything = session_client.get("/v1/credentials").json()
    assert everything["total"] == len(TINY_CATALOG)
    found = session_client.get("/v1/credentials", params={"q": "north", "limit": 1}).json()
    assert found["total"] == 2 and [c["id"] for c in found["credentials"]] == ["sql-101"]
    assert session_client.get("/v1/credentials", params={"q": "tableau"}).json()["credentials"][0]["id"] == "viz-110"
    detail = session_client.get("/v1/credentials/py-201").json()
    assert detail["title"] == "Python programming"
    assert {p["label"] for p in detail["profile"]} >= {"Python", "unit testing"}


def test_index_health_and_readiness(session_client: TestClient, hash_index: Path) -> None:
    info = session_client.get("/v1/index").json()
    assert info["version"] == resolve_version(hash_index).name
    assert info["counts"]["credentials"] == len(TINY_CATALOG) and info["encoder"] == "hash:256"
    assert info["built_at"][:2] == "20" and "skills" in info["vocabulary"]
    assert session_client.get("/healthz").json() == {"status": "ok", "index": None}
    assert session_client.get("/readyz").json() == {"status": "ready", "index": info["version"]}


def test_the_page_and_its_own_assets(session_client: TestClient) -> None:
    page = session_client.get("/")
    assert page.status_code == 200 and "default-src 'self'" in page.headers["content-security-policy"]
    assert '<form id="query"' in page.text and "/static/app.js" in page.text
    for name in ("app.js", "style.css"):
        asset = session_client.get(f"/static/{name}")
        assert asset.status_code == 200 and "http://" not in asset.text and "https://" not in asset.text
    assert "https://" not in page.text and "http://" not in page.text  # nothing from outside
    assert_problem(session_client.get("/static/../app.py"), 404)
    assert_problem(session_client.get("/static/secret.txt"), 404, "no static file")


def test_no_interactive_docs_that_need_a_cdn(session_client: TestClient) -> None:
    assert session_client.get("/docs").status_code == 404
    assert session_client.get("/redoc").status_code == 404
    document = session_client.get("/openapi.json").json()
    assert {"/v1/recommend", "/v1/plan", "/v1/score", "/v1/skills", "/v1/credentials", "/v1/index"} <= set(
        document["paths"]
    )


# ------------------------------------------------------------------ bad input → the right problem
@pytest.mark.parametrize(
    ("path", "body", "status", "words"),
    [
        ("/v1/recommend", b"{not json", 400, ("not valid JSON",)),
        ("/v1/recommend", b'{"k": 3}', 422, ("give a job description",)),
        ("/v1/recommend", b'{"text": 5}', 422, ("text",)),
        ("/v1/recommend", b'{"text": "SQL", "k": 0}', 422, ("k:", "greater than or equal to 1")),
        ("/v1/recommend", b'{"text": "SQL", "k": 101}', 422, ("k:", "less than or equal to 100")),
        ("/v1/recommend", b'{"text": "SQL", "k": 50}', 422, ("larger than the catalog",)),
        ("/v1/recommend", b'{"text": "SQL", "k": "ten"}', 422, ("k:",)),
        ("/v1/recommend", b'{"text": "SQL", "max_cost": -1}', 422, ("max_cost",)),
        ("/v1/recommend", b'{"text": "SQL", "model_dir": "/etc"}', 422, ("model_dir", "Extra inputs")),
        ("/v1/recommend", b"[1, 2]", 422, ("body",)),
        ("/v1/skills", b'{"text": "   "}', 422, ("text",)),
        ("/v1/skills", b"{}", 422, ("text", "posting")),
        ("/v1/plan", b'{"skills": "SQL", "max_credentials": 0}', 422, ("max_credentials",)),
        ("/v1/plan", b'{"skills": "SQL", "max_hours": 1e12}', 422, ("max_hours",)),
    ],
)
def test_bad_input_is_a_problem_naming_the_fix(
    session_client: TestClient, path: str, body: bytes, status: int, words: tuple[str, ...]
) -> None:
    response = session_client.post(path, content=body, headers={"content-type": "application/json"})
    assert_problem(response, status, *words)


def test_a_huge_body_is_413_whether_declared_or_streamed(session_client: TestClient) -> None:
    huge = json.dumps({"text": "SQL " * 10_000}).encode()
    assert_problem(session_client.post("/v1/recommend", content=huge), 413, "larger than 20000 bytes")

    def chunks():  # no Content-Length: the limit is checked while the body is read
        for start in range(0, len(huge), 4096):
            yield huge[start : start + 4096]

    assert_problem(session_client.post("/v1/recommend", content=chunks()), 413, "larger than 20000 bytes")


def test_an_unknown_query_parameter_is_named(session_client: TestClient) -> None:
    assert_problem(session_client.get("/v1/credentials?q=sql&path=/etc"), 422, "query.path", "Unknown query")
    assert_problem(session_client.post("/v1/plan?model_dir=x", json={"skills": "SQL"}), 422, "query.model_dir")


def test_score_checks_k_before_streaming(session_client: TestClient) -> None:
    assert_problem(session_client.post("/v1/score?k=50", content=b'{"text": "SQL"}\n'), 422, "larger than the catalog")
    assert_problem(session_client.post("/v1/score?k=0", content=b'{"text": "SQL"}\n'), 422, "k")


def test_unknown_credential_and_unknown_route(session_client: TestClient) -> None:
    assert_problem(session_client.get("/v1/credentials/nope"), 404, "no credential with id 'nope'")
    assert_problem(session_client.get("/v1/nothing"), 404)
    assert_problem(session_client.get("/v1/recommend"), 405)


def test_api_key_is_required_when_set(hash_index: Path) -> None:
    client, _ = make_client(hash_index, api_key="s3cret")
    body = {"text": ANALYST, "k": 1}
    assert_problem(client.post("/v1/recommend", json=body), 401, "Bearer")
    wrong = client.post("/v1/recommend", json=body, headers={"Authorization": "Bearer nope"})
    assert_problem(wrong, 401).get("detail")
    assert wrong.headers["www-authenticate"] == "Bearer"
    assert_problem(client.get("/v1/index", headers={"Authorization": "Basic czNjcmV0"}), 401)
    assert client.post("/v1/recommend", json=body, headers={"Authorization": "Bearer s3cret"}).status_code == 200
    assert client.get("/healthz").status_code == 200 and client.get("/").status_code == 200  # open: no data


def test_one_access_log_line_per_request(hash_index: Path) -> None:
    client, log = make_client(hash_index)
    client.post("/v1/recommend", json={"text": ANALYST, "k": 1}, headers={"X-Request-ID": "abc-123"})
    client.get("/v1/credentials/nope")
    lines = [json.loads(line) for line in log.getvalue().splitlines()]
    first = lines[0]
    assert (first["method"], first["path"], first["status"], first["request_id"]) == (
        "POST",
        "/v1/recommend",
        200,
        "abc-123",
    )
    assert (lines[1]["path"], lines[1]["status"]) == ("/v1/credentials/nope", 404)
    assert all(isinstance(x["ms"], float) and len(x["request_id"]) >= 7 for x in lines) and len(lines) == 2


def test_an_unexpected_failure_is_a_500_without_a_traceback(hash_index: Path) -> None:
    client, _ = make_client(hash_index)
    client.app.state.service.live.current().model.skills = lambda text: 1 / 0  # type: ignore[method-assign]
    client = TestClient(client.app, raise_server_exceptions=False)
    response = client.post("/v1/skills", json={"text": "SQL"})
    body = assert_problem(response, 500, "log has the cause")
    assert body["request_id"] == response.headers["x-request-id"] and "ZeroDivision" not in response.text
