#!/usr/bin/env python3
"""The speed table: gleaner-cli bench against llama.cpp's llama-bench on every installed model.

For each model (every .gguf in the models folder, or each --model FILE) it prints the weight
types (tensors per ggml type, read from the GGUF header) and head_dim, then prefill and decode
tokens per second: ours (`gleaner-cli bench --json`) and, with --llama-bench, llama.cpp's
(`llama-bench -o json`). Rounds alternate: round r runs ours then the peer on each model, so both
see the same machine load; each figure is the best of the rounds. With --read FILE it also
measures `gleaner-cli read` (tokens, wall seconds, tokens/s, peak RSS) at each thread count,
optionally with a competing busy loop pinned to CPU 0 (--contention).

Python 3 standard library only. The report (markdown) goes to stdout and, with --markdown-out,
to a file; progress goes to stderr.

  python3 tests/bench/speed_table.py [--llama-bench PATH] [--threads T] [--rounds 3]
      [--prompt-tokens 512] [--gen-tokens 128] [--models-dir DIR | --model FILE ...]
      [--read BOOK [--read-model M] [--read-threads 1,2] [--read-prefix-chars N] [--contention]]
      [--markdown-out FILE]
"""
import argparse
import datetime
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# ggml type ids (ggml.h, enum ggml_type) -> names
GGML_TYPES = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 6: "Q5_0", 7: "Q5_1", 8: "Q8_0", 9: "Q8_1",
    10: "Q2_K", 11: "Q3_K", 12: "Q4_K", 13: "Q5_K", 14: "Q6_K", 15: "Q8_K", 16: "IQ2_XXS",
    17: "IQ2_XS", 18: "IQ3_XXS", 19: "IQ1_S", 20: "IQ4_NL", 21: "IQ3_S", 22: "IQ2_S", 23: "IQ4_XS",
    24: "I8", 25: "I16", 26: "I32", 27: "I64", 28: "F64", 29: "IQ1_M", 30: "BF16", 34: "TQ1_0",
    35: "TQ2_0", 39: "MXFP4",
}

# GGUF metadata value types -> struct format of a scalar (8 = string, 9 = array)
GGUF_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# GGUF header


def read_gguf_header(path):
    """Returns (metadata, tensors): metadata maps key -> scalar or string (arrays are skipped and
    kept as None), tensors is a list of (name, shape, ggml type id). GGUF versions 2 and 3."""

    with open(path, "rb") as f:

        def unpack(fmt):
            size = struct.calcsize(fmt)
            data = f.read(size)
            if len(data) != size:
                raise ValueError(f"{path}: truncated GGUF header")
            return struct.unpack(fmt, data)[0]

        def string():
            n = unpack("<Q")
            return f.read(n).decode("utf-8", errors="replace")

        def value(vtype):
            if vtype in GGUF_SCALARS:
                return unpack(GGUF_SCALARS[vtype])
            if vtype == 8:
                return string()
            if vtype == 9:
                etype, count = unpack("<I"), unpack("<Q")
                if etype in GGUF_SCALARS:
                    f.seek(struct.calcsize(GGUF_SCALARS[etype]) * count, 1)
                else:
                    for _ in range(count):
                        value(etype)
                return None
            raise ValueError(f"{path}: unknown GGUF value type {vtype}")

        if f.read(4) != b"GGUF":
            raise ValueError(f"{path}: not a GGUF file")
        version = unpack("<I")
        if version < 2:
            raise ValueError(f"{path}: GGUF version {version} is not supported (2 or 3)")
        n_tensors, n_kv = unpack("<Q"), unpack("<Q")
        meta = {}
        for _ in range(n_kv):
            key = string()
            meta[key] = value(unpack("<I"))
        tensors = []
        for _ in range(n_tensors):
            name = string()
            n_dims = unpack("<I")
            shape = [unpack("<Q") for _ in range(n_dims)]
            ttype = unpack("<I")
            unpack("<Q")  # offset
            tensors.append((name, shape, ttype))
    return meta, tensors


