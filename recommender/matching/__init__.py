"""Matching: a role × the catalog's credentials → ranked credentials, each explained by its skills.

- ``profiles``: credential skill profiles (declared + found in the text) and document embeddings
  (``build_profiles``, ``Profiles``).
- ``coverage``: soft weighted coverage of a role's skills by each credential (``CoverageIndex``,
  ``coverage_by_credential``, ``rank_order``).
- ``filters``: hard constraints — hours, cost, level, language (``Filters``).
- ``documents``: TF-IDF of the role's text against each credential's (``LexicalIndex``).
- ``scoring``: coverage, TF-IDF and document cosine weighed into one score (``combine``, ``RankingEvidence``).
- ``settings``: ``Settings``, the matching and ranking knobs an index records.
- ``role_builder``: a text, title or skill list → the role's skills and vectors (``RoleBuilder`` with its
  ``build``, ``RoleVectors``, ``role_document``); a fitted ``Recommender`` holds one as ``role_builder_``.
- ``engine``: ``Recommender`` (``fit``, ``skills``, ``role``, ``recommend``, ``evidence``, ``profile``,
  ``position``, ``check_k``, ``attach_occupations``).
- ``results``: ``QueryResult``, ``Recommendation``, ``MatchedSkill``, ``MissingSkill``, ``ProfileSkill``.
- ``batch``: many postings, each distinct segment encoded once, streamed (``score_postings``).
- ``render``: results as tables for people (``print_query_result``, ``print_skills``).
"""
