"""Training: domain-adapt the encoder to ESCO skills on pairs built from the shared data.

- ``pairs``: (anchor text → ESCO skill) pairs from SkillSpan, postings, ESCO and course catalogs
  (``build_pairs``, ``Pair``).
- ``common``: what both modes share (``TrainConfig``, ``TrainResult``, ``ValidationSet``,
  ``validation_scores``, ``save_model``).
- ``adapter``: a residual layer on the frozen encoder (``train_adapter``, minutes).
- ``full``: every weight fine-tuned with hard negatives (``train_full``, hours).
- ``train``: the whole run — pairs, training, best checkpoint, calibration, model card
  (``train_from_data``, ``train_encoder``, ``config_for``).
"""
