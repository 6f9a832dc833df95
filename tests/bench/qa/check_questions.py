#!/usr/bin/env python3
"""Checks book_questions.json against the books: every gold quote occurs in its book exactly once (as an
exact substring of the LF-normalised text and also under score.py's whitespace-insensitive matching),
is at most 400 characters, and every accepted answer occurs in one of the question's gold quotes (by
score.py's answer rule). Prints where in the book each quote lies. Exit status 1 on any failure.

usage: check_questions.py [book_questions.json] [--book-dir /work/shared/corpus/text]
       check_questions.py tests/bench/qa/pdf_questions.json --book-dir DIR_WITH_THE_PDF
A PDF or EPUB is checked against its canonical text as gleaner-cli prints it (`gleaner-cli text`, the
text whose character offsets the evidence uses; GLEANER_CLI names the binary).
"""
import argparse
import collections
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import score  # noqa: E402


CLI = os.environ.get("GLEANER_CLI", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                 "../../../build/bin/gleaner-cli"))


def read_document(path):
    if path.endswith(".txt"):
        return score.read_book(path)
    run = subprocess.run([CLI, "text", path], capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit("gleaner-cli text %s: %s" % (path, run.stderr.strip()))
    return run.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("questions", nargs="?", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                                  "book_questions.json"))
    ap.add_argument("--book-dir", default=score.DEFAULT_BOOK_DIR)
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    with open(args.questions, encoding="utf-8") as f:
        qs = json.load(f)
    books, errors = {}, []
    ids = collections.Counter(q["id"] for q in qs)
    errors += ["duplicate id %s" % i for i, n in ids.items() if n > 1]
    per_book = collections.defaultdict(collections.Counter)
    for q in qs:
        for key in ("book", "id", "question", "answers", "gold", "kind"):
            if key not in q:
                errors.append("%s: no %r" % (q.get("id"), key))
        if q["book"] not in books:
            books[q["book"]] = read_document(os.path.join(args.book_dir, q["book"]))
        text = books[q["book"]]
        per_book[q["book"]][q["kind"]] += 1
        if q["kind"] == "absent":
            if q["answers"] or q["gold"]:
                errors.append("%s: absent question with answers or gold" % q["id"])
            continue
        if q["kind"] != "fact":
            errors.append("%s: kind %r" % (q["id"], q["kind"]))
        if not q["answers"] or not q["gold"]:
            errors.append("%s: fact question without answers or gold" % q["id"])
        where = []
        for g in q["gold"]:
            quote = g["quote"]
            if len(quote) > 400:
                errors.append("%s: quote longer than 400 characters (%d)" % (q["id"], len(quote)))
            exact = text.count(quote)
            loose = score.find_quote(text, quote)
            if exact != 1 or len(loose) != 1:
                errors.append("%s: quote found %d times exactly, %d times whitespace-insensitively: %r"
                              % (q["id"], exact, len(loose), quote[:60]))
            if loose:
                where.append("%.0f%%" % (100.0 * loose[0][0] / len(text)))
        for a in q["answers"]:
            if not any(score.contains_answer(g["quote"], a) for g in q["gold"]):
                errors.append("%s: answer %r not in its gold quotes" % (q["id"], a))
        if not args.quiet:
            print("%-9s %-5s %-22s %s" % (q["id"], ",".join(where), "|".join(q["answers"])[:22], q["question"]))
    print("questions: %d" % len(qs))
    for b, c in sorted(per_book.items()):
        print("  %s: %d fact, %d absent" % (b, c["fact"], c["absent"]))
    if errors:
        print("\n".join("ERROR " + e for e in errors))
        return 1
    print("all gold quotes found once in their books; all answers in their quotes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
