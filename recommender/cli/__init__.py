"""The command line: parse options, call one ``recommender.api`` function, format the result.

One module per command group, each command a plain function registered on the app in ``app.py``:

- ``index``: ``index`` (build or replace an index);
- ``query``: ``query``, ``skills``, ``plan`` (one role in);
- ``score``: ``score`` (many postings: a JSON stream, or partition files on one process or Dask);
- ``export``: ``export`` (profiles as Open Badges alignments);
- ``evaluate``: the ``evaluate`` sub-app (skills, titles, roles, ranking);
- ``train``: ``train`` (domain-adapt the encoder);
- ``serve``: ``serve`` (the HTTP API and web page, recommender/service/);
- ``common``: the option types, error handler, consoles and input-text helpers they share.

Only this package imports typer. Public name: ``app`` (the ``recommender`` console script).
"""

from .app import app

__all__ = ["app"]
