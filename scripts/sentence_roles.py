"""How well sentence roles are read: the rules of recommender/skills/sentence_roles.py against sentences
labelled blind (data/judged/sentence_roles_labelled.jsonl: 690 sentences, 535 from edX course pages and
155 from Wuzzuf postings; rubric in data/judged/RUBRIC_sentence_roles.md).

    python scripts/sentence_roles.py            # both halves: even item ids (rules written against), odd (held out)

What matters for skills is the split a profile uses: does a course sentence teach (title, outcome, topic)
or not, does a posting sentence state what the job needs (duty, requirement) or not. Printed per half:
accuracy over the six roles, and precision / recall of "teaches" and "states".
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

from recommender.inputs.datasets import EDX, WUZZUF
from recommender.skills.segment import sentence_spans
from recommender.skills.sentence_roles import STATING, TEACHING, course_roles, posting_roles

LABELS = Path(__file__).resolve().parents[1] / "data" / "judged" / "sentence_roles_labelled.jsonl"


def main() -> None:
    with EDX.file().open(encoding="utf-8", newline="") as handle:
        courses = list(csv.DictReader(handle))
    with WUZZUF.file().open(encoding="utf-8", newline="") as handle:
        postings = {row["job_id"]: row for row in csv.DictReader(handle)}
    items = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()]
    for half, parity in (("written against (even ids)", 0), ("held out (odd ids)", 1)):
        confusion: Counter[tuple[str, str, str]] = Counter()
        for item in items:
            if item["item_id"] % 2 != parity:
                continue
            course = item["kind"] == "course"
            text = courses[item["edx_row"]][item["field"]] if course else postings[item["wuzzuf_job_id"]][item["field"]]
            spans = sentence_spans(text)
            roles = course_roles(text, spans) if course else posting_roles(text, spans)
            # The sentence that holds the labelled one's start (the splitter may cut a little differently).
            predicted = next(
                (r for s, r in zip(spans, roles, strict=True) if s.start <= item["start"] < max(s.end, s.start + 1)),
                "?",
            )
            confusion[(item["kind"], item["label"], predicted)] += 1
        n = sum(confusion.values())
        right = sum(c for (_, gold, got), c in confusion.items() if gold == got)
        print(f"{half}: {n} sentences, accuracy {right / n:.3f}")
        for kind, group, name in (("course", TEACHING, "teaches"), ("posting", STATING, "states")):
            tp = sum(c for (k, g, p), c in confusion.items() if k == kind and g in group and p in group)
            fp = sum(c for (k, g, p), c in confusion.items() if k == kind and g not in group and p in group)
            fn = sum(c for (k, g, p), c in confusion.items() if k == kind and g in group and p not in group)
            base = sum(c for (k, g, _), c in confusion.items() if k == kind and g in group)
            total = sum(c for (k, _, _), c in confusion.items() if k == kind)
            print(
                f"  {kind} '{name}': precision {tp / max(tp + fp, 1):.3f} recall {tp / max(tp + fn, 1):.3f} "
                f"(share labelled so: {base / max(total, 1):.3f})"
            )


if __name__ == "__main__":
    main()
