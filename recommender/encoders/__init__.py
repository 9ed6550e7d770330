"""Encoders: texts → unit vectors, behind one ``Encoder`` protocol, with the fast query-time forms.

- ``base``: ``Encoder`` (protocol), ``normalize_rows``, ``weights_fingerprint``, ``encode_grouped``.
- ``sentence``: ``SentenceTransformerEncoder`` (the default all-MiniLM-L6-v2, or any local model folder),
  ``default_model_path``.
- ``hashing``: ``HashingEncoder`` — deterministic character n-grams, no model (tests, speed).
- ``onnx``: ``OnnxEncoder``, ``export_onnx`` — the same vectors without torch (the query path).
- ``static``: ``StaticEncoder`` — a model2vec model distilled from the default (``--encoder static``).
- ``parallel``: ``ParallelEncoder``, ``encode_chunk`` — large batches encoded in joblib workers (local
  processes, or Dask's through joblib's dask backend).
- ``cache``: ``CachedEncoder``, ``ShardStore``, ``neighbour_store`` — embeddings and nearest forms on disk.
- ``backends``: which encoder an index stores for its queries, and opening it (``query_encoder_files``,
  ``runtime_encoder``).
- ``trained``: the ESCO default encoder and the settings calibrated for it (``default_encoder_for``,
  ``calibrated_settings``, ``ranker_weights``).
- ``load``: ``load_encoder`` — the encoder a spec string names.
"""
