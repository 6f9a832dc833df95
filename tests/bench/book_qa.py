#!/usr/bin/env python3
"""Questions about a whole book: for each question, does the evidence Gleaner selected contain the
answer, and does the answer name it? Prints one line per question and the totals.

usage: tests/bench/book_qa.py BOOK QUESTIONS.json [extra gleaner-cli ask arguments...]
e.g.   tests/bench/book_qa.py moby-dick.txt tests/bench/moby_dick_questions.json --method gleaner --k 512
Read the book first (gleaner-cli read BOOK) so that every question measures asking alone.
"""
import json
import os
import subprocess
import sys

CLI = os.environ.get("GLEANER_CLI", os.path.join(os.path.dirname(__file__), "../../build/bin/gleaner-cli"))


def main(book, questions_path, extra):
    with open(questions_path) as f:
        questions = json.load(f)
    in_evidence = in_answer = 0
    ttft = []
    for q in questions:
        run = subprocess.run([CLI, "ask", book, q["question"], "--json", "--max-tokens", "24"] + extra,
                             capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"gleaner-cli ask failed: {run.stderr.strip()}")
        d = json.loads(run.stdout)
        evidence = " ".join(e["text"] for e in d["evidence"]).lower()
        ev = any(a.lower() in evidence for a in q["answer"])
        an = any(a.lower() in d["answer"].lower() for a in q["answer"])
        in_evidence += ev
        in_answer += an
        ttft.append(d["timings"]["ttft_s"])
        print(f"{'E' if ev else '-'}{'A' if an else '-'} {d['timings']['ttft_s']:5.2f} s  {q['question']}  ->  {d['answer'][:70]!r}")
    n = len(questions)
    print(f"answer in the evidence: {in_evidence}/{n}; in the answer: {in_answer}/{n}; "
          f"median time to first token {sorted(ttft)[n // 2]:.2f} s")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
