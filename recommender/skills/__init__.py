"""Skills: text → the vocabulary's skills with evidence, and role profiles from text, titles and occupations.

- ``segment``: ``split_segments`` — lines, sentences, list items and clauses.
- ``neighbors``: ``CosineNeighbors``, ``cosine_index`` — exact cosine neighbours (scikit-learn or numpy).
- ``lexical``: ``FormMatcher`` (labels and aliases named word for word), ``CharNgramIndex``.
- ``extractor``: ``SkillExtractor`` — segments → skills above a threshold, with evidence; ``SegmentMatch``.
- ``ranker``: ``SkillRanker`` — every skill ranked for a text (dense + exact + character n-grams).
- ``occupations``: ESCO occupations (``load_occupations``, ``OccupationIndex``, ``Occupation``).
- ``roles``: ``RoleBlender``, ``BlendSettings`` — a job ad's skills blended with its nearest occupations'.
- ``results``: ``Evidence``, ``SkillMatch``, ``RoleSkill``, ``Role`` and the ``Serialisable`` base.
"""
