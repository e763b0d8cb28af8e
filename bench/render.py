#!/usr/bin/env python3
"""Turns bench/run.sh's results (JSON lines) into a terminal table and a markdown report.

Each input line is one wrk run:
  {"frontend": "nginx" | "apache-proxy-fcgi" | "apache-fcgid" (nginx when missing), "scenario": id, "label": text, "workers": N or null, "round": R, "background_cpu": pct,
   "other_cpu": pct, "responder_cpu": {"user_s": s, "system_s": s} or null,
   "result": {BENCH_RESULT from bench/lua/common.lua}}
Runs of the same scenario and worker count (the rounds) are summarised by their median; the
req/s column also shows the spread (lowest–highest) when there are several rounds.
A scenario is compared with the static-file ceiling of the run, with the C libfcgi responder
(scenario "c_fcgi") and with the bare Swift responder (scenario "bare") at the same worker count,
all behind the same front end: a run with several front ends gets a table (and targets) per
front end.
"CPU µs/req" is the responder's CPU time (user + kernel, its threads and processes) over the
requests it answered, "kernel" the kernel's share of it.

The "× bare" column and the targets use ratio(): the median over rounds of the ratio within
each round, or the ratio of the medians when the rounds do not pair up.
Targets: --target 'LABEL|NUMERATOR|DENOMINATOR|METRIC|OP|THRESHOLD', evaluated at every worker
count where both scenarios ran.  METRIC: rps, p50, p99 (ms), cpu_us.  OP: >= or <=.  An empty
DENOMINATOR compares the metric itself with THRESHOLD.  With --deployed-workers N, a target binds
at N workers (what `make run` deploys) and is shown, as a comparison that fails nothing, at the
other counts.
--grow FILE adds the million-user section (bench/growth_report.py).
Exit status: 1 if a run had errors (non-2xx or socket errors), or if a target failed and
--strict-targets was given; 0 otherwise.
"""
import argparse
import json
import math
import statistics
import sys


# Front ends as the report's section headings name them (bench/apache.sh).
FRONTEND_TITLES = {
    "nginx": "Behind nginx",
    "apache-proxy-fcgi": "Behind Apache mod_proxy_fcgi (mpm_event)",
    "apache-fcgid": "Behind Apache mod_fcgid (mpm_event)",
}
# The ceilings' labels start with their front end's name; the others are shown as code.
CEILING_PREFIXES = ("nginx", "Apache")


def load(path):
    runs = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                runs.append(json.loads(line))
    for run in runs:
        r = run["result"]
        seconds = r["duration_us"] / 1e6 if r["duration_us"] else 0
        run["rps"] = r["requests"] / seconds if seconds else 0.0
        run["p50"] = r["p50_us"] / 1000.0
        run["p99"] = r["p99_us"] / 1000.0
        run["non2xx"] = r["status_errors"]
        run["socket_errors"] = r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["timeouts"]
        run.setdefault("frontend", "nginx")
        run.setdefault("round", 1)
        run.setdefault("background_cpu", 0)
        cpu = run.get("responder_cpu")
        run["cpu_us"] = 1e6 * (cpu["user_s"] + cpu["system_s"]) / r["requests"] if cpu and r["requests"] else None
        run["kernel_share"] = (cpu["system_s"] / (cpu["user_s"] + cpu["system_s"])
                               if cpu and cpu["user_s"] + cpu["system_s"] > 0 else None)
    return runs


def summarise(runs):
    """One row per (frontend, scenario, workers), in order of first appearance."""
    rows, index = [], {}
    for run in runs:
        key = (run["frontend"], run["scenario"], run["workers"])
        if key not in index:
            index[key] = len(rows)
            rows.append({"frontend": run["frontend"], "scenario": run["scenario"], "label": run["label"],
                         "workers": run["workers"], "runs": []})
        rows[index[key]]["runs"].append(run)
    for row in rows:
        rs = row["runs"]
        for metric in ("rps", "p50", "p99"):
            row[metric] = statistics.median(r[metric] for r in rs)
        for metric in ("cpu_us", "kernel_share"):
            values = [r[metric] for r in rs if r[metric] is not None]
            row[metric] = statistics.median(values) if values else None
        row["rps_min"] = min(r["rps"] for r in rs)
        row["rps_max"] = max(r["rps"] for r in rs)
        row["non2xx"] = sum(r["non2xx"] for r in rs)
        row["socket_errors"] = sum(r["socket_errors"] for r in rs)
        row["requests"] = sum(r["result"]["requests"] for r in rs)
    return rows


def fmt_ms(value):
    return "%.2f" % value if value < 10 else "%.1f" % value


def fmt_ratio(value):
    return "—" if value is None else "%.2f" % value