def describe_model(path):
    meta, tensors = read_gguf_header(path)
    counts = {}
    for _, _, t in tensors:
        name = GGML_TYPES.get(t, f"type{t}")
        counts[name] = counts.get(name, 0) + 1
    weights = ", ".join(f"{n} x{c}" for n, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    arch = meta.get("general.architecture", "")
    head_dim = meta.get(f"{arch}.attention.key_length")
    if head_dim is None:
        emb, heads = meta.get(f"{arch}.embedding_length"), meta.get(f"{arch}.attention.head_count")
        head_dim = emb // heads if emb and heads else None
    return {"arch": arch, "weights": weights, "head_dim": head_dim, "types": counts}


# ---------------------------------------------------------------------------------------------
# running things


def run(cmd, timeout):
    """Runs cmd; returns (returncode, stdout, stderr)."""
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return 124, "", f"timed out after {timeout} s"
    except OSError as e:
        return 127, "", str(e)
    return p.returncode, p.stdout, p.stderr


def last_json_object(text):
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    return json.loads(text)


def tail(text, n=3):
    return " | ".join(text.strip().splitlines()[-n:])


def run_ours(a, model):
    cmd = [a.gleaner, "bench", "--model", str(model), "--prompt-tokens", str(a.prompt_tokens), "--gen-tokens",
           str(a.gen_tokens), "--threads", str(a.threads), "--reps", str(a.reps), "--json"]
    rc, out, err = run(cmd, a.timeout)
    if rc != 0:
        log(f"  gleaner-cli bench failed (exit {rc}): {tail(err)}")
        return None
    try:
        j = last_json_object(out)
        return {"pp": j.get("prefill_tok_s"), "tg": j.get("decode_tok_s"), "backend": j.get("backend")}
    except (ValueError, KeyError) as e:
        log(f"  gleaner-cli bench: unreadable JSON ({e}): {tail(out)}")
        return None


def run_peer(a, model):
    cmd = [a.llama_bench, "-m", str(model), "-p", str(a.prompt_tokens), "-n", str(a.gen_tokens), "-t", str(a.threads),
           "-r", str(a.reps), "-o", "json"]
    rc, out, err = run(cmd, a.timeout)
    if rc != 0:
        log(f"  llama-bench failed (exit {rc}): {tail(err)}")
        return None
    try:
        entries = json.loads(out)
    except ValueError as e:
        log(f"  llama-bench: unreadable JSON ({e}): {tail(out)}")
        return None
    r = {"pp": None, "tg": None, "version": None}
    for e in entries:
        if e.get("n_prompt", 0) > 0 and e.get("n_gen", 0) == 0:
            r["pp"] = e.get("avg_ts")
        elif e.get("n_gen", 0) > 0 and e.get("n_prompt", 0) == 0:
            r["tg"] = e.get("avg_ts")
        if e.get("build_commit"):
            r["version"] = f"build {e.get('build_number')}, commit {e.get('build_commit')}"
    return r


def peer_version(path):
    # llama-bench --version prints "version: X (build N, commit C)" (on stderr in current builds)
    rc, out, err = run([path, "--version"], 30)
    for line in (out + "\n" + err).splitlines():
        if line.startswith("version:"):
            return line.split(":", 1)[1].strip()
    return None


def git_commit():
    rc, out, _ = run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], 30)
    if rc != 0:
        return "unknown"
    commit = out.strip()
    rc, out, _ = run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"], 30)
    return commit + (" (with uncommitted changes)" if rc == 0 and out.strip() else "")


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def fmt_ts(x):
    if x is None:
        return "-"
    return f"{x:.0f}" if x >= 100 else f"{x:.1f}"


def best(values):
    values = [v for v in values if v is not None]
    return max(values) if values else None


# ---------------------------------------------------------------------------------------------
# reading throughput


def busy_loop():
    """A CPU-bound Python process pinned to CPU 0 (or the lowest CPU this process may use)."""
    cpu = 0 if 0 in os.sched_getaffinity(0) else min(os.sched_getaffinity(0))
    code = f"import os\nos.sched_setaffinity(0, {{{cpu}}})\nwhile True:\n    pass\n"
    return subprocess.Popen([sys.executable, "-c", code]), cpu


