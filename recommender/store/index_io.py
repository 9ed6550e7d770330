"""An index on disk: ``save_index`` writes a fitted ``Recommender``, ``load_index`` reads it back.

Arrays (``.npy``) and JSON documents beside a manifest (library versions, encoder spec and
fingerprint, settings, counts, input hashes, file checksums), written atomically by
``artifacts.write_index`` and verified on load; the query-time encoder (ONNX export or static model)
is copied in under ``encoder/``.

Query-time tables that would otherwise be rebuilt at every load are saved too (listed under
``query_tables`` in the manifest): the normalised form embeddings the numpy neighbour index reads
(``form_units``, memory-mapped; omitted when normalising changes no bit of ``form_embeddings``),
the exact-form matcher's lookup tables (``form_matcher``) and the vocabulary's normalised-name
lookup (``form_names``). An index without them still loads, rebuilding them as before. A catalog of
``ann.MIN_ROWS`` credentials or more also gets the candidate stage's HNSW graph over its document vectors
(``document_graph``, when faiss is installed; ``matching/candidates.py``), read on first use.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from ..encoders.backends import query_encoder_files, runtime_encoder
from ..encoders.base import Encoder
from ..encoders.load import load_encoder
from ..errors import ArtifactError
from ..inputs.catalog import Credential
from ..inputs.skill_structure import SkillStructure
from ..inputs.taxonomy import Skill, Vocabulary
from ..matching.candidates import CandidateStage
from ..matching.documents import LexicalIndex
from ..matching.engine import Recommender
from ..matching.profiles import Profiles
from ..matching.settings import Settings
from ..skills import ann
from ..skills.extractor import SkillExtractor
from ..skills.lexical import FormMatcher
from ..skills.neighbors import unit_rows
from ..skills.roles import blend_artifacts, load_blender
from ..version import __version__
from .artifacts import load_array, load_document, read_manifest, resolve_version, verify_files, write_index

logger = logging.getLogger(__name__)

# What the "documents" array holds: each credential's whole text encoded as one. Indexes of earlier
# versions hold the mean of its segment embeddings instead, and are refused with a rebuild hint.
DOCUMENT_VECTORS = "whole-text"
# What a profile holds: since "teaching-v2", only what teaching sentences name (with each entry's mention,
# sentence role and evidence offsets), what prerequisites require, and the vectors the sense check reads.
PROFILE_FORMAT = "teaching-v2"


def save_index(model: Recommender, model_dir: str | Path, *, inputs: dict[str, Any] | None = None) -> Path:
    """Write ``model`` (fitted) atomically into ``model_dir``; ``inputs`` records data hashes and paths.

    Returns the new version folder (``MODEL_DIR/index-<stamp>``), which ``CURRENT`` now names.
    """
    model.check_fitted()
    encoder = model.role_builder_.encoder
    profiles = model.profiles_
    arrays = {
        "form_embeddings": model.extractor_.form_embeddings_,
        "form_skill": model.extractor_.form_skill_,
        "profile_indptr": profiles.matrix.indptr.astype(np.int64),
        "profile_indices": profiles.matrix.indices.astype(np.int32),
        "profile_weights": profiles.matrix.data.astype(np.float32),
        **{f"profile_{name}": getattr(profiles, name) for name in Profiles.ENTRY_ARRAYS},
        "requires_indptr": profiles.requires.indptr.astype(np.int64),
        "requires_indices": profiles.requires.indices.astype(np.int32),
        "requires_evidence": profiles.requires.data.astype(np.int32),
        "documents": profiles.documents,
        "evidence_embeddings": profiles.evidence_embeddings,
        "skill_descriptions": model.description_embeddings_,
        # Read whole at load: gathering the label rows from the memory-mapped forms cost 0.14 s of a cold query.
        "skill_embeddings": model.skill_embeddings_,
    }
    if not model.structure_.is_empty:
        arrays.update(model.structure_.arrays())
    documents = {
        "vocabulary": {"source": model.vocabulary_.source, "skills": [asdict(s) for s in model.vocabulary_.skills]},
        "credentials": [c.to_dict() for c in model.credentials_],
        "evidence": profiles.strings,
        "forms": model.extractor_.forms_,
    }
    if not model.structure_.is_empty:
        documents["structure"] = model.structure_.document()
    if model.lexical_ is not None:  # TF-IDF of the credentials' texts
        arrays.update(model.lexical_.arrays())
        documents["tfidf"] = model.lexical_.document()
    query_tables = _query_tables(model, arrays, documents)
    blender = model.role_builder_.blender
    if blender is not None:  # ESCO occupations, when attached
        occupation_arrays, occupation_documents = blend_artifacts(blender)
        arrays.update(occupation_arrays)
        documents.update(occupation_documents)
    # The encoder queries will use without torch (ONNX export or static model), in encoder/.
    runtime = query_encoder_files(encoder)
    encoder_entry: dict[str, Any] = {
        "spec": encoder.spec,
        "fingerprint": encoder.fingerprint(),
        "dim": int(profiles.documents.shape[1]),
    }
    if runtime is not None:
        encoder_entry["runtime"] = runtime[1]
    manifest = {
        "library_versions": _library_versions(),
        "encoder": encoder_entry,
        "settings": asdict(model.settings),
        "documents": DOCUMENT_VECTORS,
        "profiles": PROFILE_FORMAT,
        "counts": {
            "credentials": len(model.credentials_),
            "skills": len(model.vocabulary_),
            "surface_forms": len(model.extractor_.forms_),
            "profile_entries": int(profiles.matrix.nnz),
            "catalog_local_skills": sum(1 for s in model.vocabulary_.skills if s.id.startswith("local:")),
        },
        "inputs": inputs or {},
        "query_tables": query_tables,
    }
    folders = {runtime[1]["folder"]: runtime[0]} if runtime is not None else None
    return write_index(model_dir, arrays, documents, manifest, folders)


def _query_tables(model: Recommender, arrays: dict[str, Any], documents: dict[str, Any]) -> dict[str, str]:
    """Add what loading would otherwise rebuild to ``arrays`` / ``documents``; name the files it used."""
    extractor = model.extractor_
    units = unit_rows(extractor.form_embeddings_)
    same = units.dtype == extractor.form_embeddings_.dtype and np.array_equal(units, extractor.form_embeddings_)
    if not same:
        arrays["form_units"] = units
    documents["form_matcher"] = extractor.form_matcher().tables()
    documents["form_names"] = dict(model.vocabulary_.surface_form_tables()[2])
    tables = {"form_units": "form_embeddings" if same else "form_units", "form_matcher": "form_matcher",
              "form_names": "form_names"}  # fmt: skip
    stage = model.candidate_stage_
    if stage is None and len(model.credentials_) >= ann.MIN_ROWS and ann.available():
        logger.info("building an HNSW graph over %d credential documents", len(model.credentials_))
        stage = CandidateStage(ann.HnswNeighbors.build(unit_rows(model.profiles_.documents)))
    if stage is not None:
        arrays["document_graph"] = stage.graph.to_array()
        tables["document_graph"] = "document_graph"
    return tables


def load_extractor(
    version: Path, manifest: dict[str, Any], settings: Settings, vocabulary: Vocabulary, encoder: Encoder
) -> SkillExtractor:
    """An index version's fitted ``SkillExtractor``: from its saved query tables when its manifest lists
    them, else rebuilt from the vocabulary (an index written before they were saved; same answers)."""
    form_embeddings = load_array(version, "form_embeddings", mmap=True)
    tables = manifest.get("query_tables")
    if not tables:  # an index written before the tables were saved: rebuild them (slower, same answers)
        return settings.new_extractor().fit(vocabulary, encoder, form_embeddings=form_embeddings, reference=False)
    try:
        forms, positions = load_document(version, "forms"), load_array(version, "form_skill")
        names = _LazyMapping(functools.partial(load_document, version, tables["form_names"]))
        vocabulary.preload_surface_forms(forms, positions, names)
        matcher = FormMatcher.from_tables(load_document(version, tables["form_matcher"]))
        units = form_embeddings if tables["form_units"] == "form_embeddings" else None
        units = units if units is not None else load_array(version, tables["form_units"], mmap=True)
        return settings.new_extractor().fit(
            vocabulary, encoder, form_embeddings=form_embeddings, reference=False, unit_rows=units, matcher=matcher
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ArtifactError(f"index at {version} has unreadable query tables ({exc!r}); rebuild it") from exc


class _LazyMapping(Mapping[str, int]):
    """A saved JSON object read on first use: the name lookup serves skill lists, not text queries."""

    def __init__(self, read: Callable[[], dict[str, int]]) -> None:
        self._read = read
        self._data: dict[str, int] | None = None

    def _loaded(self) -> dict[str, int]:
        if self._data is None:
            self._data = self._read()
        return self._data

    def __getitem__(self, key: str) -> int:
        return self._loaded()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())


def load_index(model_dir: str | Path, *, encoder: Encoder | None = None) -> Recommender:
    """Load and verify an index written by ``save_index`` (``encoder`` replaces the one it names)."""
    version = resolve_version(model_dir)
    manifest = read_manifest(version)
    verify_files(version, manifest)
    try:
        settings = Settings(**manifest["settings"])
        encoder_meta = manifest["encoder"]
        vocab_doc = load_document(version, "vocabulary")
        vocabulary = Vocabulary(skills=tuple(_skill(s) for s in vocab_doc["skills"]), source=vocab_doc["source"])
        credentials = tuple(Credential.from_dict(d) for d in load_document(version, "credentials"))
    except (KeyError, TypeError) as exc:
        raise ArtifactError(f"index at {version} is incomplete ({exc!r}); rebuild it") from exc
    if manifest.get("documents") != DOCUMENT_VECTORS or manifest.get("profiles") != PROFILE_FORMAT:
        raise ArtifactError(
            f"the index at {version} was built by an earlier version of recommender (its skill profiles lack "
            "what each sentence teaches and the evidence offsets); rebuild it with `recommender index`"
        )
    encoder = encoder or runtime_encoder(version, encoder_meta) or load_encoder(encoder_meta["spec"])
    if encoder.fingerprint() != encoder_meta["fingerprint"]:
        raise ArtifactError(
            f"the encoder {encoder_meta['spec']!r} has changed since the index at {version} was built; "
            "rebuild the index with `recommender index`"
        )
    import scipy.sparse as sp

    matrix = sp.csr_matrix(
        (
            load_array(version, "profile_weights"),
            load_array(version, "profile_indices"),
            load_array(version, "profile_indptr"),
        ),
        shape=(len(credentials), len(vocabulary)),
    )
    shape = (len(credentials), len(vocabulary))
    requires = sp.csr_matrix(
        (
            load_array(version, "requires_evidence"),
            load_array(version, "requires_indices"),
            load_array(version, "requires_indptr"),
        ),
        shape=shape,
    )
    profiles = Profiles(
        matrix=matrix,
        strings=load_document(version, "evidence"),
        documents=load_array(version, "documents", mmap=True),
        evidence_embeddings=load_array(version, "evidence_embeddings", mmap=True),
        requires=requires,
        **{name: load_array(version, f"profile_{name}") for name in Profiles.ENTRY_ARRAYS},
    )
    structure = None
    if "structure.json" in manifest.get("files", {}):
        structure = SkillStructure.from_arrays(
            len(vocabulary), {name: load_array(version, name) for name in SkillStructure.ARRAYS},
            load_document(version, "structure"),
        )  # fmt: skip
    descriptions = load_array(version, "skill_descriptions", mmap=True)
    # Indexes made before skill embeddings were saved compute them from the forms (set_state).
    skill_embeddings = load_array(version, "skill_embeddings") if "skill_embeddings.npy" in manifest.get("files", {}) else None
    extractor = load_extractor(version, manifest, settings, vocabulary, encoder)
    blender = None
    if "occupations.json" in manifest.get("files", {}):
        read_array = functools.partial(load_array, version, mmap=True)
        blender = load_blender(read_array, functools.partial(load_document, version), vocabulary)
    lexical = None
    if "tfidf.json" in manifest.get("files", {}):
        arrays = {name: load_array(version, name, mmap=True) for name in LexicalIndex.ARRAYS}
        lexical = LexicalIndex.from_saved(arrays, load_document(version, "tfidf"))
    stage = None
    tables = manifest.get("query_tables") or {}
    if "document_graph" in tables and ann.available():  # a large catalog's candidate stage (read on first use)
        stage = CandidateStage(lambda: ann.HnswNeighbors.from_array(load_array(version, tables["document_graph"])))
    model = Recommender(encoder, settings)
    model.set_state(
        encoder, extractor, credentials, profiles, blender=blender, lexical=lexical, reference=False, path=version,
        manifest=manifest, structure=structure, descriptions=descriptions, skill_embeddings=skill_embeddings,
        candidate_stage=stage,
    )  # fmt: skip
    return model


def _skill(saved: dict[str, Any]) -> Skill:
    """A vocabulary skill from its saved record (positional: 13,896 ESCO skills, 2x faster than keywords)."""
    return Skill(
        saved["id"],
        saved["label"],
        tuple(saved["aliases"]),
        saved.get("description", ""),
        saved.get("type", ""),
        saved.get("reuse_level", ""),
    )


def _library_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    versions = {"recommender": __version__}
    for package in ("numpy", "scipy", "scikit-learn", "sentence-transformers", "torch"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = "not installed"
    return versions