def ratio(a, b, metric):
    """a/b for a metric: the median of the per-round ratios when the rounds pair up (the two
    runs of a round are close in time, so drift of the machine cancels out), otherwise the ratio
    of the medians.  Returns (value, per-round ratios or None)."""
    a_rounds = {r["round"]: r for r in a["runs"]}
    b_rounds = {r["round"]: r for r in b["runs"]}
    if (len(a_rounds) > 1 and len(a_rounds) == len(a["runs"]) and len(b_rounds) == len(b["runs"])
            and a_rounds.keys() == b_rounds.keys() and all(r[metric] for r in b["runs"])):
        ratios = [a_rounds[k][metric] / b_rounds[k][metric] for k in sorted(a_rounds)]
        return statistics.median(ratios), ratios
    return (a[metric] / b[metric] if b[metric] else None), None


def build_table(rows, show_spread):
    static = next((r for r in rows if r["scenario"] == "static"), None)
    bare = {r["workers"]: r for r in rows if r["scenario"] == "bare"}
    c_fcgi = {r["workers"]: r for r in rows if r["scenario"] == "c_fcgi"}
    table = []
    for r in rows:
        err_text = "0"
        if r["non2xx"] or r["socket_errors"]:
            err_text = "%d non-2xx" % r["non2xx"]
            if r["socket_errors"]:
                err_text += ", %d socket" % r["socket_errors"]
            err_text += " !!"
        ceiling_bare = bare.get(r["workers"])
        ceiling_c = c_fcgi.get(r["workers"])
        cells = [
            r["label"],
            "—" if r["workers"] is None else str(r["workers"]),
            "%.0f" % r["rps"],
        ]
        if show_spread:
            cells.append("%.0f–%.0f" % (r["rps_min"], r["rps_max"]) if len(r["runs"]) > 1 else "")
        cells += [
            fmt_ms(r["p50"]),
            fmt_ms(r["p99"]),
            err_text,
            fmt_ratio(r["rps"] / static["rps"] if static and static["rps"] else None),
            fmt_ratio(ratio(r, ceiling_c, "rps")[0]
                      if ceiling_c and r["scenario"] != "static" else None),
            fmt_ratio(ratio(r, ceiling_bare, "rps")[0]
                      if ceiling_bare and r["scenario"] != "static" else None),
            "—" if r["cpu_us"] is None else "%.1f" % r["cpu_us"],
            "—" if r["kernel_share"] is None else "%.0f %%" % (100 * r["kernel_share"]),
        ]
        table.append(cells)
    return table


def header(show_spread):
    return (["scenario", "workers", "req/s"] + (["req/s range"] if show_spread else [])
            + ["p50 ms", "p99 ms", "errors", "× static", "× C", "× bare", "CPU µs/req", "kernel"])


def text_table(table, head):
    widths = [max(len(head[i]), *(len(row[i]) for row in table)) for i in range(len(head))]
    left = {0, head.index("errors")}

    def line(cells):
        return "  ".join(c.ljust(widths[i]) if i in left else c.rjust(widths[i]) for i, c in enumerate(cells))
    return "\n".join([line(head), "  ".join("-" * w for w in widths)] + [line(row) for row in table])


