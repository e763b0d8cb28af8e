"""The "A million users" part of bench/render.py's report, from bench/grow.sh's JSON lines:
the read scenarios at every size of the directory next to the smallest ("× first") and next to the
reference directory measured beside that size in the same rounds ("× reference"), the growth
through /Bulk (users per second, the responder's memory before and after), one whole walk per
size (bench/walk_users.py) and the memory of single requests (bench/rss_probe.py).

Rows of the wrk scenarios come from render.py's summary: their ids are SCENARIO@USERS, and the
reference's beside a size SCENARIO@refUSERS.
"""
import json
import statistics


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def _mb(kb):
    return "%.1f" % (kb / 1024)


def _count(n):
    return "{:,}".format(n)


def _table(head, rows, left=(0,)):
    align = ["---" if i in left else "---:" for i in range(len(head))]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return lines


def section(rows, lines, ratio):
    """Markdown lines; `rows` are render.py's summarised rows, `ratio` its paired-round ratio."""
    grown, beside = {}, {}
    for row in rows:
        base, at, key = row["scenario"].partition("@")
        if at:
            into, users = (beside, key[3:]) if key.startswith("ref") else (grown, key)
            into.setdefault(base, {})[int(users)] = row
    md = ["", "#### A million users (issue 12, goals 4 and 7)", ""]
    rss = {}
    for line in lines:
        if line["kind"] == "rss":
            rss.setdefault((line["scenario"], line["users"]), []).append(line)
    table = []
    for base, by_size in grown.items():
        sizes = sorted(by_size)
        first = by_size[sizes[0]]
        for users in sizes:
            row = by_size[users]
            value = ratio(row, first, "rps")[0] if first["rps"] else None
            reference = beside.get(base, {}).get(users)
            paired = ratio(row, reference, "rps")[0] if reference and reference["rps"] else None
            samples = rss.get((base, users), [])
            table.append([
                "`%s`" % base, _count(users), "%.0f" % row["rps"], "%.2f" % row["p50"], "%.1f" % row["p99"],
                "—" if row["cpu_us"] is None else "%.0f" % row["cpu_us"],
                "—" if value is None else "%.2f" % value,
                "—" if reference is None else "%.0f" % reference["rps"],
                "—" if paired is None else "%.2f" % paired,
                _mb(max(s["rss_kb"] for s in samples)) if samples else "—",
                _mb(max(s["hwm_kb"] for s in samples)) if samples else "—",
                "0" if not (row["non2xx"] or row["socket_errors"]) else "%d !!" % (row["non2xx"] + row["socket_errors"]),
            ])
    md += _table(["scenario", "users", "req/s", "p50 ms", "p99 ms", "CPU µs/req", "× first size",
                  "reference req/s beside it", "× reference", "VmRSS MB after", "VmHWM MB after", "errors"],
                 table, left=(0, 11))

    grows = [g for g in lines if g["kind"] == "grow"]
    if grows:
        md += ["", "Growth through `POST /Bulk`:", ""]
        md += _table(["users", "created", "seconds", "users/s", "per request", "in flight", "VmRSS MB before → after",
                      "VmHWM MB after"],
                     [["%s → %s" % (_count(g["from"]), _count(g["to"])), _count(g["to"] - g["from"]), "%.1f" % g["seconds"],
                       "%.0f" % ((g["to"] - g["from"]) / g["seconds"]), g["bulk"], g["concurrency"],
                       "%s → %s" % (_mb(g["rss_before_kb"]), _mb(g["rss_after_kb"])), _mb(g["hwm_after_kb"])]
                      for g in grows])
        total = sum(g["to"] - g["from"] for g in grows)
        seconds = sum(g["seconds"] for g in grows)
        md += ["", "In all %s users in %.0f s (%.0f users/s)." % (_count(total), seconds, total / seconds)]

    walks = [w for w in lines if w["kind"] == "walk"]
    if walks:
        md += ["", "One whole `startIndex` walk, `count=100`, on one connection (`bench/walk_users.py`):", ""]
        md += _table(["users", "pages", "seconds", "pages/s", "median page, first tenth (ms)",
                      "median page, last tenth (ms)"],
                     [[_count(w["users"]), _count(w["result"]["pages"]), w["result"]["seconds"],
                       w["result"]["pages_per_second"], w["result"]["first_tenth_median_ms"],
                       w["result"]["last_tenth_median_ms"]] for w in walks])

    probes = [p for p in lines if p["kind"] == "probe"]
    if probes:
        md += ["", "Memory of single requests at the largest size (`bench/rss_probe.py`, one after the other):", ""]
        md += _table(["request", "answer bytes", "seconds", "VmRSS MB after", "VmHWM MB after"],
                     [[p["step"], _count(p["bytes"]) if p["bytes"] else "—", "%.2f" % p["seconds"], _mb(p["rss_kb"]),
                       _mb(p["hwm_kb"])] for p in probes])
    all_rss = [line["rss_kb"] for line in lines if line["kind"] == "rss"]
    if all_rss:
        md += ["", "Responder VmRSS over the read scenarios: median %s MB, highest %s MB."
               % (_mb(statistics.median(all_rss)), _mb(max(all_rss)))]
    return md