def run_read(a, book, threads, tmp):
    """One `gleaner-cli read` into a fresh cache dir; returns a dict of figures or None."""
    cache = tempfile.mkdtemp(prefix="cache-", dir=tmp)
    cmd = [a.gleaner, "read", str(book), "--model", str(a.read_model), "--threads", str(threads), "--cache-dir",
           cache, "--json", "--quiet"]
    gnu_time = shutil.which("time", path="/usr/bin")
    rss_file = os.path.join(tmp, "time-v.txt")
    if gnu_time:
        cmd = [gnu_time, "-v", "-o", rss_file] + cmd
    out_path, err_path = os.path.join(tmp, "read.out"), os.path.join(tmp, "read.err")
    with open(out_path, "w") as out, open(err_path, "w") as err:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdout=out, stderr=err)
        # wait4 gives this child's own rusage (ru_maxrss in KiB): the fallback without GNU time
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
    with open(out_path) as f:
        stdout = f.read()
    with open(err_path) as f:
        stderr = f.read()
    shutil.rmtree(cache, ignore_errors=True)
    if p.returncode != 0:
        log(f"  gleaner-cli read failed (exit {p.returncode}): {tail(stderr)}")
        return None
    rss_kib, rss_from = usage.ru_maxrss, "wait4 ru_maxrss"
    if gnu_time:
        with open(rss_file) as f:
            for line in f:
                if "Maximum resident set size" in line:
                    rss_kib, rss_from = int(line.rsplit(":", 1)[1]), "/usr/bin/time -v"
    j = last_json_object(stdout)
    tokens = j["read_tokens"] - j.get("resumed_from", 0)
    return {"threads": threads, "tokens": tokens, "document_tokens": j.get("document_tokens"), "wall": wall,
            "read_s": j.get("read_s"), "wall_ts": tokens / wall, "read_ts": j.get("tokens_per_s"),
            "rss_mib": rss_kib / 1024, "rss_from": rss_from}


def prefix_text(a, tmp):
    """The first --read-prefix-chars characters of --read as a .txt (a non-text book through
    `gleaner-cli text`)."""
    src = Path(a.read)
    text = None
    if src.suffix.lower() in (".txt", ".md", ".text", ""):
        try:
            text = src.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            text = None
    if text is None:
        rc, out, err = run([a.gleaner, "text", str(src)], a.timeout)
        if rc != 0:
            sys.exit(f"--read-prefix-chars: gleaner-cli text {src} failed: {tail(err)}")
        text = out
    dst = Path(tmp) / f"{src.stem}-first{a.read_prefix_chars}.txt"
    dst.write_text(text[: a.read_prefix_chars], encoding="utf-8")
    return dst


def read_section(a, lines):
    tmp = tempfile.mkdtemp(prefix="gleaner-speed-")
    try:
        book = prefix_text(a, tmp) if a.read_prefix_chars else Path(a.read)
        what = f"the first {a.read_prefix_chars:,} characters of {a.read}" if a.read_prefix_chars else str(a.read)
        rows = []
        for t in a.read_threads:
            log(f"read {book.name} with {Path(a.read_model).name}, {t} thread(s)")
            rows.append(run_read(a, book, t, tmp))
        contended = None
        if a.contention:
            t = max(a.read_threads)
            hog, cpu = busy_loop()
            try:
                time.sleep(0.5)
                log(f"read with {t} thread(s) while a busy loop runs on CPU {cpu}")
                contended = run_read(a, book, t, tmp)
            finally:
                hog.terminate()
                hog.wait()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    lines += ["", "## Reading throughput (`gleaner-cli read`)", "",
              f"{what[0].upper() + what[1:]} with {Path(a.read_model).name}; a fresh reading-memory folder each run. "
              "Wall time is the whole command (model load included); reading tok/s is the command's own "
              "`tokens_per_s` (the reading loop only).", "",
              "| threads | tokens read | wall s | tok/s (wall) | tok/s (reading) | peak RSS MiB |",
              "|---|---|---|---|---|---|"]
    rss_from = None

    def row(label, r):
        nonlocal rss_from
        if r is None:
            return f"| {label} | failed | | | | |"
        rss_from = r["rss_from"]
        return (f"| {label} | {r['tokens']:,} | {r['wall']:.2f} | {fmt_ts(r['wall_ts'])} | {fmt_ts(r['read_ts'])} | "
                f"{r['rss_mib']:.0f} |")

    for t, r in zip(a.read_threads, rows):
        lines.append(row(str(t), r))
    if a.contention:
        t = max(a.read_threads)
        lines.append(row(f"{t}, busy loop on CPU 0", contended))
        quiet = rows[a.read_threads.index(t)]
        if quiet and contended and quiet["read_ts"] and contended["read_ts"] is not None:
            lines += ["", f"Under contention (a Python busy loop pinned to CPU 0), reading with {t} thread(s) kept "
                          f"**{contended['read_ts'] / quiet['read_ts']:.0%}** of its quiet speed "
                          f"({fmt_ts(contended['read_ts'])} vs {fmt_ts(quiet['read_ts'])} tok/s, reading loop); "
                          f"wall: {contended['wall_ts'] / quiet['wall_ts']:.0%}."]
    if rss_from:
        lines += ["", f"Peak RSS from {rss_from}."]


