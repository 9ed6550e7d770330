#!/usr/bin/env bash
# Reproduce the trained encoder and every "Trained encoder" row of docs/benchmarks.md.
# Run from the repository root: bash scripts/train_encoder.sh [SHARED_DATA]   (default ../shared/data)
set -euo pipefail
SHARED="${1:-${RECOMMENDER_SHARED_DATA:-../shared/data}}"
BENCH="$SHARED/benchmarks/skill_extraction"

# 1. Train (default: adapter mode, 1 epoch, best of every 50 steps on TECH + HOUSE validation).
time recommender train --data "$SHARED" --out models/encoder-esco

# 2. The trained encoder alone, same protocol as the base rows (validation and test).
for set in tech_validation house_validation tech_test house_test; do
    recommender evaluate skills --data "$BENCH/${set}_annotations.csv" --taxonomy "$SHARED/esco" \
        --encoder models/encoder-esco --forms both
done

# 3. The ranking levers, tuned on validation, for the base and the trained encoder.
python scripts/skill_levers.py --shared "$SHARED" --encoder default --out build/levers_base.json
python scripts/skill_levers.py --shared "$SHARED" --encoder models/encoder-esco --out build/levers_trained.json

# 4. (optional, hours on CPU) full fine-tuning, as measured: 120 steps.
# recommender train --data "$SHARED" --out models/encoder-esco-full --mode full --max-steps 120 --eval-every 60