def markdown_table(table, head):
    align = ["---" if h in ("scenario", "errors") else "---:" for h in head]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(align) + "|"]
    for row in table:
        cells = [c.replace("|", "\\|") for c in row]
        if not cells[0].startswith(CEILING_PREFIXES):
            cells[0] = "`%s`" % cells[0]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def evaluate_targets(rows, specs, deployed=None):
    by_key = {(r["scenario"], r["workers"]): r for r in rows}
    worker_counts = []
    for r in rows:
        if r["workers"] is not None and r["workers"] not in worker_counts:
            worker_counts.append(r["workers"])
    verdicts = []
    for spec in specs:
        label, numerator, denominator, metric, op, threshold = spec.split("|")
        threshold = float(threshold)
        for workers in worker_counts:
            a = by_key.get((numerator, workers))
            if denominator:
                b = by_key.get((denominator, workers))
                if not a or not b or not b[metric]:
                    continue
                value, ratios = ratio(a, b, metric)
                how = ("median of %d paired rounds: %s" % (len(ratios), ", ".join("%.3f" % x for x in ratios))
                       if ratios else None)
            else:
                b = None
                if not a or a[metric] is None:
                    continue
                value, rounds = a[metric], [r[metric] for r in a["runs"] if r[metric] is not None]
                how = "median of %d rounds: %s" % (len(rounds), ", ".join("%.1f" % x for x in rounds)) if len(rounds) > 1 else None
            if value is None:
                continue
            passed = value >= threshold if op == ">=" else value <= threshold
            tainted = sum(x["non2xx"] + x["socket_errors"] for x in (a, b) if x) > 0
            verdict = "PASS" if passed and not tainted else "FAIL"
            # Rounded towards failing, so that a shown value never seems to meet a missed target.
            digits = 1000 if denominator else 10
            shown = (math.floor if op == ">=" else math.ceil)(value * digits) / digits
            text = "%s = %s (target %s %s): %s  [%d workers%s]" % (
                label, ("%.3f" if denominator else "%.1f") % shown, op, ("%.2f" if denominator else "%g") % threshold,
                verdict, workers, "; " + how if how else "")
            if tainted:
                text += " — INVALID: errors during the measurement"
            binding = deployed is None or workers == deployed
            if not binding:
                text += " — a comparison, not a target: %d workers are deployed" % deployed
            verdicts.append((verdict == "PASS" or not binding, text))
    return verdicts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("results")
    parser.add_argument("--markdown", required=True)
    parser.add_argument("--meta", default=None, help="JSON file: run parameters for the report header")
    parser.add_argument("--target", action="append", default=[])
    parser.add_argument("--note", action="append", default=[])
    parser.add_argument("--strict-targets", action="store_true")
    parser.add_argument("--deployed-workers", type=int, default=None,
                        help="the worker count make run deploys: targets bind there only")
    parser.add_argument("--grow", default=None, help="bench/grow.sh's JSON lines: the million-user section")
    args = parser.parse_args()

    runs = load(args.results)
    rows = summarise(runs)
    show_spread = any(len(r["runs"]) > 1 for r in rows)
    head = header(show_spread)
    frontends = list(dict.fromkeys(r["frontend"] for r in rows))
    several = frontends != ["nginx"]
    # (title or None, table, verdicts) per front end: one untitled section for nginx alone.
    sections = []
    for frontend in frontends:
        own = [r for r in rows if r["frontend"] == frontend]
        sections.append((FRONTEND_TITLES.get(frontend, frontend) if several else None,
                         build_table(own, show_spread), evaluate_targets(own, args.target, args.deployed_workers)))
    verdicts = [v for _, _, vs in sections for v in vs]
    broken = [r for r in rows if r["non2xx"] or r["socket_errors"]]
    # Other work on the machine during a run (OTHER_THRESHOLD in run.sh); older files only
    # have the sample taken before the run.
    busy_notes = ["other work used %d%% of the machine during '%s'%s%s, round %d: treat that row with care"
                  % (r.get("other_cpu", r["background_cpu"]), r["label"],
                     " behind " + r["frontend"] if several else "",
                     "" if r["workers"] is None else " (workers %d)" % r["workers"], r["round"])
                  for r in runs if r.get("other_cpu", r["background_cpu"]) > 10]
    meta = {}
    if args.meta:
        with open(args.meta) as f:
            meta = json.load(f)

    for title, table, own_verdicts in sections:
        print()
        if title:
            print("== %s" % title)
        print(text_table(table, head))
        print()
        for _, text in own_verdicts:
            print(text)
    for note in args.note + busy_notes:
        print("NOTE: " + note)
    if broken:
        print()
        print("!" * 78)
        for r in broken:
            print("!! ERRORS in '%s' (%s, workers %s): %d non-2xx responses, %d socket errors — its figures are NOT valid"
                  % (r["label"], r["frontend"], r["workers"], r["non2xx"], r["socket_errors"]))
        print("!" * 78)

    md = ["### Run of %s" % meta.get("date", "?"), ""]
    for key in ("machine", "software", "load", "frontends", "build", "dataset"):
        if meta.get(key):
            md.append("- %s: %s" % (key if key != "dataset" else "data", meta[key]))
    if meta:
        md.append("")
    for title, table, own_verdicts in sections:
        if title:
            md += ["#### " + title, ""]
        md.append(markdown_table(table, head))
        md.append("")
        for _, text in own_verdicts:
            md.append("- " + text)
        if title:
            md.append("")
    for note in args.note + busy_notes:
        md.append("- Note: " + note)
    for r in broken:
        md.append("- **ERRORS in `%s` (%s, workers %s): %d non-2xx responses, %d socket errors: figures not valid.**"
                  % (r["label"], r["frontend"], r["workers"], r["non2xx"], r["socket_errors"]))
    if args.grow:
        import growth_report
        grown = growth_report.section(rows, growth_report.load(args.grow), ratio)
        print("\n".join(grown))
        md += grown
    with open(args.markdown, "w") as f:
        f.write("\n".join(md) + "\n")

    if broken:
        return 1
    if args.strict_targets and not all(ok for ok, _ in verdicts):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
