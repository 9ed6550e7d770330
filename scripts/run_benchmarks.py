"""Reproduce every evaluation row of docs/benchmarks.md (run from the repository root).

    python scripts/run_benchmarks.py [--only skills,titles,roles,ranking] [--shared ../shared/data]

Each row is one `recommender evaluate ...` command (printed before it runs); its JSON goes to
``build/benchmarks/results/<name>.json`` and a Markdown table of all rows is printed at the end.
The roles files are built first with scripts/build_roles_dataset.py (the blend settings come from
scripts/tune_roles.py on the ESCO "tune" part). Ranking scores the first 300 graded postings. Embeddings are cached
(``models/.embedding-cache``): a first run takes tens of minutes on 2 CPU cores, later ones less.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
from pathlib import Path

from recommender.inputs.datasets import COURSERA_2024, ESCO, TAG_OVERLAP, WUZZUF, shared_data_root

OUT = Path("build/benchmarks")


def commands(shared: Path) -> dict[str, list[tuple[str, list[str]]]]:
    """Per group, ``(row name, CLI arguments after 'recommender')``."""
    esco = str(ESCO.file(shared))
    bench = shared / "benchmarks"
    trained = Path("models/encoder-esco")  # `recommender train`'s output, when it is there
    encoders = [("", [])] + (
        [("-trained", ["--encoder", str(trained)])] if (trained / "modules.json").is_file() else []
    )
    annotations = bench / "skill_extraction"
    skills = [
        (f"skills-{name}{tag}", ["evaluate", "skills", "--data", str(annotations / f"{name}_annotations.csv"),
                                 "--taxonomy", esco, "--forms", "every", *option])
        for tag, option in encoders
        for name in ("tech_test", "house_test")
    ]  # fmt: skip
    titles = [
        ("titles", ["evaluate", "titles", "--data", str(bench / "jobbert_titles" / "titles_validation.csv"),
                    "--occupations", esco])
    ]  # fmt: skip
    roles = [
        (f"roles-{name}", ["evaluate", "roles", "--data", str(OUT / f"roles_{name}.jsonl"), "--taxonomy", esco])
        for name in ("esco_test", "wuzzuf")
    ]
    ranking_base = [
        "evaluate", "ranking", "--data", str(TAG_OVERLAP.file(shared)), "--catalog", str(COURSERA_2024.file(shared)),
        "--postings", str(WUZZUF.file(shared)), "--limit", "300",
    ]  # fmt: skip
    ranking = [
        ("ranking-declared", ranking_base),
        ("ranking-esco", [*ranking_base, "--taxonomy", esco]),
        ("ranking-esco-occupations", [*ranking_base, "--taxonomy", esco, "--occupations", esco]),
    ]
    return {"skills": skills, "titles": titles, "roles": roles, "ranking": ranking}


def run(name: str, arguments: list[str]) -> list[dict[str, object]]:
    print(f"$ recommender {shlex.join(arguments)}", file=sys.stderr, flush=True)
    done = subprocess.run(
        [sys.executable, "-m", "recommender.cli", *arguments, "--format", "json"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    rows = json.loads(done.stdout)
    rows = rows if isinstance(rows, list) else [rows]
    (OUT / "results").mkdir(parents=True, exist_ok=True)
    (OUT / "results" / f"{name}.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return rows


def markdown(rows: list[tuple[str, dict[str, object]]]) -> str:
    lines = ["| row | data | setting | n | figures (%) |", "|---|---|---|---|---|"]
    for name, row in rows:
        details = row["details"]
        assert isinstance(details, dict)
        setting = details.get("profile") or details.get("forms") or details.get("vocabulary") or ""
        skip = {"task", "data", "n", "details"}
        figures = ", ".join(f"{k} {100 * float(v):.1f}" for k, v in row.items() if k not in skip)  # type: ignore[arg-type]
        lines.append(f"| {name} | {Path(str(row['data'])).name} | {setting} | {row['n']} | {figures} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=shared_data_root())
    parser.add_argument("--only", default="skills,titles,roles,ranking", help="comma-separated groups")
    args = parser.parse_args()
    groups = commands(args.shared)
    wanted = [g.strip() for g in args.only.split(",") if g.strip()]
    unknown = sorted(set(wanted) - set(groups))
    if unknown:
        parser.error(f"unknown group(s) {', '.join(unknown)}; choose from {', '.join(groups)}")
    if "roles" in wanted:
        subprocess.run([sys.executable, "scripts/build_roles_dataset.py", "--shared", str(args.shared)], check=True)
    table: list[tuple[str, dict[str, object]]] = []
    for group in wanted:
        for name, arguments in groups[group]:
            table.extend((name, row) for row in run(name, arguments))
    print(markdown(table))


if __name__ == "__main__":
    main()
