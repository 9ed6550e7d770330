"""The default encoder without torch: an ONNX export run with onnxruntime and tokenizers.

``export_onnx`` (index time; needs torch and the ``onnx`` package) writes the transformer of a
sentence-transformers model to ``model.onnx`` beside its ``tokenizer.json`` and an
``onnx.json`` that records how sentence-transformers pools and normalises (read from the model's
``modules.json``, ``1_Pooling/config.json`` and ``sentence_bert_config.json``). ``OnnxEncoder``
(query time) imports only onnxruntime, tokenizers and numpy — about 0.2 s instead of the
10 s ``import sentence_transformers`` takes — and gives the same vectors (cosine ≥ 0.9999, tested
on real sentences). Modules after pooling (Normalize, and Dense layers such as the one
``recommender train`` adds) run in numpy from weights saved beside the model. Other pipelines are
not exported; their indexes answer queries through sentence-transformers.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import shutil
import uuid
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ArtifactError, DependencyError

logger = logging.getLogger(__name__)

CONFIG = "onnx.json"
MODEL = "model.onnx"
MODEL_INT8 = "model.int8.onnx"  # the same model with int8 weights (``quantize``): about 2x faster on a CPU
PRECISION_ENV = "RECOMMENDER_ENCODER_PRECISION"  # "int8" encodes queries with MODEL_INT8 when the index has it
TOKENIZER = "tokenizer.json"
# Module kinds by class name (sentence-transformers 2–5 name them ``sentence_transformers.models.X``,
# 6.x ``sentence_transformers.base.modules.x.X``): a Transformer, a Pooling, then any Normalize / Dense.
_AFTER_POOLING = {"Normalize", "Dense"}
_ACTIVATIONS = {"Tanh": np.tanh, "Identity": lambda x: x}
THREADS_ENV = "RECOMMENDER_ONNX_THREADS"  # default: one per core
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_POOLING = {"pooling_mode_mean_tokens": "mean", "pooling_mode_cls_token": "cls", "pooling_mode_max_tokens": "max"}


def runtime_available() -> bool:
    """True when onnxruntime and tokenizers can be imported (the query-time needs)."""
    import importlib.util

    return all(importlib.util.find_spec(name) is not None for name in ("onnxruntime", "tokenizers"))


def _kind(module: dict[str, Any]) -> str:
    return str(module["type"]).rsplit(".", 1)[-1]


def pooling_of(model_path: Path) -> dict[str, Any] | None:
    """How the model pools and what follows (normalise, dense layers), or None when the pipeline cannot
    be exported: it must be Transformer → Pooling (one mode) → any Normalize / Dense (tanh or identity)."""
    modules_file = model_path / "modules.json"
    if not modules_file.exists() or not (model_path / TOKENIZER).exists():
        return None
    modules = json.loads(modules_file.read_text(encoding="utf-8"))
    kinds = [_kind(m) for m in modules]
    if kinds[:2] != ["Transformer", "Pooling"] or set(kinds[2:]) - _AFTER_POOLING:
        return None
    pooling = json.loads((model_path / modules[1]["path"] / "config.json").read_text(encoding="utf-8"))
    if isinstance(pooling.get("pooling_mode"), str):  # sentence-transformers 6: one named mode
        modes = [pooling["pooling_mode"]] if pooling["pooling_mode"] in _POOLING.values() else []
    else:
        modes = [mode for key, mode in _POOLING.items() if pooling.get(key)]
        if any(v for k, v in pooling.items() if k.startswith("pooling_mode") and k not in _POOLING):
            return None
    if len(modes) != 1:
        return None
    post: list[dict[str, Any]] = []
    for module, kind in zip(modules[2:], kinds[2:], strict=True):
        if kind == "Normalize":
            post.append({"op": "normalize"})
            continue
        dense = json.loads((model_path / module["path"] / "config.json").read_text(encoding="utf-8"))
        activation = str(dense.get("activation_function", "torch.nn.modules.activation.Tanh")).rsplit(".", 1)[-1]
        if activation not in _ACTIVATIONS or dense.get("module_input_name", "sentence_embedding") != (
            "sentence_embedding"
        ):
            return None
        post.append({"op": "dense", "file": f"dense-{module['idx']}.npz", "activation": activation,
                     "residual": bool(dense.get("use_residual", False))})  # fmt: skip
    bert_config_file = model_path / "sentence_bert_config.json"
    bert_config = json.loads(bert_config_file.read_text(encoding="utf-8")) if bert_config_file.exists() else {}
    return {
        "pooling": modes[0],
        "post": post,
        "normalize": bool(post) and post[-1]["op"] == "normalize",  # what indexes before "post" read
        "do_lower_case": bool(bert_config.get("do_lower_case", False)),
    }


def export_onnx(st_model: Any, model_path: Path, out: Path, fingerprint: str) -> Path | None:
    """Export a loaded SentenceTransformer's transformer into ``out``; None if it cannot be exported."""
    pooling = pooling_of(model_path)
    if pooling is None:
        logger.info("%s is not a plain Transformer → Pooling model: no ONNX export", model_path)
        return None
    try:
        import onnx  # noqa: F401 - torch.onnx needs it
        import torch
    except ImportError:
        logger.warning("the onnx package is missing: queries will load sentence-transformers (pip install onnx)")
        return None
    transformer = st_model[0]
    auto_model = transformer.auto_model.eval()
    accepted = transformer.tokenizer.model_input_names
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in accepted]

    class _Hidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = auto_model

        def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
            return self.model(**dict(zip(names, inputs, strict=True))).last_hidden_state

    sample = transformer.tokenizer(["an example sentence", "two"], padding=True, return_tensors="pt")
    temporary = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}")
    temporary.mkdir(parents=True)
    try:
        dynamic = {name: {0: "batch", 1: "tokens"} for name in [*names, "last_hidden_state"]}
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer chatter about shapes that are dynamic axes here
            torch.onnx.export(
                _Hidden(), tuple(sample[n] for n in names), str(temporary / MODEL), input_names=names,
                output_names=["last_hidden_state"], dynamic_axes=dynamic, opset_version=17, dynamo=False,
            )  # fmt: skip
        shutil.copyfile(model_path / TOKENIZER, temporary / TOKENIZER)
        for step in pooling["post"]:
            if step["op"] == "dense":  # its weights, read from the loaded module (no torch at query time)
                module = st_model[int(step["file"].split("-")[1].split(".")[0])]
                arrays = {"weight": module.linear.weight.detach().cpu().numpy().astype(np.float32)}
                if module.linear.bias is not None:
                    arrays["bias"] = module.linear.bias.detach().cpu().numpy().astype(np.float32)
                if step["residual"] and hasattr(module, "residual"):
                    arrays["residual_weight"] = module.residual.weight.detach().cpu().numpy().astype(np.float32)
                np.savez(temporary / step["file"], **arrays)
        config = {
            **pooling,
            "inputs": names,
            "max_seq_length": int(st_model.get_max_seq_length() or 512),
            "pad_token": transformer.tokenizer.pad_token or "[PAD]",
            "dim": int(getattr(st_model, "get_embedding_dimension", st_model.get_sentence_embedding_dimension)()),
            "source_fingerprint": fingerprint,
        }
        (temporary / CONFIG).write_text(json.dumps(config, indent=2), encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        os.replace(temporary, out)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return out


def quantize(folder: Path) -> Path | None:
    """Write ``MODEL_INT8`` beside an export's ``MODEL`` (once): onnxruntime's dynamic quantisation, int8
    weights per output channel (per-tensor scales lost too much: segment cosine to the float model 0.96 on
    average against 0.992 per channel). None when it cannot be made (onnxruntime's quantisation needs onnx)."""
    target = folder / MODEL_INT8
    if target.exists():
        return target
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic  # type: ignore[import-untyped]
    except ImportError:
        logger.info("onnxruntime.quantization or onnx is missing: no int8 encoder")
        return None
    temporary = folder / f".{MODEL_INT8}.{uuid.uuid4().hex[:8]}"
    try:
        # onnxruntime's quantiser logs advice on the root logger ("consider pre-processing"): not for users.
        logging.disable(logging.WARNING)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                quantize_dynamic(str(folder / MODEL), str(temporary), per_channel=True, weight_type=QuantType.QInt8)
        finally:
            logging.disable(logging.NOTSET)
        os.replace(temporary, target)
    except Exception as exc:  # an optimisation: never fail indexing for it
        temporary.unlink(missing_ok=True)
        logger.warning("int8 quantisation failed (%s): queries encode with the float model", exc)
        return None
    return target


class OnnxEncoder:
    """Encode with an ``export_onnx`` folder: onnxruntime for the transformer, numpy for pooling.

    ``precision``: ``"int8"`` runs the folder's ``MODEL_INT8`` (``quantize``) when it has one, else the float
    model (default: ``$RECOMMENDER_ENCODER_PRECISION``, else ``"float32"``). Its vectors differ slightly
    (cosine 0.99 to the float model's on real segments): judged quality is in docs/performance.md.
    """

    def __init__(
        self,
        folder: str | Path,
        *,
        spec: str,
        token_budget: int = 256,
        max_batch: int = 64,
        threads: int | None = None,
        precision: str | None = None,
    ) -> None:
        self.folder = Path(folder)
        try:
            self.config: dict[str, Any] = json.loads((self.folder / CONFIG).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ArtifactError(f"no usable ONNX encoder in {self.folder} ({exc}); rebuild the index") from exc
        self._spec = spec
        self.token_budget = token_budget
        self.max_batch = max_batch
        self.threads = threads
        self._session: Any = None
        self._tokenizer: Any = None
        self._pad_id = 0
        wanted = (precision or os.environ.get(PRECISION_ENV) or "float32").strip().lower()
        self.precision = "int8" if wanted == "int8" and (self.folder / MODEL_INT8).exists() else "float32"

    @property
    def spec(self) -> str:
        return self._spec

    @property
    def dim(self) -> int:
        return int(self.config["dim"])

    def fingerprint(self) -> str:
        """The fingerprint of the model it was exported from: its vectors are that model's."""
        return str(self.config["source_fingerprint"])

    def _load(self) -> tuple[Any, Any]:
        if self._session is None:
            try:
                import onnxruntime  # type: ignore[import-untyped]
                from tokenizers import Tokenizer
            except ImportError as exc:
                raise DependencyError("the ONNX encoder needs `pip install onnxruntime tokenizers`") from exc
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = self.threads or int(os.environ.get(THREADS_ENV) or 0)
            # Idle worker threads sleep instead of spinning: on a shared machine spinning halves throughput.
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            options.log_severity_level = 3
            model = MODEL_INT8 if self.precision == "int8" else MODEL
            self._session = onnxruntime.InferenceSession(
                str(self.folder / model), options, providers=["CPUExecutionProvider"]
            )
            tokenizer = Tokenizer.from_file(str(self.folder / TOKENIZER))
            tokenizer.enable_truncation(int(self.config["max_seq_length"]))
            tokenizer.no_padding()
            self._pad_id = tokenizer.token_to_id(self.config.get("pad_token", "[PAD]")) or 0
            self._tokenizer = tokenizer
        return self._session, self._tokenizer

    def _run(self, encodings: list[Any]) -> np.ndarray:
        """Pooled vectors for tokenised texts of similar length (padded here, to the longest)."""
        session = self._session
        width = max(len(e.ids) for e in encodings)
        columns = {name: np.zeros((len(encodings), width), dtype=np.int64) for name in _INPUTS}
        columns["input_ids"][:] = self._pad_id
        for row, encoding in enumerate(encodings):
            n = len(encoding.ids)
            columns["input_ids"][row, :n] = encoding.ids
            columns["attention_mask"][row, :n] = encoding.attention_mask
            columns["token_type_ids"][row, :n] = encoding.type_ids
        hidden = session.run(None, {name: columns[name] for name in self.config["inputs"]})[0]
        mask = columns["attention_mask"].astype(np.float32)[:, :, None]
        pooling = self.config["pooling"]
        if pooling == "cls":
            vectors = hidden[:, 0]
        elif pooling == "max":
            vectors = np.where(mask > 0, hidden, -1e9).max(axis=1)
        else:
            vectors = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        for step in self._post:
            if step["op"] == "normalize":
                vectors = vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
            else:
                out = _ACTIVATIONS[step["activation"]](vectors @ step["weight"].T + step.get("bias", 0.0))
                if step["residual"]:
                    out = out + (vectors @ step["residual_weight"].T if "residual_weight" in step else vectors)
                vectors = out
        return np.asarray(vectors, dtype=np.float32)

    @functools.cached_property
    def _post(self) -> list[dict[str, Any]]:
        """The steps after pooling, dense weights loaded (indexes made before "post": normalise or not)."""
        steps = self.config.get("post")
        if steps is None:
            return [{"op": "normalize"}] if self.config["normalize"] else []
        loaded = []
        for step in steps:
            if step["op"] == "dense":
                with np.load(self.folder / step["file"], allow_pickle=False) as arrays:
                    step = {**step, **{name: arrays[name] for name in arrays.files}}
            loaded.append(step)
        return loaded

    def encode(self, texts: Sequence[str], *, batch_size: int | None = None, progress: bool = False) -> np.ndarray:
        """Unit vectors for ``texts``.

        Texts are tokenised once, sorted by length and run in batches of at most
        ``token_budget`` padded tokens: on a CPU the cost is the padded token count, so batches of
        similar lengths waste little (``batch_size`` is accepted for the protocol and ignored).
        """
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        _, tokenizer = self._load()
        texts = [t.lower() for t in texts] if self.config.get("do_lower_case") else list(texts)
        encodings = tokenizer.encode_batch(texts)
        order = np.argsort([-len(e.ids) for e in encodings], kind="stable")
        result = np.empty((len(texts), self.dim), dtype=np.float32)
        start = 0
        while start < len(order):
            width = len(encodings[order[start]].ids)
            stop = min(len(order), start + max(1, min(self.max_batch, self.token_budget // width)))
            rows = order[start:stop]
            result[rows] = self._run([encodings[i] for i in rows])
            start = stop
        return result
