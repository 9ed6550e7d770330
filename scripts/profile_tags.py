"""Do credential profiles find what a course teaches? Profiles against the course's own skill tags.

    python scripts/profile_tags.py --model-dir build/coursera-profiles   # builds the index there first if absent

The shared Coursera 2024 catalog lists, per course, the skills it says learners gain ("Gained Skills").
The index is built from the catalog *without* that column (title, provider, subject, level, type), against
ESCO; each course's profile (its skills, strongest first) is then compared with its tags mapped onto ESCO by
exact label or alias (tags no ESCO name matches are left out; courses with no mapped tag are not scored):
RP@5 = |tags ∩ top 5| / min(5, |tags|), and RP@10, averaged over the scored courses. Run it with an older
checkout on its own model dir to get the "before" figure: the script uses only the public API.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

from recommender import IndexOptions, build_index, open_index
from recommender.inputs.datasets import COURSERA_2024, ESCO
from recommender.inputs.taxonomy import load_taxonomy, normalize_label

# The catalog has no descriptions: the title is all the text there is (a catalog needs a text or skills column).
WITHOUT_TAGS = (*(spec for spec in COURSERA_2024.mapping if not spec.startswith("skills=")), "text=Title")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=None, help="Score only the first N courses.")
    args = parser.parse_args()
    catalog, esco = COURSERA_2024.file(), ESCO.file()
    if not args.model_dir.exists():
        options = IndexOptions(mapping=WITHOUT_TAGS, taxonomy=esco, use_occupations=False)
        build_index(catalog, args.model_dir, options, progress=True)
    model = open_index(args.model_dir)
    vocabulary = load_taxonomy(esco)
    titles = {c.title: c.id for c in model.credentials_}
    scored, rp5, rp10, mapped_tags, tags_total = 0, 0.0, 0.0, 0, 0
    with catalog.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if args.limit is not None and scored >= args.limit:
                break
            tags = [t.strip() for t in row["Gained Skills"].split(",") if t.strip()]
            tags_total += len(tags)
            gold = {vocabulary.skills[p].id for t in tags if (p := vocabulary.lookup(normalize_label(t))) is not None}
            mapped_tags += len(gold)
            credential = titles.get(row["Title"])
            if not gold or credential is None:
                continue
            ranked = [entry.skill_id for entry in model.profile(credential)]
            scored += 1
            rp5 += len(gold & set(ranked[:5])) / min(5, len(gold))
            rp10 += len(gold & set(ranked[:10])) / min(10, len(gold))
    figures = {"courses_scored": scored, "tags": tags_total, "tags_mapped_to_esco": mapped_tags}
    figures |= {"rp@5": round(100 * rp5 / max(scored, 1), 1), "rp@10": round(100 * rp10 / max(scored, 1), 1)}
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