# ---------------------------------------------------------------------------------------------


def default_gleaner():
    for p in (ROOT / "build-h2/bin/gleaner-cli", ROOT / "build/bin/gleaner-cli"):
        if p.exists():
            return str(p)
    return str(ROOT / "build/bin/gleaner-cli")


def default_models_dir():
    data = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    return Path(data) / "gleaner" / "models"


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gleaner", default=default_gleaner(),
                    help="gleaner-cli binary (default: build-h2/bin/gleaner-cli if it exists, else build/bin/gleaner-cli)")
    ap.add_argument("--llama-bench", default=os.environ.get("LLAMA_BENCH"),
                    help="llama.cpp's llama-bench (default: $LLAMA_BENCH); without it only our columns")
    ap.add_argument("--models-dir", type=Path, default=default_models_dir(),
                    help="every .gguf here is measured (default: ${XDG_DATA_HOME:-~/.local/share}/gleaner/models)")
    ap.add_argument("--model", action="append", type=Path, default=[],
                    help="measure this GGUF instead of the models folder (repeatable)")
    ap.add_argument("--prompt-tokens", type=int, default=512)
    ap.add_argument("--gen-tokens", type=int, default=128)
    ap.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)),
                    help="threads for both (default: the CPUs this process may use)")
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds; each figure is the best (default 3)")
    ap.add_argument("--reps", type=int, default=1,
                    help="repetitions inside one run: gleaner-cli bench --reps, llama-bench -r (default 1)")
    ap.add_argument("--timeout", type=int, default=3600, help="seconds allowed to one command (default 3600)")
    ap.add_argument("--read", help="also measure gleaner-cli read on this book")
    ap.add_argument("--read-model", type=Path, help="model for --read (default: the qwen2.5-coder-0.5b GGUF)")
    ap.add_argument("--read-threads", default="1,2", help="thread counts for --read (default 1,2)")
    ap.add_argument("--read-prefix-chars", type=int, help="read only the first N characters of --read")
    ap.add_argument("--contention", action="store_true",
                    help="also read at the largest thread count with a busy loop pinned to CPU 0")
    ap.add_argument("--markdown-out", type=Path, help="write the report to this file too")
    a = ap.parse_args()
    if not os.access(a.gleaner, os.X_OK):
        ap.error(f"no gleaner-cli at {a.gleaner} (build it, or pass --gleaner)")
    if a.llama_bench and not os.access(a.llama_bench, os.X_OK):
        ap.error(f"--llama-bench {a.llama_bench}: not an executable file")
    a.models = a.model or sorted(a.models_dir.glob("*.gguf"))
    if not a.models:
        ap.error(f"no .gguf in {a.models_dir} (pass --model FILE or --models-dir DIR)")
    for m in a.models:
        if not m.is_file():
            ap.error(f"no model file {m}")
    try:
        a.read_threads = sorted({int(t) for t in a.read_threads.split(",") if t.strip()})
    except ValueError:
        ap.error("--read-threads: expected numbers separated by commas, e.g. 1,2")
    if a.read:
        if not os.path.isfile(a.read):
            ap.error(f"--read {a.read}: no such file")
        if a.read_model is None:
            found = sorted(a.models_dir.glob("qwen2.5-coder-0.5b*.gguf"))
            if not found:
                ap.error(f"--read: no qwen2.5-coder-0.5b GGUF in {a.models_dir}; pass --read-model")
            a.read_model = found[0]
        if not a.read_threads:
            ap.error("--read-threads: at least one thread count")
    if a.rounds < 1 or a.reps < 1 or a.threads < 1:
        ap.error("--rounds, --reps and --threads are at least 1")
    return a


