"""Inputs: read the files the engine works on into typed, validated objects, accounting for every row.

- ``tabular``: stream records from CSV/TSV, JSON Lines or JSON; column mappings (``--map``).
  ``Record``, ``read_records``, ``peek_columns``, ``parse_mapping``, ``resolve_mapping``, ``apply_mapping``.
- ``fields``: raw cell values → typed values. ``parse_text``, ``parse_skill_list``, ``parse_hours``,
  ``parse_cost``, ``parse_id_list``, ``truncate_text``, ``is_missing``.
- ``catalog``: credential rows → a ``Catalog`` with a ``LoadReport``. ``Credential``, ``Catalog``,
  ``LoadReport``, ``SkippedRow``, ``DuplicateId``, ``catalog_from_records``, ``CATALOG_FIELDS``, ``SKILL_SOURCES``.
- ``postings``: job postings for batch scoring. ``Posting``, ``PostingError``, ``iter_postings``,
  ``postings_from_records``.
- ``taxonomy``: skill vocabularies (ESCO export, generic file, a catalog's own skills). ``Skill``,
  ``Vocabulary``, ``load_taxonomy``, ``vocabulary_from_catalog``, ``normalize_label``.
- ``datasets``: the shared real-data folder (``shared_data_root``, ``$RECOMMENDER_SHARED_DATA``) and its
  known files with their column mappings (``EDX``, ``COURSERA_2024``, ``COURSERA_CERTS``, ``WUZZUF``, ...).

Opening a catalog file of any kind (plain rows or a credential standard) is ``formats.readers.load_catalog``.
"""
