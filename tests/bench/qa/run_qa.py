#!/usr/bin/env python3
"""The QA benchmark: asks gleaner-cli every question (whole-book questions, or RULER-style haystacks
from make_haystacks.py) per method and model, scores each reply with score.py, prints a table and
writes JSON. Also scores a lexical baseline (BM25 over passages of the same text, SQLite FTS5)
given the same evidence budget, the bar the model's own selection should beat.

usage:
  run_qa.py --books [--questions FILE] [--only alice,pride] [--ids alice-01,alice-25] [--limit N]
  run_qa.py --haystacks /tmp/gleaner-qa/squad_32k.jsonl [--limit N]
  common: --methods gleaner,qllm  --model FILE.gguf  --out results.json  --max-tokens 48
          --cache-dir DIR  --extra "--k 1024 --contrast 1"  (more gleaner-cli ask options)
Read each book once first (the script does: gleaner-cli read) so that `ask` measures asking;
--unread asks each book before it is read instead (gleaner-cli ask --no-wait: what a question asked
as soon as a book is opened gets), with a --cache-dir that holds no reading of it.
"""
import argparse
import json
import os
import re
import shlex
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import score  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../../.."))
CLI = os.environ.get("GLEANER_CLI", os.path.join(ROOT, "build/bin/gleaner-cli"))
BOOK_DIR = os.path.join(ROOT, "tests/data/corpus")


def cli(args, timeout=None):
    run = subprocess.run([CLI] + args, capture_output=True, text=True, timeout=timeout)
    if run.returncode != 0:
        raise RuntimeError(f"gleaner-cli {' '.join(args[:3])} ...: {run.stderr.strip()[-400:]}")
    return run.stdout


def canonical_text(path):
    """The document text exactly as gleaner-cli sees it (evidence start_char/end_char index it)."""
    return cli(["text", path])


# ---- the lexical baseline --------------------------------------------------------------------------

STOP = set("a an the of to in on at by for with from and or but is are was were be been being do does did "
           "what who whom whose which when where why how that this these those it its as into than then there "
           "their they them he she his her him i you your we our us not no yes book story novel".split())


