"""Query-time encoders give what the indexing encoders give.

- the ONNX export gives the sentence-transformers vectors (cosine ≥ 0.9999 on real sentences)
  and the same rankings (real model, marked ``real_model``);
- the static (model2vec) encoder round-trips through an index;
- the query path imports neither torch nor scikit-learn.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from recommender.encoders.load import load_encoder
from recommender.errors import InvalidInputError
from recommender.formats.readers import load_catalog
from recommender.matching.engine import Recommender
from recommender.store.index_io import load_index, save_index

from ..helpers import HASH_SETTINGS, QUERIES, answers


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
    version = save_index(model, tmp_path / "index")
    manifest = json.loads((version / "manifest.json").read_text())
    assert manifest["encoder"]["runtime"] == {"kind": "static", "folder": "encoder"}
    assert "encoder/model.safetensors" in manifest["files"]
    loaded = load_index(tmp_path / "index")
    assert loaded.encoder is not None and Path(loaded.encoder.path) == version / "encoder"  # type: ignore[attr-defined]
    assert loaded.encoder.fingerprint() == encoder.fingerprint()
    assert answers(loaded) == answers(model)


@pytest.mark.real_model
def test_onnx_export_gives_the_sentence_transformers_vectors(shared_data: Path, tmp_path: Path) -> None:
    from recommender.encoders.onnx import OnnxEncoder, export_onnx
    from recommender.evaluation.benchmarks import read_annotations

    reference = load_encoder("default")
    folder = export_onnx(reference.load(), reference.model_path, tmp_path / "onnx", reference.fingerprint())  # type: ignore[attr-defined]
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
    expected = reference.encode(sentences)
    cosines = np.sum(onnx.encode(sentences) * expected, axis=1)
    assert cosines.min() >= 0.9999

    from recommender.encoders.onnx import MODEL_INT8, quantize

    assert quantize(folder) == folder / MODEL_INT8 and quantize(folder) == folder / MODEL_INT8  # made once
    int8 = OnnxEncoder(folder, spec="default", precision="int8")
    assert int8.precision == "int8" and int8.fingerprint() == reference.fingerprint()
    near = np.sum(int8.encode(sentences) * expected, axis=1)
    assert near.mean() >= 0.98 and near.min() >= 0.9  # measured 0.992 / 0.967 on 1,500 real job segments
    (folder / MODEL_INT8).unlink()
    assert OnnxEncoder(folder, spec="default", precision="int8").precision == "float32"  # no int8 model: float


@pytest.mark.real_model
def test_onnx_index_ranks_as_the_sentence_transformers_index(
    tiny_catalog_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECOMMENDER_CACHE_DIR", str(tmp_path / "cache"))
    model = Recommender(load_encoder("default")).fit(load_catalog(tiny_catalog_path))
    version = save_index(model, tmp_path / "index")
    assert json.loads((version / "manifest.json").read_text())["encoder"]["runtime"]["kind"] == "onnx"
    fast = load_index(tmp_path / "index")
    assert type(fast.encoder).__name__ == "OnnxEncoder"
    monkeypatch.setenv("RECOMMENDER_BACKEND", "reference")
    reference = load_index(tmp_path / "index")
    assert type(reference.encoder).__name__ == "SentenceTransformerEncoder"
    for query in QUERIES:
        got, want = fast.recommend(query, k=4), reference.recommend(query, k=4)
        assert [r.id for r in got.recommendations] == [r.id for r in want.recommendations]
        assert [s.id for s in got.role.skills] == [s.id for s in want.role.skills]
        np.testing.assert_allclose(
            [r.score for r in got.recommendations], [r.score for r in want.recommendations], atol=1e-4
        )


@pytest.mark.real_model
def test_an_index_is_encoded_through_the_onnx_export_queries_use(tiny_catalog_path: Path, tmp_path: Path) -> None:
    from recommender import IndexOptions, build_index
    from recommender.encoders.backends import unwrap_encoder

    cache = tmp_path / "cache"
    built = build_index(tiny_catalog_path, tmp_path / "index", IndexOptions(cache_dir=cache, use_occupations=False))
    version = tmp_path / "index" / built.version
    assert json.loads((version / "manifest.json").read_text())["encoder"]["runtime"]["kind"] == "onnx"
    # the index's vectors are the ONNX export's, bit for bit (sentence-transformers' differ by ~1e-7):
    # a query encodes a skill name exactly as the index did
    model = load_index(tmp_path / "index")
    labels = [skill.label for skill in model.vocabulary_][:20]
    again = model.encoder.encode(labels)  # the index's own OnnxEncoder
    stored = model.skill_embeddings_[: len(labels)]
    assert np.array_equal(again, stored)
    # and sentence-transformers agrees (the export is checked against it)
    reference = unwrap_encoder(load_encoder("default"))
    assert np.sum(reference.encode(labels) * stored, axis=1).min() >= 0.9999


def test_the_query_path_imports_neither_torch_nor_sklearn(tiny_model: Recommender, tmp_path: Path) -> None:
    import subprocess
    import sys

    save_index(tiny_model, tmp_path / "index")
    code = (
        "import sys\nfrom recommender.cli import app\nfrom recommender import open_index\n"
        f"open_index({str(tmp_path / 'index')!r}).recommend('SQL and Python dashboards', k=2)\n"
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'sklearn', 'transformers') if m in sys.modules))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


@pytest.mark.real_model
def test_onnx_export_runs_dense_layers_after_pooling(tmp_path: Path) -> None:
    """A trained encoder (base + residual Dense + Normalize, as `recommender train` writes it, saved
    with sentence-transformers' current module names) exports too, and gives the same vectors."""
    import torch
    from sentence_transformers import SentenceTransformer

    from recommender.encoders.onnx import OnnxEncoder, export_onnx
    from recommender.encoders.sentence import default_model_path
    from recommender.training.adapter import adapter_layer

    torch.manual_seed(0)
    base = SentenceTransformer(str(default_model_path()), device="cpu")
    layer = adapter_layer(384)
    with torch.no_grad():
        layer.linear.weight.normal_(0, 0.05)
        layer.linear.bias.normal_(0, 0.05)
    from sentence_transformers.sentence_transformer.modules import Normalize

    SentenceTransformer(modules=[*base, layer, Normalize()], device="cpu").save(str(tmp_path / "trained"))
    reference = load_encoder(str(tmp_path / "trained"))
    folder = export_onnx(reference.load(), reference.model_path, tmp_path / "onnx", reference.fingerprint())  # type: ignore[attr-defined]
    assert folder is not None and list(folder.glob("dense-*.npz"))
    sentences = [*QUERIES, "SQL", "x " * 400]
    got, want = OnnxEncoder(folder, spec="trained").encode(sentences), reference.encode(sentences)
    assert np.sum(got * want, axis=1).min() >= 0.9999
    assert np.sum(want * load_encoder("default").encode(sentences), axis=1).min() < 0.999  # the layer matters
