#!/usr/bin/env bash
# A newcomer's first hour, timed: a fresh clone in a fresh venv, as a user with empty home folders, runs the
# README's first command; then the same query from a second folder and a second query. Prints the times
# (pip; the first answer after pip finished; the second query) and checks that neither folder the query ran
# from got a file and that no default index was built in the user's data folder.
#
#   bash scripts/newcomer.sh [SOURCE_REPO] [WORK_DIR]        # defaults: this checkout, a new temporary folder
set -euo pipefail
SOURCE="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
WORK="${2:-$(mktemp -d -t newcomer-XXXXXX)}"
QUERY="We are hiring a data analyst to write SQL against our PostgreSQL warehouse, clean data in Python, build Power BI dashboards and present findings to stakeholders."
now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$2"; }

mkdir -p "$WORK/home/data" "$WORK/home/cache" "$WORK/first" "$WORK/second"
export XDG_DATA_HOME="$WORK/home/data" XDG_CACHE_HOME="$WORK/home/cache"   # a user who never ran it
unset RECOMMENDER_MODEL_DIR RECOMMENDER_CACHE_DIR RECOMMENDER_TRAINED_ENCODER || true
git clone -q "$SOURCE" "$WORK/clone"
cd "$WORK/clone"

# The README's first command, split where pip finishes.
start=$(now)
python3 -m venv .venv && . .venv/bin/activate && pip install -q . 2>&1 | grep -v "^WARNING: Location" || true
pip_done=$(now)
(cd "$WORK/first" && recommender query "$QUERY" -k 5) > "$WORK/first.txt"
first_done=$(now)
(cd "$WORK/second" && recommender query "$QUERY" -k 5) > "$WORK/second.txt"
second_done=$(now)

echo "pip install .: $(since "$start" "$pip_done") s"
echo "first answer after pip finished: $(since "$pip_done" "$first_done") s"
echo "second query (another folder): $(since "$first_done" "$second_done") s"
head -3 "$WORK/first.txt"
cmp -s "$WORK/first.txt" "$WORK/second.txt" && echo "same answer from both folders" || { echo "answers differ"; exit 1; }
for folder in first second; do
  if [ -n "$(ls -A "$WORK/$folder")" ]; then echo "files written in $folder: $(ls -A "$WORK/$folder")"; exit 1; fi
done
echo "nothing written in either folder"
if [ -e "$XDG_DATA_HOME/recommender/default" ]; then echo "a default index was built in the user's data folder"; exit 1; fi
echo "no default index built at run time (the one shipped in the package answered)"
echo "work folder: $WORK"
