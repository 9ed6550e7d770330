"""recommender: match job roles to micro-credentials through the skills both describe.

Main entry points: :class:`recommender.engine.Recommender` (fit / save / load / recommend /
skills) and the functions in :mod:`recommender.api` that the command line calls.
"""

__version__ = "0.1.0"
