"""``python -m recommender.cli``: the same as the ``recommender`` command."""

from .app import app

app()
