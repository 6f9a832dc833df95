#!/usr/bin/env python3
"""Scoring rules for Gleaner's question-answering benchmark (issue 12, "Right answers about real books").

Library (import score) and command line. Needs only the Python standard library; no part of the C++
program is needed, so every rule can be tested on its own (python3 score.py --self-test).

Per question, score_one(record, answer, evidence, document=..., units=..., matter=...) returns:
  answered            fact question: an accepted answer string occurs in the answer (case-insensitive,
                      punctuation ignored, whole words; a plural "s"/"es" after it is allowed).
                      absent question: the answer says the book/document does not say (ABSTAIN_PATTERNS).
  abstained           the answer says the book/document does not say (for any kind of question)
  gold_overlap        some evidence range overlaps a gold range
  answer_in_evidence  an accepted answer string occurs in the evidence text
  retrieved           gold_overlap or answer_in_evidence
  precision           share of the evidence (union of its ranges) that lies inside gold ranges
  matter              share of the evidence inside the given front/back-matter/TOC ranges (None if none given)
For "absent" questions the retrieval fields are None (there is nothing to retrieve).

Question records come in two shapes:
  book question  {"book", "id", "question", "answers", "gold": [{"quote": ...}], "kind": "fact"|"absent"}
                 gold ranges are found by locating each quote in the document text the caller passes.
                 Quotes are matched whitespace-insensitively (any run of whitespace in the quote matches any
                 run of whitespace in the document, so CRLF or re-wrapped text still matches) and straight and
                 curly quote marks match each other. Quotes are stored exactly as in the LF-normalised file.
  haystack       {"id", "dataset", "question", "answers", "context", "gold": [{"start", "end"}]}
                 (from make_haystacks.py); offsets are Python str indices into "context".

Evidence is a list of {"start_char", "end_char", "text"} as gleaner-cli ask --json prints it: character
offsets (Python str indices) into the document text (it also prints start_byte/end_byte, UTF-8 bytes).
units="chars" (the default) scores those; units="bytes" (CLI: --units bytes) scores byte offsets. Gold and matter ranges are converted
to the same units before they are compared.

Command line:
  score.py --self-test
  score.py --questions book_questions.json --results results.jsonl [--book-dir DIR] [--units bytes]
           [--raw-text] [--gutenberg-matter] [--per-question]
  score.py --questions /tmp/gleaner-qa/squad_8k.jsonl --results results.jsonl [--units bytes]
results.jsonl: one JSON object per line with "id", "answer" and "evidence" (a gleaner-cli ask --json
object with an "id" added works as is) and optionally "matter": [[start, end], ...].
"""
import argparse
import bisect
import json
import os
import re
import sys
import unicodedata

DEFAULT_BOOK_DIR = "/work/shared/corpus/text"

# ---------------------------------------------------------------------------------------------- text


def read_book(path, raw=False):
    """The book text as the benchmark sees it: UTF-8, BOM stripped and CRLF -> LF unless raw."""
    with open(path, encoding="utf-8", newline="") as f:
        text = f.read()
    if raw:
        return text
    return text.lstrip("\ufeff").replace("\r\n", "\n")


NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]


