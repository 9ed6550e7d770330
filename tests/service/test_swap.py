"""The index is swapped without downtime: a client loop runs while the index is rebuilt in its folder."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from fastapi.testclient import TestClient

from recommender.errors import ArtifactError
from recommender.service import LiveIndex
from recommender.store.artifacts import CURRENT
from recommender.store.index_io import load_index

from ..helpers import TINY_CATALOG
from .conftest import build_hash_index, make_client

ROLE = {"skills": "SQL, Python, Tableau, Scrum", "k": 4}


def _renamed(rows: list[dict]) -> list[dict]:
    return [{**row, "id": row["id"] + "-v2", "title": row["title"] + " (2nd edition)"} for row in rows]


def test_requests_during_a_reindex_never_fail_nor_mix_the_two(tmp_path: Path) -> None:
    model_dir = tmp_path / "live"
    old_version = build_hash_index(model_dir, TINY_CATALOG)
    client, _ = make_client(model_dir)
    old_ids, new_ids = {r["id"] for r in TINY_CATALOG}, {r["id"] for r in _renamed(TINY_CATALOG)}
    answers: list[tuple[int, str, set[str]]] = []
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            response = client.post("/v1/recommend", json=ROLE)
            ids = {r["id"] for r in response.json().get("recommendations", [])}
            answers.append((response.status_code, response.headers.get("x-index-version", ""), ids))

    with client:
        clients = [threading.Thread(target=loop) for _ in range(2)]
        for thread in clients:
            thread.start()
        while len(answers) < 20:
            time.sleep(0.01)
        new_version = build_hash_index(model_dir, _renamed(TINY_CATALOG))  # the same folder: CURRENT moves
        client.app.state.service.live.wait_for(new_version)
        seen = len(answers)
        while len(answers) < seen + 20:
            time.sleep(0.01)
        stop.set()
        for thread in clients:
            thread.join()
        assert client.get("/v1/index").json()["version"] == new_version

    failures = [a for a in answers if a[0] != 200]
    assert failures == []
    for _, version, ids in answers:  # each answer entirely from one index, and the one its header names
        assert ids and ids <= {old_version: old_ids, new_version: new_ids}[version]
    versions = [version for _, version, _ in answers]
    assert versions.count(old_version) >= 20 and versions.count(new_version) >= 20
    print(f"hot swap: {len(answers)} requests, {len(failures)} failures, "
          f"{versions.count(old_version)} old, {versions.count(new_version)} new")  # fmt: skip


def test_a_version_that_cannot_be_loaded_leaves_the_old_one_live(tmp_path: Path) -> None:
    model_dir = tmp_path / "live"
    version = build_hash_index(model_dir, TINY_CATALOG)
    live = LiveIndex(model_dir, check_every=0.0)
    assert live.current().version == version
    (model_dir / CURRENT).write_text("index-missing")
    try:
        live.wait_for("index-missing", timeout=0.5)
    except ArtifactError as exc:
        assert "did not become live" in str(exc)
    assert live.current().version == version and "index-missing" in (live.last_error or "")
    assert live.current().model.recommend(skills="SQL", k=1).recommendations[0].id == "sql-101"


def test_the_index_is_read_once_not_per_request(tmp_path: Path) -> None:
    model_dir = tmp_path / "live"
    build_hash_index(model_dir, TINY_CATALOG)
    loads: list[Path] = []

    def counting(path: Path):
        loads.append(path)
        return load_index(path)

    client, _ = make_client(model_dir)
    live = LiveIndex(model_dir, loader=counting, check_every=0.0)
    client.app.state.service.live = live
    for _ in range(5):
        assert client.post("/v1/recommend", json=ROLE).status_code == 200
    assert loads == [model_dir]
    assert isinstance(client, TestClient)
