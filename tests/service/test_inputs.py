"""Inputs people already have, through the HTTP API: a JobPosting (JSON-LD object or uploaded .json / .html),
a CV uploaded as PDF or Word; errors in the API's own terms; the page's favicon."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from .test_app import assert_problem

DOCUMENTS = Path(__file__).resolve().parent.parent / "fixtures" / "documents"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)
pytest.importorskip("pypdf")
pytest.importorskip("docx")
pytest.importorskip("extruct")


def posting() -> dict:
    return json.loads((DOCUMENTS / "jobposting.json").read_text(encoding="utf-8"))


def test_recommend_takes_a_jobposting_object(session_client: TestClient) -> None:
    body = session_client.post("/v1/recommend", json={"posting": posting(), "k": 3}).json()
    role = {s["label"] for s in body["role"]["skills"]}
    assert {"SQL", "Tableau", "Python"} <= role
    assert body["recommendations"][0]["id"] in {"sql-101", "viz-110"}
    assert body["score_max"] == pytest.approx(1.25)  # the range the scores are in, stated with them
    skills = session_client.post("/v1/skills", json={"posting": posting()}).json()
    assert {"SQL", "Tableau", "Python"} <= {s["label"] for s in skills["skills"]}
    planned = session_client.post("/v1/plan", json={"posting": posting()}).json()
    assert planned["steps"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("jobposting.json", {"SQL", "Tableau", "Python"}), ("jobposting.html", {"Scrum", "project management"})],
)
def test_recommend_files_takes_a_posting_file(session_client: TestClient, name: str, expected: set[str]) -> None:
    with (DOCUMENTS / name).open("rb") as handle:
        response = session_client.post("/v1/recommend/files", files={"posting": (name, handle)}, data={"k": "2"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert expected <= {s["label"] for s in body["role"]["skills"]}
    assert len(body["recommendations"]) == 2


@pytest.mark.parametrize("cv", ["cv.pdf", "cv.docx"])
def test_recommend_files_reads_a_cv_as_pdf_or_word(session_client: TestClient, cv: str) -> None:
    with (DOCUMENTS / "jobposting.json").open("rb") as job, (DOCUMENTS / cv).open("rb") as handle:
        response = session_client.post(
            "/v1/recommend/files", files={"posting": ("jobposting.json", job), "cv": (cv, handle)}, data={"k": "3"}
        )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "SQL" in {s["label"] for s in body["role"]["held"]}  # the CV says SQL: not needed again
    assert "SQL" not in {s["label"] for s in body["role"]["skills"]}


@pytest.mark.parametrize(
    ("request_kwargs", "words"),
    [
        ({"json": {"posting": {"@type": "Course", "name": "x"}}}, ["posting holds no schema.org JobPosting"]),
        ({"json": {"posting": {"@type": "JobPosting", "title": "x"}}}, ["has no description"]),
        ({"json": {"text": "SQL", "posting": {"@type": "JobPosting", "description": "SQL"}}}, ["text or posting"]),
        ({"json": {"skills": "SQL", "k": 50}}, ["use k 4 or less"]),
        ({"json": {"k": 3}}, ["(text or posting)", "title", "skills"]),
        ({"files": {"cv": ("cv.png", PNG)}, "data": {"skills": "SQL"}}, ["cv.png is a PNG"]),
        ({"files": {"posting": ("job.html", b"<html><body>No JSON-LD</body></html>")}}, ["no schema.org JobPosting"]),
    ],
    ids=["not-jobposting", "empty-jobposting", "text-and-posting", "k-too-large", "no-role", "cv-image", "page-no-ld"],
)
def test_input_errors_speak_http(session_client: TestClient, request_kwargs: dict, words: list[str]) -> None:
    path = "/v1/recommend/files" if "files" in request_kwargs else "/v1/recommend"
    body = assert_problem(session_client.post(path, **request_kwargs), 422, *words)
    assert "--" not in body["detail"] and "-k" not in body["detail"]  # fields, not command-line options


def test_the_page_has_a_favicon(session_client: TestClient) -> None:
    icon = session_client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert session_client.get("/static/favicon.svg").content == icon.content
    assert 'rel="icon"' in session_client.get("/").text
