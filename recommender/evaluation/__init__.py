"""Evaluation: the engine measured on labelled data, with the same code the engine runs.

- ``metrics``: pure ranking metrics (``rp_at_k``, ``mean_reciprocal_rank``, ``ndcg_at_k``, ``recall_at_k``,
  ``success_at_k``, ``mean_average_precision``).
- ``benchmarks``: readers for TECH/HOUSE-style annotation files (``read_annotations``, ``LabelledText``).
- ``evaluate``: sentences → skills, titles → occupations (``evaluate_skills``, ``evaluate_titles``,
  ``Evaluation``, ``resolve_encoder``, ``read_skill_benchmark``).
- ``roles``: job ads and occupation descriptions → role skills (``evaluate_roles``, ``prepare_roles``).
- ``ranking``: postings → ranked credentials against graded pairs (``evaluate_ranking``).
- ``calibration``: settings chosen on validation sets (``calibrate``, ``sweep``, ``tune_weights``).
"""
