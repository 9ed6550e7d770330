"""Build the `evaluate roles` files from the shared data (written outside the repository).

    python scripts/build_roles_dataset.py [--shared ../shared/data] [--out build/benchmarks]

Writes JSONL lines ``{"title", "text", "skills": [ESCO skill URIs], ...}``:

- ``roles_esco_tune.jsonl`` / ``roles_esco_test.jsonl``: every ESCO occupation with a description;
  title = preferred label, text = description, skills = its essential skills, ``occupation`` = its
  URI (``evaluate roles`` leaves a role's own occupation out of the index). Split by occupation:
  a stable hash of the URI puts 20% in "test"; tune only on "tune".
- ``roles_wuzzuf.jsonl``: Wuzzuf postings (title; description + requirements) whose recruiter
  tags name ESCO skills (exact label or alias after normalisation); skills = those skills. Tags
  join postings on (job title, company) as the file's documentation says. Nothing is tuned on it.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from pathlib import Path

from recommender.inputs.datasets import shared_data_root
from recommender.inputs.taxonomy import load_taxonomy
from recommender.skills.occupations import load_occupations

TEST_PERCENT = 20


def part(uri: str) -> str:
    """ "test" for a stable 20% of occupations, else "tune"."""
    return "test" if int(hashlib.sha1(uri.encode()).hexdigest()[:8], 16) % 100 < TEST_PERCENT else "tune"


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} roles to {path}", file=sys.stderr)


def esco_roles(esco: Path) -> dict[str, list[dict[str, object]]]:
    parts: dict[str, list[dict[str, object]]] = {"tune": [], "test": []}
    for occupation in load_occupations(esco):
        if occupation.description and occupation.essential:
            parts[part(occupation.id)].append(
                {
                    "title": occupation.label,
                    "text": occupation.description,
                    "skills": list(occupation.essential),
                    "occupation": occupation.id,
                }
            )
    return parts


def wuzzuf_roles(shared: Path, min_skills: int) -> list[dict[str, object]]:
    vocabulary = load_taxonomy(shared / "esco")
    folder = shared / "postings" / "wuzzuf"
    tags: dict[tuple[str, str], list[str]] = {}
    with (folder / "job_skills.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="~"):
            tags.setdefault((row["job_title"].strip(), row["company_name"].strip()), []).append(row["job_skill"])
    roles = []
    with (folder / "job_postings_with_id.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            title = row["job_title"].strip()
            text = "\n\n".join(p.strip() for p in (row["job_description"], row["job_requirements"]) if p.strip())
            skills: list[str] = []
            for tag in tags.get((title, row["company_name"].strip()), []):
                position = vocabulary.lookup(tag)
                if position is not None and vocabulary.skills[position].id not in skills:
                    skills.append(vocabulary.skills[position].id)
            if text and len(skills) >= min_skills:
                roles.append({"title": title, "text": text, "skills": skills, "id": row["job_id"]})
    return roles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=shared_data_root())
    parser.add_argument("--out", type=Path, default=Path("build/benchmarks"))
    parser.add_argument("--min-skills", type=int, default=3, help="least ESCO-mapped tags a posting needs")
    args = parser.parse_args()
    for name, rows in esco_roles(args.shared / "esco").items():
        write_jsonl(args.out / f"roles_esco_{name}.jsonl", rows)
    write_jsonl(args.out / "roles_wuzzuf.jsonl", wuzzuf_roles(args.shared, args.min_skills))


if __name__ == "__main__":
    main()
