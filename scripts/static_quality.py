"""Code that scripts/bench.py runs in fresh processes to compare encoders (speed and TECH/HOUSE quality).

SPEED (argv: spec, n): texts per second encoding the first n distinct segments of the Wuzzuf
postings; spec ``static``, ``default`` (sentence-transformers) or ``onnx`` (the default index's
ONNX export). QUALITY (argv: spec, cache dir): on the TECH and HOUSE *test* sets, RP@5 and MRR of
the ranking of all ESCO skills (best cosine over labels and aliases), and micro precision / recall
/ F1 of the skills the extractor finds at the default settings.
"""

SPEED = """
import time, sys
sys.path.insert(0, 'scripts')
from benchlib import wuzzuf_texts
from recommender.skills.segment import split_segments
spec, n = sys.argv[1], int(sys.argv[2])
texts = list(dict.fromkeys(s for t in wuzzuf_texts() for s in split_segments(t)))[:n]
if spec == 'onnx':
    from recommender.store.artifacts import resolve_version
    from recommender.encoders.onnx import OnnxEncoder
    encoder = OnnxEncoder(resolve_version('models/default') / 'encoder', spec='default')
else:
    from recommender.encoders.load import load_encoder
    encoder = load_encoder(spec)
encoder.encode(texts[:50])
started = time.perf_counter()
encoder.encode(texts)
elapsed = time.perf_counter() - started
result = {'per_s': len(texts) / elapsed, 'texts': len(texts), 'seconds': elapsed}
"""

QUALITY = """
import sys
sys.path.insert(0, 'scripts')
from benchlib import SHARED
from recommender.evaluation.benchmarks import read_annotations
from recommender.encoders.cache import CachedEncoder
from recommender.encoders.load import load_encoder
from recommender.evaluation.metrics import mean_reciprocal_rank, rp_at_k
from recommender.skills.segment import split_segments
from recommender.skills.extractor import SkillExtractor
from recommender.inputs.taxonomy import load_taxonomy, normalize_label
spec, cache = sys.argv[1], sys.argv[2]
vocabulary = load_taxonomy(SHARED / 'esco')
encoder = CachedEncoder(load_encoder(spec), cache)
extractor = SkillExtractor().fit(vocabulary, encoder, reference=False)
by_label = {normalize_label(s.label): i for i, s in enumerate(vocabulary.skills)}
result = {}
for name in ('tech_test', 'house_test'):
    items = read_annotations(SHARED / 'benchmarks' / 'skill_extraction' / f'{name}_annotations.csv')
    gold = [{by_label.get(normalize_label(l), -1 - j) for j, l in enumerate(item.labels)} for item in items]
    sentences = [item.text for item in items]
    ranked = [[s for s, _ in r] for r in extractor.rank_skills(encoder.encode(sentences), top_n=10)]
    segments = [split_segments(s) or [s] for s in sentences]
    flat = encoder.encode([x for segs in segments for x in segs])
    tp = npred = ngold = start = 0
    for segs, g in zip(segments, gold):
        rows = flat[start:start + len(segs)]
        start += len(segs)
        found = {m.skill for m in extractor.match_embeddings(rows, segs)}
        tp, npred, ngold = tp + len(found & g), npred + len(found), ngold + len(g)
    p, r = tp / max(npred, 1), tp / max(ngold, 1)
    result[name] = {'rp@5': 100 * rp_at_k(gold, ranked, 5), 'mrr@10': 100 * mean_reciprocal_rank(gold, ranked),
                    'precision': 100 * p, 'recall': 100 * r, 'f1': 100 * (2 * p * r / (p + r) if p + r else 0.0),
                    'sentences': len(items)}
"""
