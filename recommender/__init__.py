"""recommender: match job roles to micro-credentials through the skills both describe.

The public face, in a few names::

    from recommender import open_index, build_index, IndexOptions, Filters

    model = open_index("models/edx")                    # a Recommender
    result = model.recommend("We need a data engineer ...", have="SQL, Excel", k=10)
    result.to_dict()                                     # QueryResult → plain JSON

``open_index`` / ``build_index`` / ``IndexOptions`` (an index folder, ``recommender.store``), the engine
``Recommender`` and its ``Settings``, ``Filters`` and ``Budget``, and the typed results every call
returns (``QueryResult``, ``Recommendation``, ``SkillMatch``, ``Role``, ``PlanResult``, ``IndexSummary``,
``RunTotals``, ``Evaluation``, ...) and errors. :mod:`recommender.api` holds one function per command.

Names are imported on first use (PEP 562), so ``import recommender`` and a cold query stay cheap: nothing
here imports torch, sentence-transformers or scikit-learn. The package is the pipeline, one
sub-package per stage (``inputs`` → ``encoders`` → ``skills`` → ``matching`` → ``planning``, with
``formats``, ``store``, ``evaluation``, ``training``, ``scale`` and ``service`` beside them), imports
running down it only (tests/test_layout.py); docs/engine.md draws the map.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .version import __version__

# Public name → the module that defines it.
_EXPORTS = {
    "Recommender": "recommender.matching.engine",
    "Settings": "recommender.matching.settings",
    "Filters": "recommender.matching.filters",
    "Budget": "recommender.planning.results",
    "open_index": "recommender.store.live",
    "build_index": "recommender.store.build",
    "IndexOptions": "recommender.store.build",
    "IndexSummary": "recommender.store.build",
    # results
    "QueryResult": "recommender.matching.results",
    "Recommendation": "recommender.matching.results",
    "MatchedSkill": "recommender.matching.results",
    "MissingSkill": "recommender.matching.results",
    "ProfileSkill": "recommender.matching.results",
    "SkillMatch": "recommender.skills.results",
    "Role": "recommender.skills.results",
    "RoleSkill": "recommender.skills.results",
    "Evidence": "recommender.skills.results",
    "PlanResult": "recommender.planning.results",
    "PlanStep": "recommender.planning.results",
    "ScoreSummary": "recommender.matching.batch",
    "RunTotals": "recommender.scale.manifest",
    "Evaluation": "recommender.evaluation.evaluate",
    "TrainedEncoder": "recommender.training.common",
    "AlignmentExport": "recommender.formats.export",
    # errors
    "RecommenderError": "recommender.errors",
    "InvalidInputError": "recommender.errors",
    "ArtifactError": "recommender.errors",
    "NotFittedError": "recommender.errors",
    "DependencyError": "recommender.errors",
    "MissingExtraError": "recommender.errors",
    "DiskFullError": "recommender.errors",
}

__all__ = [
    "AlignmentExport",
    "ArtifactError",
    "Budget",
    "DependencyError",
    "DiskFullError",
    "Evaluation",
    "Evidence",
    "Filters",
    "IndexOptions",
    "IndexSummary",
    "InvalidInputError",
    "MatchedSkill",
    "MissingExtraError",
    "MissingSkill",
    "NotFittedError",
    "PlanResult",
    "PlanStep",
    "ProfileSkill",
    "QueryResult",
    "Recommendation",
    "Recommender",
    "RecommenderError",
    "Role",
    "RoleSkill",
    "RunTotals",
    "ScoreSummary",
    "Settings",
    "SkillMatch",
    "TrainedEncoder",
    "__version__",
    "build_index",
    "open_index",
]

if TYPE_CHECKING:
    from .errors import (
        ArtifactError,
        DependencyError,
        DiskFullError,
        InvalidInputError,
        MissingExtraError,
        NotFittedError,
        RecommenderError,
    )
    from .evaluation.evaluate import Evaluation
    from .formats.export import AlignmentExport
    from .matching.batch import ScoreSummary
    from .matching.engine import Recommender
    from .matching.filters import Filters
    from .matching.results import MatchedSkill, MissingSkill, ProfileSkill, QueryResult, Recommendation
    from .matching.settings import Settings
    from .planning.results import Budget, PlanResult, PlanStep
    from .scale.manifest import RunTotals
    from .skills.results import Evidence, Role, RoleSkill, SkillMatch
    from .store.build import IndexOptions, IndexSummary, build_index
    from .store.live import open_index
    from .training.common import TrainedEncoder


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use (and keep it here)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'recommender' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
