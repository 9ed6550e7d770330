"""Blind judging of what a changed engine says that no judge has seen: packets out, grades in.

    # claims: the engine's claims no file judges (from `recommender evaluate explanations --pending`)
    python scripts/judging.py claims pending.jsonl build/judging/claims-r2 --parts 3
    # pairs: (posting, course) pairs in the engine's top 10 that no file grades
    python scripts/judging.py pairs build/judging/pairs-r2 --model-dir models/edx --parts 2
    # after the judges: one cumulative file each, beside the shared sets' own (data/judged/)
    python scripts/judging.py merge-claims build/judging/claims-r2 data/judged/wuzzuf_x_edx_claims_judged_new.jsonl
    python scripts/judging.py merge-pairs build/judging/pairs-r2 data/judged/wuzzuf_x_edx_pairs_judged_new.csv

A packet holds only what the shared sets' judges saw — the rubric's question, the posting, the course text
and the items — never which system made them: claims are grouped per (posting, course), with the posting's
first 4,000 characters and the course's first 5,000 (title, summary, description, syllabus); pairs are
grouped per posting, with its first 1,600 characters and each course's first 1,100, in random order.
Each part file goes to one judge with data/judged/BRIEF_claims.md or BRIEF_pairs.md and the shared
RUBRIC.md; judges append ``grades_<part>.jsonl`` beside it. What lands in data/judged/ holds ids, ESCO
labels and grades only (no text of the shared data).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
from pathlib import Path

from recommender import open_index
from recommender.inputs.datasets import EDX, JUDGED, WUZZUF

POSTING_CHARS, COURSE_CHARS = 4000, 5000  # what the judged_explanations judges read
PAIR_POSTING_CHARS, PAIR_COURSE_CHARS = 1600, 1100  # what the judged_recommendations judges read
REPO_JUDGED = Path(__file__).resolve().parents[1] / "data" / "judged"


def _postings() -> dict[str, dict[str, str]]:
    with WUZZUF.file().open(encoding="utf-8", newline="") as handle:
        return {row["job_id"]: row for row in csv.DictReader(handle)}


def _courses() -> tuple[list[dict[str, str]], dict[str, int]]:
    with EDX.file().open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    first: dict[str, int] = {}
    for number, row in enumerate(rows):
        first.setdefault(row["course_url"], number)
    return rows, first


def _posting_text(row: dict[str, str], chars: int) -> str:
    return f"{row['job_title']}\n\n{row['job_description']}\n\n{row['job_requirements']}"[:chars]


def _course_text(row: dict[str, str], chars: int, *, syllabus: bool = True) -> str:
    parts = [row["title"], row["summary"], row["course_description"], row["course_syllabus"] if syllabus else ""]
    return "\n\n".join(part for part in parts if part)[:chars]


def _write_parts(packets: list[dict], out: Path, parts: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with (out / "packets.jsonl").open("w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(p, ensure_ascii=False) + "\n" for p in packets)
    for part in range(parts):
        with (out / f"packets_{part}.jsonl").open("w", encoding="utf-8") as handle:
            handle.writelines(json.dumps(p, ensure_ascii=False) + "\n" for p in packets[part::parts])


def claim_id(pid: str, course: str, role_skill: str) -> str:
    """A claim's stable id: the triple, hashed."""
    return hashlib.sha1(f"{pid}|{course}|{role_skill}".encode()).hexdigest()[:12]


def claims(pending: Path, out: Path, parts: int) -> None:
    postings, (courses, first) = _postings(), _courses()
    grouped: dict[tuple[str, str], dict[str, dict]] = {}
    with pending.open(encoding="utf-8") as handle:
        for line in handle:
            claim = json.loads(line)
            grouped.setdefault((claim["pid"], claim["credential"]), {})[claim["role_skill"]] = claim
    packets = []
    for (pid, course), items in sorted(grouped.items()):
        posting, row = postings[pid.rpartition(":")[2]], courses[first[course]]
        packets.append({
            "pid": pid, "course_url": course, "job_title": posting["job_title"], "course_title": row["title"],
            "posting": _posting_text(posting, POSTING_CHARS), "course": _course_text(row, COURSE_CHARS),
            "claims": [{"claim_id": claim_id(pid, course, skill), "role_skill": skill,
                        "course_skill": claim["credential_skill"], "evidence": claim["evidence"]}
                       for skill, claim in sorted(items.items())],
        })  # fmt: skip
    _write_parts(packets, out, parts)
    print(f"{sum(len(p['claims']) for p in packets)} claims in {len(packets)} packets, {parts} parts: {out}")


def _judged_pairs(paths: list[Path]) -> dict[str, dict[int, int]]:
    gold: dict[str, dict[int, int]] = {}
    for path in paths:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                gold.setdefault(row["query_id"], {})[int(row["doc_id"])] = int(row["grade"])
    return gold


