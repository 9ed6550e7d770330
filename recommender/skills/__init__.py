"""Skills: text → the vocabulary's skills with evidence, and role profiles from text, titles and occupations.

- ``segment``: ``split_segments`` — lines, sentences, list items and clauses.
- ``neighbors``: ``CosineNeighbors``, ``cosine_index``, ``unit_rows`` — exact cosine neighbours (scikit-learn or
  numpy; the numpy index can take its normalised rows saved at index time).
- ``lexical``: ``FormMatcher`` (labels and aliases named word for word; its tables saved with an index),
  ``CharNgramIndex``.
- ``extractor``: ``SkillExtractor`` — segments → skills above a threshold, with evidence; ``SegmentMatch``.
- ``ranker``: ``SkillRanker`` — every skill ranked for a text (dense + exact + character n-grams).
- ``occupations``: ESCO occupations (``load_occupations``, ``OccupationIndex``, ``Occupation``).
- ``roles``: ``RoleBlender``, ``BlendSettings`` — a job ad's skills blended with its nearest occupations'.
- ``results``: ``Evidence``, ``SkillMatch``, ``RoleSkill``, ``Role`` and the ``Serialisable`` base.
"""
