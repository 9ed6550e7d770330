"""Formats: credential standards in and out, and the reader that opens any catalog file.

- ``readers``: ``load_catalog`` — a credential standard (detected or forced) or plain rows (CSV, JSONL, JSON).
- ``standards``: Open Badges 3.0, CTDL and European Learning Model documents → a ``Catalog``.
  ``load_standard_catalog``, ``detect_standard``, ``standard_name``.
- ``openbadges``, ``ctdl``, ``elm``: one standard each, records → catalog values (``looks_like``, ``read``).
- ``common``: JSON-LD values, language maps, ISO 8601 durations shared by the three (``Reading``).
- ``export``: an index's skill profiles out as Open Badges 3.0 alignments. ``export_alignments``,
  ``AlignmentExport``, ``alignment``.
"""
