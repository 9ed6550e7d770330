import logging
import multiprocessing
from pathlib import Path

import numpy as np
import pytest

from recommender.encoders.cache import CachedEncoder, ShardStore, text_key
from recommender.encoders.hashing import HashingEncoder


class CountingEncoder(HashingEncoder):
    def __init__(self) -> None:
        super().__init__(64)
        self.seen: list[str] = []

    def encode(self, texts, *, batch_size=64, progress=False):  # type: ignore[no-untyped-def]
        self.seen.extend(texts)
        return super().encode(texts)


def test_each_text_is_encoded_once_across_instances(tmp_path: Path) -> None:
    inner = CountingEncoder()
    first = CachedEncoder(inner, tmp_path).encode(["a b", "c d", "a b"])
    assert inner.seen == ["a b", "c d"]
    again = CachedEncoder(inner, tmp_path)
    second = again.encode(["c d", "e f", "a b"])
    assert inner.seen == ["a b", "c d", "e f"]
    np.testing.assert_array_equal(second[[0, 2]], first[[1, 0]])
    np.testing.assert_array_equal(second, HashingEncoder(64).encode(["c d", "e f", "a b"]))
    assert (again.hits, again.misses) == (2, 1)


def test_cache_is_keyed_by_encoder_fingerprint(tmp_path: Path) -> None:
    CachedEncoder(HashingEncoder(64), tmp_path).encode(["x"])
    CachedEncoder(HashingEncoder(32), tmp_path).encode(["x"])
    assert len([p for p in tmp_path.iterdir() if p.is_dir()]) == 2


DAMAGES = {
    "truncated": lambda data: data[: len(data) // 2],
    "zero-filled": lambda data: bytes(len(data)),
    "bit-flipped": lambda data: data[:-3] + bytes([data[-3] ^ 0x10]) + data[-2:],
}


@pytest.mark.parametrize("prefix", ["vectors", "keys", "sums"])
@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_entry_is_detected_logged_once_recomputed_and_rewritten(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, prefix: str, damage: str
) -> None:
    texts = ["SQL queries", "Tableau dashboards", "Python scripts"]
    CachedEncoder(HashingEncoder(64), tmp_path).encode(texts)
    folder = CachedEncoder(HashingEncoder(64), tmp_path).folder
    (path,) = folder.glob(f"{prefix}-*")
    path.write_bytes(DAMAGES[damage](path.read_bytes()))

    inner = CountingEncoder()
    with caplog.at_level(logging.WARNING, logger="recommender.encoders.cache"):
        again = CachedEncoder(inner, tmp_path)
        vectors = again.encode(texts)
    np.testing.assert_array_equal(vectors, HashingEncoder(64).encode(texts))  # never the damaged values
    assert inner.seen == texts  # recomputed
    assert len(caplog.records) == 1 and "is damaged" in caplog.text and path.name.split("-")[1][:12] in caplog.text
    assert not path.exists()  # the damaged shard is gone ...
    caplog.clear()
    third = CountingEncoder()
    with caplog.at_level(logging.WARNING, logger="recommender.encoders.cache"):
        np.testing.assert_array_equal(CachedEncoder(third, tmp_path).encode(texts), vectors)
    assert third.seen == [] and caplog.records == []  # ... and its entries were rewritten, checksummed


def test_a_missing_file_of_a_shard_is_damage_too(tmp_path: Path) -> None:
    CachedEncoder(HashingEncoder(64), tmp_path).encode(["x"])
    folder = CachedEncoder(HashingEncoder(64), tmp_path).folder
    next(folder.glob("vectors-*")).unlink()
    inner = CountingEncoder()
    np.testing.assert_array_equal(CachedEncoder(inner, tmp_path).encode(["x"]), HashingEncoder(64).encode(["x"]))
    assert inner.seen == ["x"] and not list(folder.glob("sums-*"))[1:]


def test_shards_without_checksums_are_not_used_nor_deleted(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    CachedEncoder(HashingEncoder(64), tmp_path).encode(["x"])
    folder = CachedEncoder(HashingEncoder(64), tmp_path).folder
    (sums,) = folder.glob("sums-*")
    sums.unlink()  # as an older version wrote them
    (keys,) = folder.glob("keys-*")
    inner = CountingEncoder()
    with caplog.at_level(logging.WARNING, logger="recommender.encoders.cache"):
        CachedEncoder(inner, tmp_path).encode(["x"])
    assert inner.seen == ["x"] and keys.exists()
    assert "1 cache shards" in caplog.text and "carry no checksum" in caplog.text


def _write_entries(folder: str, start: int) -> None:
    """A writer process: many small shards whose rows are a function of their key."""
    store = ShardStore(Path(folder), ["vectors"])
    for batch in range(start, start + 40):
        keys = [text_key(f"text {batch} {i}") for i in range(50)]
        store.add(keys, np.array([np.frombuffer(key, np.uint8).astype(np.float32) for key in keys]))


def test_two_writer_processes_and_a_reader_never_see_half_an_entry(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    context = multiprocessing.get_context("fork")
    writers = [context.Process(target=_write_entries, args=(str(folder), start)) for start in (0, 1000)]
    for writer in writers:
        writer.start()
    reads = 0
    while any(writer.is_alive() for writer in writers) or reads < 3:
        store = ShardStore(folder, ["vectors"])
        keys = list(store.rows())
        if keys:
            (vectors,) = store.get(keys)
            expected = np.array([np.frombuffer(key, np.uint8).astype(np.float32) for key in keys])
            np.testing.assert_array_equal(vectors, expected)
        reads += 1
    for writer in writers:
        writer.join()
        assert writer.exitcode == 0
    assert len(ShardStore(folder, ["vectors"]).rows()) == 2 * 40 * 50
    assert not list(folder.glob(".*"))  # no temporary left behind
