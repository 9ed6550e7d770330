"""The library's version: recorded in every index manifest, shown by ``recommender --version``."""

__version__ = "0.1.0"