def passages(text, size=600):
    """Paragraph-aligned windows of about `size` characters: [(start, end)] in str indices."""
    out, start = [], 0
    for m in re.finditer(r"\n\s*\n", text):
        if m.end() - start >= size:
            out.append((start, m.start()))
            start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    # split any window much larger than size at spaces
    final = []
    for s, e in out:
        while e - s > 2 * size:
            cut = text.rfind(" ", s + size // 2, s + size)
            cut = cut if cut > s else s + size
            final.append((s, cut))
            s = cut
        final.append((s, e))
    return final


def bm25_evidence(text, question, budget_chars, matter=()):
    """The best passages by BM25 (FTS5) for the question's content words, up to budget_chars."""
    words = [w for w in re.findall(r"[A-Za-z0-9']+", question.lower()) if w not in STOP and len(w) > 1]
    if not words:
        return []
    spans = [p for p in passages(text) if not any(p[0] < me and ms < p[1] for ms, me in matter)]
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE p USING fts5(body, tokenize='porter unicode61')")
    db.executemany("INSERT INTO p(rowid, body) VALUES (?, ?)", [(i, text[s:e]) for i, (s, e) in enumerate(spans)])
    query = " OR ".join('"' + w.replace('"', "") + '"' for w in words)
    rows = db.execute("SELECT rowid FROM p WHERE p MATCH ? ORDER BY bm25(p) LIMIT 200", (query,)).fetchall()
    out, used = [], 0
    for (i,) in rows:
        s, e = spans[i]
        if used + (e - s) > budget_chars and out:
            break
        out.append({"start_char": s, "end_char": e, "text": text[s:e]})
        used += e - s
    return out


# ---- runs ----------------------------------------------------------------------------------------

def ask(path, question, method, args):
    cmd = ["ask", path, question, "--json", "--method", method, "--max-tokens", str(args.max_tokens)]
    if args.model:
        cmd += ["--model", args.model]
    if args.cache_dir:
        cmd += ["--cache-dir", args.cache_dir]
    cmd += shlex.split(args.extra)
    if args.answer_model:  # reads the selected passages and answers; the reading is --model's
        cmd += ["--answer-model", args.answer_model]
    if args.unread:
        cmd += ["--no-wait"]
    t0 = time.time()
    d = json.loads(cli(cmd))
    d["wall_s"] = time.time() - t0
    return d


def read(path, args):
    cmd = ["read", path, "--quiet", "--json"]
    if args.model:
        cmd += ["--model", args.model]
    if args.cache_dir:
        cmd += ["--cache-dir", args.cache_dir]
    cmd += reading_options(shlex.split(args.extra))  # reading settings (filter_layer ...) must match
    return json.loads(cli(cmd))


# ask options that say how to answer, not how to read: `read` refuses them (option -> takes a value)
ASK_ONLY = {"--min-confidence": True, "--min-gain": True, "--selection-only": False, "--no-wait": False, "--answer-model": True}


def reading_options(extra):
    out, i = [], 0
    while i < len(extra):
        if extra[i] in ASK_ONLY:
            i += 2 if ASK_ONLY[extra[i]] else 1
            continue
        out.append(extra[i])
        i += 1
    return out


def run(items, args):
    """items: [(record, document path, canonical text, matter ranges in str indices)]."""
    table, per_q = {}, []
    for method in args.methods:
        results, base, ttft = [], [], []
        for rec, path, text, matter in items:
            if method in ("gleaner", "gemfilter-read") and not args.unread:
                read(path, args)
            try:
                d = ask(path, rec["question"], method, args)
            except RuntimeError as e:
                print(f"  {rec['id']}: {e}", file=sys.stderr)
                continue
            # gleaner-cli's start_char/end_char are character offsets, as Python slices the text
            try:
                r = score.score_one(rec, d["answer"], d["evidence"], document=text, units="chars", matter=matter)
            except ValueError as e:  # a gold quote the text does not hold: say so, go on with the rest
                print(f"  {rec['id']}: not scored: {e}", file=sys.stderr)
                continue
            r["ttft_s"] = d["timings"]["ttft_s"]
            results.append(r)
            ttft.append(r["ttft_s"])
            # lexical baseline with the same evidence budget (in characters of the selection)
            budget = sum(len(e["text"]) for e in d["evidence"]) or 2000
            ev = bm25_evidence(text, rec["question"], budget, matter)
            base.append(score.score_one(rec, "", ev, document=text, units="chars", matter=[]))
            flag = ("A" if r["answered"] else "-") + ("E" if r.get("retrieved") else ("-" if r["kind"] != "absent" else " "))
            print(f"{method:9s} {flag} {r['ttft_s']:6.2f}s {rec['id']:12s} {rec['question'][:60]!r} -> {d['answer'][:70]!r}", flush=True)
            per_q.append({"method": method, "id": rec["id"], "answer": d["answer"], "score": r,
                          "evidence": [[e["start_char"], e["end_char"]] for e in d["evidence"]],
                          "evidence_text": [e["text"] for e in d["evidence"]],
                          "answer_tokens": d.get("answer_tokens", []),
                          "confidence": d.get("confidence"), "gain": d.get("gain"), "unsupported_answer": d.get("unsupported_answer"),
                          "settings": d.get("settings"), "ttft_s": r["ttft_s"]})
        agg = score.aggregate(results)
        agg["ttft_median_s"] = sorted(ttft)[len(ttft) // 2] if ttft else None
        agg["bm25_recall"] = score.aggregate(base)["recall"] if base else None
        table[method] = agg
    return table, per_q


def book_items(args):
    with open(args.questions) as f:
        qs = json.load(f)
    if args.only:
        keep = args.only.split(",")
        qs = [q for q in qs if any(q["book"].startswith(k) for k in keep)]
    if args.ids:
        qs = [q for q in qs if q["id"] in args.ids.split(",")]
    items, texts = [], {}
    for q in qs[: args.limit or None]:
        path = os.path.join(args.book_dir, q["book"])
        if path not in texts:
            t = canonical_text(path)
            texts[path] = (t, score.gutenberg_matter(t))
        t, m = texts[path]
        items.append((q, path, t, m))
    return items


def haystack_items(args, tmp):
    items = []
    for rec in score.load_records(args.haystacks)[: args.limit or None]:
        path = os.path.join(tmp, f"{rec['id']}.txt")
        with open(path, "w", encoding="utf-8") as f:
            f.write(rec["context"])
        t = canonical_text(path)
        # the importer may normalise whitespace and drops U+FEFF (SQuAD's coordinates have it):
        # re-find gold paragraphs by their text
        gold = [{"quote": rec["context"][g["start"]:g["end"]].replace("\ufeff", "")} for g in rec["gold"]]
        items.append((dict(rec, gold=gold, context=None), path, t, []))
    return items


def print_table(table):
    cols = ["accuracy_fact", "accuracy_absent", "recall", "bm25_recall", "gold_overlap", "precision", "matter",
            "abstain_rate_fact", "ttft_median_s"]
    print("| method | " + " | ".join(cols) + " |")
    print("|---" * (len(cols) + 1) + "|")
    for m, a in table.items():
        cells = []
        for c in cols:
            v = a.get(c)
            cells.append("-" if v is None else (f"{v:.2f}" if c == "ttft_median_s" else f"{100 * v:.0f}%"))
        print(f"| {m} (n={a['n']}) | " + " | ".join(cells) + " |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--books", action="store_true")
    ap.add_argument("--questions", default=os.path.join(os.path.dirname(__file__), "book_questions.json"))
    ap.add_argument("--book-dir", default=BOOK_DIR)
    ap.add_argument("--only", default="")
    ap.add_argument("--haystacks")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--ids", default="", help="only these questions (comma-separated ids, e.g. alice-01,alice-25)")
    ap.add_argument("--methods", default="gleaner")
    ap.add_argument("--model", default="")
    ap.add_argument("--cache-dir", default="")
    ap.add_argument("--extra", default="")
    ap.add_argument("--answer-model", default="",
                    help="gleaner: a larger GGUF answers from the passages --model selects; none: the reading model "
                         "answers (default: as gleaner-cli, Qwen2.5-Coder-1.5B when installed and the default model reads)")
    # the book not read first: gleaner answers from the question's words (ask --no-wait), as a
    # question asked as soon as a book is opened is (use a --cache-dir without its reading memory)
    ap.add_argument("--unread", action="store_true")
    ap.add_argument("--max-tokens", type=int, default=48)
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    args.methods = args.methods.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        if args.books:
            items = book_items(args)
        elif args.haystacks:
            items = haystack_items(args, tmp)
        else:
            sys.exit("give --books or --haystacks FILE")
        table, per_q = run(items, args)
    print_table(table)
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"model": args.model or "default", "answer_model": args.answer_model or "default", "extra": args.extra, "table": table, "questions": per_q}, f, indent=1)


if __name__ == "__main__":
    main()
