"""Query-time backends give what the indexing backends give.

- ``CosineNeighbors`` (numpy) returns scikit-learn's ``NearestNeighbors`` neighbours and
  distances bit for bit, so a loaded index ranks exactly as the fitted one;
- the ONNX export gives the sentence-transformers vectors (cosine ≥ 0.9999 on real sentences)
  and the same rankings (real model, marked ``real_model``);
- the static (model2vec) encoder round-trips through an index;
- the verification stamp skips re-hashing only while files are untouched.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.neighbors import NearestNeighbors

from recommender import artifacts
from recommender.catalog import load_catalog
from recommender.encoder import load_encoder
from recommender.engine import Recommender
from recommender.errors import ArtifactError, InvalidInputError
from recommender.neighbors import CosineNeighbors, cosine_index

from .helpers import HASH_SETTINGS

QUERIES = [
    "We need an analyst who writes SQL against PostgreSQL and builds Tableau dashboards.",
    "Python developer: scripts, pytest, packaging.",
    "Scrum master to plan sprints and manage project risks with the team.",
    "Cooking and gardening",
]


def _data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    data = rng.normal(size=(400, 16)).astype(np.float32)
    data[7] = data[3]  # exact ties
    data[11] = 0.0  # a zero row
    queries = rng.normal(size=(9, 16)).astype(np.float32)
    queries[0] = data[3]
    return data, queries


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n_queries", [1, 2, 9])
def test_kneighbors_is_bit_identical_to_sklearn(dtype: type, n_queries: int) -> None:
    data, queries = _data()
    queries = queries[:n_queries].astype(dtype)
    reference = NearestNeighbors(metric="cosine", algorithm="brute").fit(data)
    fast = CosineNeighbors().fit(data)
    for k in (1, 5, 32, 400):
        expected_distance, expected_index = reference.kneighbors(queries, n_neighbors=k)
        distance, index = fast.kneighbors(queries, n_neighbors=k)
        np.testing.assert_array_equal(index, expected_index)
        np.testing.assert_array_equal(distance, expected_distance)
        assert distance.dtype == expected_distance.dtype
    np.testing.assert_array_equal(
        fast.kneighbors(queries, n_neighbors=3, return_distance=False),
        reference.kneighbors(queries, n_neighbors=3, return_distance=False),
    )


@pytest.mark.parametrize("radius", [0.0, 0.5, 1.0 - 0.5 + 1e-6, 2.0])
def test_radius_neighbors_is_bit_identical_to_sklearn(radius: float) -> None:
    data, queries = _data(1)
    reference = NearestNeighbors(metric="cosine", algorithm="brute").fit(data)
    fast = CosineNeighbors().fit(data)
    expected_distance, expected_index = reference.radius_neighbors(queries, radius=radius, sort_results=True)
    distance, index = fast.radius_neighbors(queries, radius=radius, sort_results=True)
    for got, want in zip([*distance, *index], [*expected_distance, *expected_index], strict=True):
        np.testing.assert_array_equal(got, want)


def test_kneighbors_rejects_more_neighbours_than_rows() -> None:
    with pytest.raises(ValueError, match="n_neighbors"):
        CosineNeighbors().fit(np.eye(3, dtype=np.float32)).kneighbors(np.eye(3, dtype=np.float32), n_neighbors=4)


def test_reference_switch_gives_sklearn(monkeypatch: pytest.MonkeyPatch) -> None:
    data, _ = _data()
    assert isinstance(cosine_index(data), CosineNeighbors)
    assert isinstance(cosine_index(data, reference=True), NearestNeighbors)
    monkeypatch.setenv("RECOMMENDER_REFERENCE_NEIGHBORS", "1")
    assert isinstance(cosine_index(data), NearestNeighbors)


def _answers(model: Recommender) -> list[dict]:
    answers = [model.recommend(query, k=4).to_dict() for query in QUERIES]
    answers.append(model.recommend(skills="SQL, Python, Scrum, cooking", have="Python", k=4).to_dict())
    answers.append([m.to_dict() for m in model.skills(QUERIES[0])])  # type: ignore[arg-type]
    return answers


def test_loaded_index_ranks_exactly_as_the_fitted_one(tiny_model: Recommender, tmp_path: Path) -> None:
    tiny_model.save(tmp_path / "index")
    loaded = Recommender.load(tmp_path / "index")
    assert isinstance(loaded.extractor_.index_, CosineNeighbors)  # the numpy path answers queries
    assert not isinstance(tiny_model.extractor_.index_, CosineNeighbors)  # scikit-learn built the index
    assert _answers(loaded) == _answers(tiny_model)


def test_verification_stamp_skips_rehashing_until_a_file_changes(
    tiny_model: Recommender, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = tiny_model.save(tmp_path / "index")
    assert (version / artifacts.STAMP).exists()
    hashed: list[str] = []
    real_sha256 = artifacts.file_sha256
    monkeypatch.setattr(artifacts, "file_sha256", lambda path: hashed.append(path.name) or real_sha256(path))
    Recommender.load(tmp_path / "index")
    assert hashed == ["manifest.json"]  # only the small manifest: the stamp vouches for the rest

    documents = version / "documents.npy"
    content = bytearray(documents.read_bytes())
    content[-1] ^= 0xFF  # same size, one flipped byte
    documents.write_bytes(bytes(content))
    with pytest.raises(ArtifactError, match=r"documents\.npy is corrupt"):
        Recommender.load(tmp_path / "index")


def test_a_missing_stamp_means_a_full_check_then_a_new_stamp(tiny_model: Recommender, tmp_path: Path) -> None:
    version = tiny_model.save(tmp_path / "index")
    (version / artifacts.STAMP).unlink()
    Recommender.load(tmp_path / "index")
    stamp = json.loads((version / artifacts.STAMP).read_text())
    assert set(stamp["files"]) == set(json.loads((version / "manifest.json").read_text())["files"])


def test_static_spec_must_name_a_model2vec_folder(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="not a model2vec folder"):
        load_encoder(f"static:{tmp_path}")


def _tiny_static_model(folder: Path) -> Path:
    """A hand-made model2vec folder: a word-level tokenizer and random 8-d token vectors."""
    model2vec = pytest.importorskip("model2vec")
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

    words = [
        "sql",
        "python",
        "tableau",
        "scrum",
        "data",
        "dashboards",
        "analyst",
        "team",
        "write",
        "build",
        "plan",
        "test",
        "postgresql",
    ]
    vocab = {"[UNK]": 0, "[PAD]": 1, **{word: i + 2 for i, word in enumerate(words)}}
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    vectors = np.random.default_rng(0).normal(size=(len(vocab), 8)).astype(np.float32)
    model2vec.StaticModel(vectors, tokenizer, normalize=True).save_pretrained(str(folder))
    return folder


def test_static_encoder_indexes_and_answers_from_its_own_copy(tiny_catalog_path: Path, tmp_path: Path) -> None:
    folder = _tiny_static_model(tmp_path / "static")
    encoder = load_encoder(str(folder))
    assert encoder.spec == str(folder)  # the spec the manifest records is the one given
    vectors = encoder.encode(["SQL and Python", "Tableau dashboards"])
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-6)
    model = Recommender(encoder, HASH_SETTINGS).fit(load_catalog(tiny_catalog_path))
    version = model.save(tmp_path / "index")
    manifest = json.loads((version / "manifest.json").read_text())
    assert manifest["encoder"]["runtime"] == {"kind": "static", "folder": "encoder"}
    assert "encoder/model.safetensors" in manifest["files"]
    loaded = Recommender.load(tmp_path / "index")
    assert loaded.encoder is not None and Path(loaded.encoder.path) == version / "encoder"  # type: ignore[attr-defined]
    assert loaded.encoder.fingerprint() == encoder.fingerprint()
    assert _answers(loaded) == _answers(model)


@pytest.mark.real_model
def test_onnx_export_gives_the_sentence_transformers_vectors(shared_data: Path, tmp_path: Path) -> None:
    from recommender.benchmarks import read_annotations
    from recommender.onnx_encoder import OnnxEncoder, export_onnx

    reference = load_encoder("default")
    folder = export_onnx(reference._load(), reference.model_path, tmp_path / "onnx", reference.fingerprint())  # type: ignore[attr-defined]
    assert folder is not None
    onnx = OnnxEncoder(folder, spec="default")
    assert onnx.fingerprint() == reference.fingerprint()
    benchmarks = shared_data / "benchmarks" / "skill_extraction"
    sentences = [
        item.text
        for name in ("tech_validation_annotations.csv", "house_validation_annotations.csv")
        for item in read_annotations(benchmarks / name)[:150]
    ]
    sentences += ["SQL", "a", "x " * 400]  # one token, and one past the 256-token limit
    cosines = np.sum(onnx.encode(sentences) * reference.encode(sentences), axis=1)
    assert cosines.min() >= 0.9999


@pytest.mark.real_model
def test_onnx_index_ranks_as_the_sentence_transformers_index(
    tiny_catalog_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECOMMENDER_CACHE_DIR", str(tmp_path / "cache"))
    model = Recommender(load_encoder("default")).fit(load_catalog(tiny_catalog_path))
    version = model.save(tmp_path / "index")
    assert json.loads((version / "manifest.json").read_text())["encoder"]["runtime"]["kind"] == "onnx"
    fast = Recommender.load(tmp_path / "index")
    assert type(fast.encoder).__name__ == "OnnxEncoder"
    monkeypatch.setenv("RECOMMENDER_BACKEND", "reference")
    reference = Recommender.load(tmp_path / "index")
    assert type(reference.encoder).__name__ == "SentenceTransformerEncoder"
    for query in QUERIES:
        got, want = fast.recommend(query, k=4), reference.recommend(query, k=4)
        assert [r.id for r in got.recommendations] == [r.id for r in want.recommendations]
        assert [s.id for s in got.role.skills] == [s.id for s in want.role.skills]
        np.testing.assert_allclose(
            [r.score for r in got.recommendations], [r.score for r in want.recommendations], atol=1e-4
        )


def test_the_query_path_imports_neither_torch_nor_sklearn(tiny_model: Recommender, tmp_path: Path) -> None:
    import subprocess
    import sys

    tiny_model.save(tmp_path / "index")
    code = (
        "import sys\nfrom recommender.cli import app\nfrom recommender.api import open_index\n"
        f"open_index({str(tmp_path / 'index')!r}).recommend('SQL and Python dashboards', k=2)\n"
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'sklearn', 'transformers') if m in sys.modules))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


@pytest.mark.parametrize("reference", [True, False])
def test_identical_surface_forms_tie_in_form_order(reference: bool) -> None:
    from recommender.encoder import HashingEncoder
    from recommender.skills import SkillExtractor
    from recommender.taxonomy import Skill, Vocabulary

    skills = [Skill(id=f"s{i}", label=f"skill number {i}", aliases=("data pipelines",)) for i in range(12)]
    extractor = SkillExtractor().fit(Vocabulary(tuple(skills), "generic"), HashingEncoder(64), reference=reference)
    indices, similarities = extractor.nearest_forms(HashingEncoder(64).encode(["data pipelines", "pipelines"]), 24)
    for row_indices, row_similarities in zip(indices, similarities, strict=True):
        keys = list(zip(-row_similarities, row_indices, strict=True))
        assert keys == sorted(keys)  # best first; exact ties by form index, whichever index answered


@pytest.mark.real_model
def test_onnx_export_runs_dense_layers_after_pooling(tmp_path: Path) -> None:
    """A trained encoder (base + residual Dense + Normalize, as `recommender train` writes it, saved
    with sentence-transformers' current module names) exports too, and gives the same vectors."""
    import torch
    from sentence_transformers import SentenceTransformer

    from recommender.encoder import default_model_path
    from recommender.onnx_encoder import OnnxEncoder, export_onnx
    from recommender.train_adapter import _adapter

    torch.manual_seed(0)
    base = SentenceTransformer(str(default_model_path()), device="cpu")
    layer = _adapter(384)
    with torch.no_grad():
        layer.linear.weight.normal_(0, 0.05)
        layer.linear.bias.normal_(0, 0.05)
    from sentence_transformers.sentence_transformer.modules import Normalize

    SentenceTransformer(modules=[*base, layer, Normalize()], device="cpu").save(str(tmp_path / "trained"))
    reference = load_encoder(str(tmp_path / "trained"))
    folder = export_onnx(reference._load(), reference.model_path, tmp_path / "onnx", reference.fingerprint())  # type: ignore[attr-defined]
    assert folder is not None and list(folder.glob("dense-*.npz"))
    sentences = [*QUERIES, "SQL", "x " * 400]
    got, want = OnnxEncoder(folder, spec="trained").encode(sentences), reference.encode(sentences)
    assert np.sum(got * want, axis=1).min() >= 0.9999
    assert np.sum(want * load_encoder("default").encode(sentences), axis=1).min() < 0.999  # the layer matters
