#!/usr/bin/env python3
"""Prints "TOTAL BUSY OURS [USER SYSTEM]" in clock ticks, for bench/run.sh's disturbance check
and its CPU time per request.

TOTAL and BUSY: the whole machine's CPU time and its non-idle part (/proc/stat).
OURS: CPU time of process ROOT_PID and all its descendants, including descendants that have
exited and been waited for (cutime/cstime).  Two snapshots around a wrk run tell how much of
the machine other work used meanwhile: (BUSY2-BUSY1) - (OURS2-OURS1), out of TOTAL2-TOTAL1.
USER and SYSTEM (with RESPONDER_PID): the user and kernel CPU time of that process, its threads
and its descendants (the C responder's worker processes), which over a wrk run divided by the
requests served is the responder's CPU time per request.
With --exe PATH instead: the same summed over every process under ROOT_PID that runs the
program PATH (the responder processes Apache mod_fcgid spawns, children of its process manager).

usage: cpu_snapshot.py ROOT_PID [RESPONDER_PID | --exe PATH]
"""
import os
import sys


def machine():
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal [guest guest_nice: already in user/nice]
    values = values[:8]
    return sum(values), sum(values) - values[3] - values[4]


def processes():
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                text = f.read()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2:].split()
        # fields[1] = ppid; fields[11..14] = utime stime cutime cstime
        times = [int(v) for v in fields[11:15]]
        table[int(name)] = (int(fields[1]), sum(times), times[0] + times[2], times[1] + times[3])
    return table


def tree(table, children, root, fields):
    """Sums `fields` of the table's rows over `root` and its descendants."""
    sums, stack = [0] * len(fields), [root]
    while stack:
        pid = stack.pop()
        if pid in table:
            for i, field in enumerate(fields):
                sums[i] += table[pid][field]
        stack.extend(children.get(pid, []))
    return sums


def descendants(children, root):
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def running(pid, program):
    try:
        return os.path.realpath("/proc/%d/exe" % pid) == program
    except OSError:
        return False


def main():
    root = int(sys.argv[1])
    total, busy = machine()
    table = processes()
    children = {}
    for pid, row in table.items():
        children.setdefault(row[0], []).append(pid)
    (ours,) = tree(table, children, root, [1])
    values = [total, busy, ours]
    if len(sys.argv) > 3 and sys.argv[2] == "--exe":
        program = os.path.realpath(sys.argv[3])
        pids = [pid for pid in descendants(children, root) if running(pid, program)]
        values += [sum(table[pid][field] for pid in pids) for field in (2, 3)]
    elif len(sys.argv) > 2:
        values += tree(table, children, int(sys.argv[2]), [2, 3])
    print(*values)


if __name__ == "__main__":
    main()
