"""recommender: match job roles to micro-credentials through the skills both describe.

The package is the pipeline, one sub-package per stage, imports running down it only:
``inputs`` → ``formats`` → ``encoders`` → ``skills`` → ``matching`` → ``planning``, with ``store``
(index folders), ``evaluation`` and ``training`` beside them. ``api`` is the library's face (one
function per command) and ``cli`` the command line over it. Main entry points:
:class:`recommender.matching.engine.Recommender` and :mod:`recommender.api`.
"""

__version__ = "0.1.0"