def main():
    a = parse_args()
    models = [(m, describe_model(m)) for m in a.models]
    version = peer_version(a.llama_bench) if a.llama_bench else None
    load = os.getloadavg()

    ours = {m: [] for m, _ in models}
    peer = {m: [] for m, _ in models}
    backend = None
    for r in range(1, a.rounds + 1):
        for m, _ in models:
            log(f"round {r}/{a.rounds}: {m.name}")
            o = run_ours(a, m)
            ours[m].append(o)
            backend = backend or (o and o.get("backend"))
            msg = f"  gleaner   prefill {fmt_ts(o and o['pp'])}  decode {fmt_ts(o and o['tg'])} tok/s"
            if a.llama_bench:
                p = run_peer(a, m)
                peer[m].append(p)
                version = version or (p and p.get("version"))
                msg += f" | llama.cpp prefill {fmt_ts(p and p['pp'])}  decode {fmt_ts(p and p['tg'])} tok/s"
            log(msg)

    _, glv, _ = run([a.gleaner, "--version"], 30)
    now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    P, G = a.prompt_tokens, a.gen_tokens
    lines = [
        f"Measured {now} on {cpu_model()} ({os.cpu_count()} CPUs; 1-minute load average {load[0]:.2f} at the "
        f"start, {os.getloadavg()[0]:.2f} at the end of the speed rounds), "
        f"{a.threads} thread(s), each figure the best of {a.rounds} round(s)"
        + (" (alternating: each round runs ours then llama.cpp on each model), " if a.llama_bench else ", ")
        + f"{a.reps} rep(s) per run; gleaner commit {git_commit()} "
        f"({glv.strip() or 'gleaner-cli'} at {a.gleaner}"
        f"{', backend ' + backend if backend else ''}); "
        + (f"llama.cpp llama-bench {version or 'version unknown'} at {a.llama_bench}." if a.llama_bench
           else "no llama.cpp peer (--llama-bench not given)."),
        "",
    ]
    if load[0] >= 0.5:
        lines += [f"Note: the machine was not quiet at the start (load average {load[0]:.2f}): the figures may be low"
                  + (", llama.cpp's especially (its OpenMP threads spin-wait, and slow down sharply when another "
                     "process shares their cores)" if a.llama_bench else "")
                  + ". Measure on an idle machine for the table.", ""]
    peer_cols = " (ours / llama.cpp)" if a.llama_bench else " (ours)"
    lines += [f"| model | weights | head_dim | prefill {P}{peer_cols} | decode {G}{peer_cols} |", "|---|---|---|---|---|"]

    def cell(o, p):
        if not a.llama_bench:
            return f"{fmt_ts(o)} tok/s" if o is not None else "failed"
        ratio = f" ({o / p:.2f}x)" if o and p else ""
        return f"{fmt_ts(o)} / {fmt_ts(p)} tok/s{ratio}"

    for m, d in models:
        o_pp = best(x["pp"] for x in ours[m] if x)
        o_tg = best(x["tg"] for x in ours[m] if x)
        p_pp = best(x["pp"] for x in peer[m] if x)
        p_tg = best(x["tg"] for x in peer[m] if x)
        lines.append(f"| {m.stem} | {d['weights']} | {d['head_dim'] if d['head_dim'] is not None else '?'} | "
                     f"{cell(o_pp, p_pp)} | {cell(o_tg, p_tg)} |")
    if a.rounds > 1:
        lines += ["", "Every round (prefill, decode tok/s):", ""]
        for m, _ in models:
            rs = []
            for i, o in enumerate(ours[m]):
                s = f"ours {fmt_ts(o and o['pp'])}, {fmt_ts(o and o['tg'])}"
                if a.llama_bench:
                    p = peer[m][i]
                    s += f"; llama.cpp {fmt_ts(p and p['pp'])}, {fmt_ts(p and p['tg'])}"
                rs.append(f"({s})")
            lines.append(f"- {m.stem}: " + " ".join(rs))

    if a.read:
        read_section(a, lines)

    report = "\n".join(lines) + "\n"
    sys.stdout.write(report)
    if a.markdown_out:
        a.markdown_out.write_text(report)
        log(f"wrote {a.markdown_out}")
    failed = any(x is None for v in ours.values() for x in v)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