def normalize(text):
    """Lower case, accents dropped, curly quotes straightened, every non-alphanumeric character a space,
    whitespace collapsed. Used for answer matching ("ignoring punctuation")."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower()
    text = re.sub(r"[^0-9a-z]+", " ", text)
    # a number written in words or in digits is the same answer ("six o'clock", "6 o'clock")
    text = re.sub(r"\b(%s)\b" % "|".join(NUMBER_WORDS), lambda m: str(NUMBER_WORDS.index(m.group(1))), text)
    return text.strip()


def contains_answer(text, answer):
    """Whole-word, case- and punctuation-insensitive match of an accepted answer in text; a plural
    "s"/"es" directly after the answer is allowed ("flamingo" matches "flamingoes")."""
    a = normalize(answer)
    if not a:
        return False
    return re.search(r"(?<![0-9a-z])" + re.escape(a) + r"(?:s|es)?(?![0-9a-z])", normalize(text)) is not None


def any_answer(text, answers):
    return any(contains_answer(text, a) for a in answers)


ABSTAIN_PATTERNS = [
    r"(?:does|do|did) ?n[o']?t (?:seem to |appear to )?(?:say|mention|state|specify|give|name|reveal|tell|provide|include|contain|indicate|identify)",
    r"not (?:mentioned|stated|specified|given|named|provided|revealed|said|included|disclosed|identified|indicated)",
    r"(?:is|are|was|were) never (?:mentioned|named|given|stated|revealed)",
    r"never (?:mentions|names|says|states|reveals|gives)",
    r"no (?:information|mention|indication|record|answer)",
    r"nothing (?:about|on|in the|is said)",
    r"(?:cannot|can ?n[o']?t|could ?n[o']?t|could not|unable to) (?:find|determine|tell|answer|be determined|be found)",
    r"not (?:in|found in|present in|available in|contained in) the (?:book|text|document|passage|evidence|context|story|novel|excerpt)",
    r"not in the\b",
    r"no(?:t| ?where) (?:anywhere )?in the (?:book|text|document)",
]
_ABSTAIN_RE = re.compile("|".join("(?:%s)" % p for p in ABSTAIN_PATTERNS))


def says_not_stated(answer):
    """True when the answer says the book/document does not give the answer."""
    t = answer.lower().replace("\u2019", "'").replace("\u2018", "'")
    t = re.sub(r"\s+", " ", t)
    return _ABSTAIN_RE.search(t) is not None


# ------------------------------------------------------------------------------------------- ranges

_QUOTE_CLASSES = {"'": "['\u2018\u2019]", "\u2018": "['\u2018\u2019]", "\u2019": "['\u2018\u2019]",
                  '"': '["\u201c\u201d]', "\u201c": '["\u201c\u201d]', "\u201d": '["\u201c\u201d]'}
_quote_re_cache = {}


def quote_regex(quote):
    r = _quote_re_cache.get(quote)
    if r is None:
        parts = []
        for token in quote.split():
            parts.append("".join(_QUOTE_CLASSES.get(c, re.escape(c)) for c in token))
        r = re.compile(r"\s+".join(parts))
        _quote_re_cache[quote] = r
    return r


def find_quote(text, quote):
    """All [start, end) str-index ranges where quote occurs in text (whitespace-insensitive)."""
    if not quote.split():
        return []
    return [(m.start(), m.end()) for m in quote_regex(quote).finditer(text)]


def gold_ranges(record, document=None):
    """Gold [start, end) ranges in str indices: from "start"/"end" fields or by locating quotes."""
    out = []
    for g in record.get("gold", []):
        if "start" in g and "end" in g:
            out.append((int(g["start"]), int(g["end"])))
        elif "quote" in g:
            if document is None:
                raise ValueError("question %s: gold quotes need the document text" % record.get("id"))
            found = find_quote(document, g["quote"])
            if not found:
                raise ValueError("question %s: gold quote not found in the document: %r"
                                 % (record.get("id"), g["quote"][:80]))
            out.extend(found)
    return merge(out)


class ByteMap:
    """Converts str indices of one text to UTF-8 byte offsets."""

    def __init__(self, text):
        self.prefix = [0]
        # Cumulative byte length per code point; fine for books of a few MB.
        acc = 0
        for c in text:
            o = ord(c)
            acc += 1 if o < 0x80 else 2 if o < 0x800 else 3 if o < 0x10000 else 4
            self.prefix.append(acc)

    def __call__(self, i):
        return self.prefix[i]


def to_units(ranges, text, units, bytemap=None):
    if units == "chars" or not ranges:
        return list(ranges)
    if units != "bytes":
        raise ValueError("units must be 'chars' or 'bytes'")
    bm = bytemap or ByteMap(text)
    return [(bm(s), bm(e)) for s, e in ranges]


def merge(ranges):
    out = []
    for s, e in sorted((int(s), int(e)) for s, e in ranges if e > s):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def overlap_len(a, b):
    """Total length of the intersection of two lists of ranges (each merged first)."""
    a, b = merge(a), merge(b)
    total = 0
    j = 0
    for s, e in a:
        while j < len(b) and b[j][1] <= s:
            j += 1
        k = j
        while k < len(b) and b[k][0] < e:
            total += max(0, min(e, b[k][1]) - max(s, b[k][0]))
            k += 1
    return total


def total_len(ranges):
    return sum(e - s for s, e in merge(ranges))


def evidence_ranges(evidence):
    out = []
    for ev in evidence or []:
        s = ev.get("start_char", ev.get("start"))
        e = ev.get("end_char", ev.get("end"))
        if s is not None and e is not None:
            out.append((int(s), int(e)))
    return out


# ------------------------------------------------------------------------------------------ scoring


def score_one(record, answer, evidence, document=None, units="chars", matter=None, bytemap=None):
    """Score one reply. record: a question record; answer: the model's answer text; evidence: list of
    {"start_char", "end_char", "text"}; document: the document text (book questions with quotes; for a
    haystack record the record's "context" is used); units: "chars" or "bytes" for the evidence offsets;
    matter: [[start, end], ...] of front/back-matter/TOC in the same units as the evidence."""
    kind = record.get("kind") or ("fact" if record.get("answers") else "absent")
    answers = record.get("answers", [])
    if document is None:
        document = record.get("context")
    abstained = says_not_stated(answer or "")
    res = {"id": record.get("id"), "kind": kind, "abstained": abstained}
    ev_ranges = evidence_ranges(evidence)
    ev_total = total_len(ev_ranges)
    if matter is not None:
        res["matter"] = (overlap_len(ev_ranges, [tuple(m) for m in matter]) / ev_total) if ev_total else 0.0
    else:
        res["matter"] = None
    if kind == "absent":
        res.update(answered=abstained, gold_overlap=None, answer_in_evidence=None, retrieved=None, precision=None)
        return res
    res["answered"] = any_answer(answer or "", answers)
    gold = gold_ranges(record, document)
    if units == "bytes" and document is not None:
        gold = to_units(gold, document, "bytes", bytemap)
    res["gold_overlap"] = overlap_len(ev_ranges, gold) > 0
    ev_text = "\n".join(ev.get("text", "") for ev in evidence or [])
    res["answer_in_evidence"] = any_answer(ev_text, answers)
    res["retrieved"] = res["gold_overlap"] or res["answer_in_evidence"]
    res["precision"] = (overlap_len(ev_ranges, gold) / ev_total) if ev_total else 0.0
    return res


def _mean(xs):
    xs = [float(x) for x in xs if x is not None]
    return (sum(xs) / len(xs)) if xs else None


def aggregate(results):
    """Totals over score_one results. Accuracy counts every question; recall, overlap, answer-in-evidence
    and precision count fact questions only; abstain_rate_fact is the share of fact questions the model
    wrongly called unanswered; matter is the mean over results that have it."""
    facts = [r for r in results if r["kind"] != "absent"]
    absent = [r for r in results if r["kind"] == "absent"]
    out = {
        "n": len(results),
        "n_fact": len(facts),
        "n_absent": len(absent),
        "accuracy": _mean([r["answered"] for r in results]),
        "accuracy_fact": _mean([r["answered"] for r in facts]),
        "accuracy_absent": _mean([r["answered"] for r in absent]),
        "recall": _mean([r["retrieved"] for r in facts]),
        "gold_overlap": _mean([r["gold_overlap"] for r in facts]),
        "answer_in_evidence": _mean([r["answer_in_evidence"] for r in facts]),
        "precision": _mean([r["precision"] for r in facts]),
        "abstain_rate_fact": _mean([r["abstained"] for r in facts]),
        "matter": _mean([r["matter"] for r in results]),
        # answered although the evidence held neither gold text nor the answer: luck or outside knowledge
        "answered_without_retrieval": _mean([r["answered"] and not r["retrieved"] for r in facts]),
    }
    return out


def gutenberg_matter(text):
    """[start, end) str-index ranges of the Project Gutenberg header (up to the end of the "*** START OF"
    line), of the licence at the end (from "End of Project Gutenberg" or "*** END OF") and of the printed
    table of contents (printed_contents)."""
    out = []
    m = re.search(r"^\*\*\* ?START OF (?:THE|THIS) PROJECT GUTENBERG.*$", text, re.M | re.I)
    if m:
        out.append((0, m.end()))
    ends = [m.start() for m in re.finditer(r"^(?:End of (?:the )?Project Gutenberg|\*\*\* ?END OF (?:THE|THIS) PROJECT GUTENBERG)",
                                           text, re.M | re.I)]
    if ends:
        out.append((min(ends), len(text)))
    out += printed_contents(text)
    return sorted(out)


HEADING_LINE = re.compile(r"(?:CHAPTER|Chapter|BOOK|Book|PART|Part|VOLUME|Volume|EPILOGUE|Epilogue)\b[^\n]{0,160}")


def printed_contents(text):
    """[(start, end)]: the first run of at least three heading lines ("CHAPTER 1. Loomings.") with
    only blank lines between them whose first line appears again later as a line (the chapter it
    lists), from a "Contents" title up to three short lines above it; [] if there is none."""
    lines = [(m.start(), m.end(), m.group(0).strip()) for m in re.finditer(r"[^\n]*", text)]
    nonblank = [l for l in lines if l[2]]
    i = 0
    while i < len(nonblank):
        j = i
        while j < len(nonblank) and HEADING_LINE.fullmatch(nonblank[j][2]) and (j == i or nonblank[j][2] != nonblank[i][2]):
            j += 1  # (the run stops where its first line comes again: the first chapter itself)
        if j - i >= 3 and nonblank[i][2] in (l[2] for l in nonblank[j:]):
            start = nonblank[i][0]
            for back in range(1, 4):
                if i - back < 0 or len(nonblank[i - back][2]) > 60:
                    break
                if nonblank[i - back][2].lower().rstrip(".") in ("contents", "table of contents"):
                    start = nonblank[i - back][0]
                    break
            return [(start, nonblank[j - 1][1])]
        i = max(j, i + 1)
    return []


# ---------------------------------------------------------------------------------------------- CLI


def load_records(path):
    with open(path, encoding="utf-8") as f:
        head = f.read(1)
        f.seek(0)
        if head == "[":
            return json.load(f)
        return [json.loads(line) for line in f if line.strip()]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--self-test", action="store_true")
    ap.add_argument("--questions", help="book_questions.json or a make_haystacks.py JSONL")
    ap.add_argument("--results", help="JSONL with id, answer, evidence[, matter]")
    ap.add_argument("--book-dir", default=DEFAULT_BOOK_DIR)
    ap.add_argument("--units", choices=["chars", "bytes"], default="chars",
                    help="units of the evidence offsets (gleaner-cli's start_char/end_char are characters)")
    ap.add_argument("--raw-text", action="store_true",
                    help="use book files as they are (keep BOM and CRLF) when computing offsets")
    ap.add_argument("--gutenberg-matter", action="store_true",
                    help="count evidence in the Gutenberg header/licence as matter when results give none")
    ap.add_argument("--per-question", action="store_true", help="print one line per question")
    args = ap.parse_args(argv)
    if args.self_test:
        self_test()
        print("score.py self-test: ok")
        return 0
    if not args.questions or not args.results:
        ap.error("--questions and --results are needed (or --self-test)")
    records = {r["id"]: r for r in load_records(args.questions)}
    docs, bytemaps = {}, {}
    results = []
    for row in load_records(args.results):
        rec = records.get(row["id"])
        if rec is None:
            sys.exit("unknown question id %r in %s" % (row["id"], args.results))
        if "book" in rec:
            if rec["book"] not in docs:
                docs[rec["book"]] = read_book(os.path.join(args.book_dir, rec["book"]), raw=args.raw_text)
                bytemaps[rec["book"]] = ByteMap(docs[rec["book"]]) if args.units == "bytes" else None
            doc, bm = docs[rec["book"]], bytemaps[rec["book"]]
        else:
            doc, bm = rec["context"], None
        matter = row.get("matter")
        if matter is None and args.gutenberg_matter and "book" in rec:
            matter = to_units(gutenberg_matter(doc), doc, args.units, bm)
        r = score_one(rec, row.get("answer", ""), row.get("evidence", []), document=doc, units=args.units,
                      matter=matter, bytemap=bm)
        r["book"] = rec.get("book", rec.get("dataset"))
        results.append(r)
        if args.per_question:
            flag = lambda v: "-" if v is None else ("Y" if v else "n")
            print("%-10s %-6s A%s R%s O%s E%s P=%s  %s -> %r" % (
                r["id"], r["kind"], flag(r["answered"]), flag(r["retrieved"]), flag(r["gold_overlap"]),
                flag(r["answer_in_evidence"]), "-" if r["precision"] is None else "%.2f" % r["precision"],
                rec["question"][:60], (row.get("answer") or "")[:60]))
    summary = {"all": aggregate(results)}
    for key in sorted({r["book"] for r in results}):
        summary[key] = aggregate([r for r in results if r["book"] == key])
    print(json.dumps(summary, indent=1))
    return 0


# ------------------------------------------------------------------------------------------ self-test


def self_test():
    # answer matching
    assert contains_answer("It was the Pequod.", "Pequod")
    assert contains_answer("the pequod", "PEQUOD")
    assert contains_answer("They used flamingoes.", "flamingo")
    assert contains_answer("A life buoy.", "life-buoy") and contains_answer("a life-buoy", "life buoy")
    assert contains_answer("At St Clement's church", "St. Clement's")
    assert contains_answer("Dinah's the cat", "Dinah")
    assert contains_answer("It is always six o\u2019clock", "six o'clock")
    assert contains_answer("Caf\u00e9", "cafe")
    assert contains_answer("It is always 6 o'clock", "six o'clock") and contains_answer("six o'clock", "6 o'clock")
    assert not contains_answer("It is always 7 o'clock", "six o'clock")
    assert not contains_answer("a pipe", "Pip")
    assert not contains_answer("Billy", "Bill")
    assert not contains_answer("", "x") and not contains_answer("anything", "  ")
    # abstention
    for s in ["The book does not say.", "The book does not seem to say.", "The text doesn\u2019t mention his name.", "His name is not mentioned.",
              "There is no information about that.", "I cannot find it in the document.",
              "That is not in the book.", "Not stated in the passages.", "The document does not specify it.",
              "Her name is never given.", "I couldn't find the answer."]:
        assert says_not_stated(s), s
    for s in ["Dinah.", "It is the Pequod, not the Rachel.", "Ishmael", "He says nothing is wrong"]:
        assert not says_not_stated(s), s
    # ranges
    assert merge([(5, 7), (0, 2), (1, 3), (7, 9)]) == [(0, 3), (5, 9)]
    assert overlap_len([(0, 10)], [(5, 15), (20, 30)]) == 5
    assert overlap_len([(0, 10), (4, 12)], [(8, 9), (11, 40)]) == 2
    assert total_len([(0, 10), (5, 12)]) == 12
    doc = "Front matter.\n\nCall me\nIshmael. Some years ago \u2014 never mind how long.\r\n"
    assert find_quote(doc, "Call me Ishmael.") == [(15, 31)]
    assert find_quote(doc, "Call me\nIshmael.") == [(15, 31)]
    assert find_quote("He said \u2018no\u2019 twice", "said 'no' twice") == [(3, 18)]
    assert find_quote(doc, "not there") == []
    bm = ByteMap("a\u2014b\U0001F600c")
    assert [bm(i) for i in range(6)] == [0, 1, 4, 5, 9, 10]
    # a book question
    rec = {"id": "t-1", "kind": "fact", "answers": ["Ishmael"], "gold": [{"quote": "Call me Ishmael."}]}
    r = score_one(rec, "His name is Ishmael.", [{"start_char": 10, "end_char": 25, "text": "r.\n\nCall me\nIshm"}],
                  document=doc)
    assert r["answered"] and r["gold_overlap"] and not r["answer_in_evidence"] and r["retrieved"], r
    assert abs(r["precision"] - 10 / 15) < 1e-9, r
    assert r["matter"] is None
    r = score_one(rec, "Queequeg", [{"start_char": 40, "end_char": 50, "text": "... Ishmael ..."}], document=doc,
                  matter=[[0, 13], [45, 60]])
    assert not r["answered"] and not r["gold_overlap"] and r["answer_in_evidence"] and r["retrieved"], r
    assert r["precision"] == 0.0 and abs(r["matter"] - 0.5) < 1e-9, r
    r = score_one(rec, "The book does not say.", [], document=doc)
    assert not r["answered"] and r["abstained"] and not r["retrieved"] and r["precision"] == 0.0
    # the same question with byte offsets: the em dash is 3 bytes, the gold quote lies before it
    udoc = "\u2014\u2014Call me Ishmael."
    r = score_one(rec, "Ishmael", [{"start_char": 6, "end_char": 10, "text": "Call"}], document=udoc, units="bytes")
    assert r["gold_overlap"] and r["precision"] == 1.0, r
    r = score_one(rec, "Ishmael", [{"start_char": 2, "end_char": 6, "text": "Call"}], document=udoc, units="chars")
    assert r["gold_overlap"] and r["precision"] == 1.0, r
    # absent question
    ab = {"id": "t-2", "kind": "absent", "answers": [], "gold": []}
    r = score_one(ab, "The novel never mentions her name.", [{"start_char": 0, "end_char": 5, "text": "x"}])
    assert r["answered"] and r["retrieved"] is None and r["precision"] is None, r
    assert not score_one(ab, "Her name is Mary.", [])["answered"]
    # haystack record
    hs = {"id": "h-1", "dataset": "squad", "question": "q?", "answers": ["France"],
          "context": "Document 1:\nabc\n\nDocument 2:\nNormandy is in France.", "gold": [{"start": 29, "end": 51}]}
    assert hs["context"][29:51] == "Normandy is in France."
    r = score_one(hs, "france", [{"start_char": 25, "end_char": 35, "text": "2:\nNormandy"}])
    assert r["answered"] and r["gold_overlap"] and not r["answer_in_evidence"] and abs(r["precision"] - 0.6) < 1e-9
    # a missing quote is an error, not a silent miss
    try:
        score_one({"id": "t-3", "answers": ["x"], "gold": [{"quote": "nowhere"}]}, "x", [], document=doc)
        raise AssertionError("missing quote accepted")
    except ValueError:
        pass
    # gutenberg matter
    g = "Title\n*** START OF THIS PROJECT GUTENBERG EBOOK X ***\nBody\nEnd of Project Gutenberg's X\nLicence"
    m = gutenberg_matter(g)
    assert m[0] == (0, g.index("\nBody")) and g[m[1][0]:].startswith("End of Project") and m[1][1] == len(g), m
    # the printed contents: from its title to its last line, not the chapters it lists
    c = "Title\n\nCONTENTS\n\nCHAPTER 1. Loomings.\n\nCHAPTER 2. The Bag.\n\nEpilogue\n\nCHAPTER 1. Loomings.\n\nCall me"
    assert printed_contents(c) == [(c.index("CONTENTS"), c.index("Epilogue") + len("Epilogue"))], printed_contents(c)
    assert printed_contents(c.replace("CHAPTER 1. Loomings.\n\nCall", "Call")) == []  # a list of nothing
    # aggregate
    rs = [score_one(rec, "Ishmael", [{"start_char": 15, "end_char": 31, "text": "Call me Ishmael."}], document=doc),
          score_one(rec, "no idea", [], document=doc),
          score_one(ab, "not mentioned", []),
          score_one(ab, "Mary", [])]
    a = aggregate(rs)
    assert a["n"] == 4 and a["n_fact"] == 2 and a["n_absent"] == 2
    assert a["accuracy"] == 0.5 and a["accuracy_fact"] == 0.5 and a["accuracy_absent"] == 0.5
    assert a["recall"] == 0.5 and a["precision"] == 0.5 and a["gold_overlap"] == 0.5 and a["matter"] is None
    assert a["answered_without_retrieval"] == 0.0 and a["abstain_rate_fact"] == 0.0
    assert aggregate([])["accuracy"] is None


if __name__ == "__main__":
    sys.exit(main())
