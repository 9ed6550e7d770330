"""Readers for labelled skill-extraction sets (TECH / HOUSE annotation files, plain text,labels)."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import InvalidInputError

NO_SKILL_LABELS = frozenset({"LABEL NOT PRESENT", "UNDERSPECIFIED"})


@dataclass(frozen=True)
class LabelledText:
    """A text and the preferred labels of the skills it mentions (possibly none)."""

    text: str
    labels: tuple[str, ...]


def read_annotations(path: str | Path) -> list[LabelledText]:
    """Read ``sentence,span,sub_span,label`` rows (one per label) grouped by sentence, in file order.

    Rows labelled ``LABEL NOT PRESENT`` or ``UNDERSPECIFIED`` carry no skill; their sentence is
    kept with whatever real labels it has (maybe none). Also reads ``text,labels`` CSV/JSONL files
    where ``labels`` is a ``|``-separated string or a JSON list.
    """
    path = Path(path)
    if not path.is_file():
        raise InvalidInputError(f"benchmark file not found: {path}")
    if path.suffix.lower() in {".jsonl", ".ndjson"}:
        items = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                try:
                    row = json.loads(line)
                    items.append(LabelledText(row["text"], tuple(row.get("labels") or ())))
                except (ValueError, KeyError, TypeError) as exc:
                    raise InvalidInputError(f"{path}, line {number}: expected {{text, labels}} ({exc})") from exc
        return items
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        if {"sentence", "label"} <= set(columns):
            grouped: dict[str, list[str]] = {}
            for row in reader:
                labels = grouped.setdefault(row["sentence"], [])
                label = (row["label"] or "").strip()
                if label and label not in NO_SKILL_LABELS and label not in labels:
                    labels.append(label)
            return [LabelledText(text, tuple(labels)) for text, labels in grouped.items()]
        if {"text", "labels"} <= set(columns):
            return [
                LabelledText(row["text"], tuple(x.strip() for x in (row["labels"] or "").split("|") if x.strip()))
                for row in reader
            ]
    raise InvalidInputError(f"{path}: expected columns sentence,label or text,labels; found {', '.join(columns)}")