def pairs(out: Path, model_dir: Path, judged: list[Path], depth: int, parts: int) -> None:
    postings, (courses, first) = _postings(), _courses()
    gold = _judged_pairs([JUDGED.file(), *judged])
    model = open_index(model_dir)
    random.seed(7)
    packets = []
    for query in sorted(gold):
        posting = postings[query]
        text = f"{posting['job_title']}\n\n{posting['job_description']}\n\n{posting['job_requirements']}"
        found = model.recommend(text, title=posting["job_title"] or None, k=depth).recommendations
        new = sorted({first[r.id] for r in found} - set(gold[query]))
        if not new:
            continue
        random.shuffle(new)
        packets.append({
            "query_id": query, "job_title": posting["job_title"],
            "posting": _posting_text(posting, PAIR_POSTING_CHARS),
            "courses": [{"doc_id": d, "title": courses[d]["title"], "course_language": courses[d]["language"],
                         "text": _course_text(courses[d], PAIR_COURSE_CHARS, syllabus=False)} for d in new],
        })  # fmt: skip
    _write_parts(packets, out, parts)
    print(f"{sum(len(p['courses']) for p in packets)} pairs in {len(packets)} postings, {parts} parts: {out}")


def _grades(folder: Path) -> list[dict]:
    grades = []
    for path in sorted(folder.glob("grades_*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            grades.extend(json.loads(line) for line in handle if line.strip())
    return grades


def merge_claims(folder: Path, target: Path) -> None:
    grades = {str(g["claim_id"]): g for g in _grades(folder)}
    rows: dict[str, dict] = {}
    if target.exists():
        with target.open(encoding="utf-8") as handle:
            rows = {r["claim_id"]: r for r in map(json.loads, handle)}
    missing = 0
    with (folder / "packets.jsonl").open(encoding="utf-8") as handle:
        for packet in map(json.loads, handle):
            for claim in packet["claims"]:
                grade = grades.get(claim["claim_id"])
                if grade is None:
                    missing += 1
                    continue
                rows[claim["claim_id"]] = {
                    "claim_id": claim["claim_id"], "pid": packet["pid"], "course_url": packet["course_url"],
                    "role_skill": claim["role_skill"], "course_skill": claim["course_skill"],
                    "required": int(grade["required"]), "taught": int(grade["taught"]), "round": folder.name,
                }  # fmt: skip
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows.values())
    print(f"{len(rows)} judged claims in {target} ({missing} in the packets without a grade)")


def merge_pairs(folder: Path, target: Path) -> None:
    courses, _ = _courses()
    grades = {(str(g["query_id"]), int(g["doc_id"])): int(g["grade"]) for g in _grades(folder)}
    rows: dict[tuple[str, int], dict] = {}
    if target.exists():
        with target.open(encoding="utf-8", newline="") as handle:
            rows = {(r["query_id"], int(r["doc_id"])): r for r in csv.DictReader(handle)}
    missing = 0
    with (folder / "packets.jsonl").open(encoding="utf-8") as handle:
        for packet in map(json.loads, handle):
            for course in packet["courses"]:
                key = (str(packet["query_id"]), int(course["doc_id"]))
                if key not in grades:
                    missing += 1
                    continue
                rows[key] = {"query_id": key[0], "doc_id": key[1], "course_url": courses[key[1]]["course_url"],
                             "grade": grades[key], "round": folder.name}  # fmt: skip
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["query_id", "doc_id", "course_url", "grade", "round"])
        writer.writeheader()
        writer.writerows(rows.values())
    print(f"{len(rows)} judged pairs in {target} ({missing} in the packets without a grade)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("claims")
    c.add_argument("pending", type=Path)
    c.add_argument("out", type=Path)
    c.add_argument("--parts", type=int, default=1)
    p = sub.add_parser("pairs")
    p.add_argument("out", type=Path)
    p.add_argument("--model-dir", type=Path, required=True)
    p.add_argument("--judged", type=Path, nargs="*", default=[REPO_JUDGED / "wuzzuf_x_edx_pairs_judged_new.csv"])
    p.add_argument("--depth", type=int, default=10)
    p.add_argument("--parts", type=int, default=1)
    for name in ("merge-claims", "merge-pairs"):
        m = sub.add_parser(name)
        m.add_argument("folder", type=Path)
        m.add_argument("target", type=Path)
    args = parser.parse_args()
    if args.command == "claims":
        claims(args.pending, args.out, args.parts)
    elif args.command == "pairs":
        pairs(args.out, args.model_dir, [j for j in args.judged if j.exists()], args.depth, args.parts)
    elif args.command == "merge-claims":
        merge_claims(args.folder, args.target)
    else:
        merge_pairs(args.folder, args.target)


if __name__ == "__main__":
    main()
