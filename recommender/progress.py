"""Progress on stderr: labelled stages drawn by rich, and nothing at all unless stderr is a terminal.

The one progress system of the package. The library shows progress only when its caller asks
(``progress=True``; the CLI asks unless ``--quiet``) and then only on a terminal, so a log file or a
pipe never fills with bars and carriage returns. Each step is a :func:`stage` with a label a person
can read ("encoding 1,234 catalog segments"); stages opened inside another share its display.
Encoders draw their own bar (``encoders/base.encode_in_chunks``); what they encode is named by the
code that knows it, with :func:`naming`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_display: ContextVar[Any] = ContextVar("recommender_progress_display", default=None)
_noun: ContextVar[str] = ContextVar("recommender_progress_noun", default="texts")


def terminal() -> bool:
    """Whether stderr is a terminal a person watches (rich's test: honours FORCE_COLOR / TTY_COMPATIBLE)."""
    from rich.console import Console

    return sys.stderr is not None and Console(stderr=True).is_terminal


def showing(progress: bool) -> bool:
    """Whether to draw progress: asked for, and stderr is a terminal."""
    return bool(progress) and terminal()


def _new_display() -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(
        SpinnerColumn(finished_text="[green]✓[/green]"),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[extra]}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    )


@contextmanager
def stage(label: str, total: int | None = None, *, show: bool = True) -> Iterator[Callable[..., None]]:
    """A labelled step on stderr: a bar when ``total`` is known, a spinner otherwise.

    Yields ``advance(n=1, *, total=None, extra=None, completed=None)``: ``total`` sets or changes the
    size once known, ``extra`` a short text shown after the count (a loss, a rate), ``completed`` the
    count itself. Draws nothing when ``show`` is false or stderr is not a terminal; a stage inside
    another adds a line to its display.
    """
    if not (show and terminal()):
        yield _nothing
        return
    display = _display.get()
    owner = display is None
    if owner:
        display = _new_display()
        display.start()
    token = _display.set(display)
    task = display.add_task(label, total=total, extra="")

    def advance(
        n: int = 1, *, total: int | None = None, extra: str | None = None, completed: int | None = None
    ) -> None:
        changes: dict[str, Any] = {"advance": n} if completed is None else {"completed": completed}
        if total is not None:
            changes["total"] = total
        if extra is not None:
            changes["extra"] = extra
        display.update(task, **changes)

    try:
        yield advance
        current = next((t for t in display.tasks if t.id == task), None)
        if current is not None and current.total is None:
            display.update(task, total=max(current.completed, 1), completed=max(current.completed, 1))
        elif current is not None:
            display.update(task, completed=current.total)
    finally:
        _display.reset(token)
        if owner:
            display.stop()


def _nothing(*args: Any, **kwargs: Any) -> None:
    """``advance`` when nothing is drawn."""


@contextmanager
def naming(noun: str) -> Iterator[None]:
    """Within the block, encoders label their bar "encoding N ``noun``" (default: "texts")."""
    token = _noun.set(noun)
    try:
        yield
    finally:
        _noun.reset(token)


def noun() -> str:
    """What the encoding in progress encodes (:func:`naming`)."""
    return _noun.get()
