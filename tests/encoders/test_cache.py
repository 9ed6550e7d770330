from pathlib import Path

import numpy as np

from recommender.encoders.cache import CachedEncoder
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


def test_unreadable_shards_are_ignored(tmp_path: Path) -> None:
    encoder = CachedEncoder(HashingEncoder(64), tmp_path)
    encoder.encode(["x"])
    for shard in encoder.folder.glob("vectors-*.npy"):
        shard.write_bytes(b"broken")
    inner = CountingEncoder()
    inner._dim = 64
    np.testing.assert_array_equal(
        CachedEncoder(HashingEncoder(64), tmp_path).encode(["x"]), HashingEncoder(64).encode(["x"])
    )
