#!/usr/bin/env python3
"""Prints "TOTAL BUSY OURS" in clock ticks, for bench/run.sh's disturbance check.

TOTAL and BUSY: the whole machine's CPU time and its non-idle part (/proc/stat).
OURS: CPU time of process ROOT_PID and all its descendants, including descendants that have
exited and been waited for (cutime/cstime).  Two snapshots around a wrk run tell how much of
the machine other work used meanwhile: (BUSY2-BUSY1) - (OURS2-OURS1), out of TOTAL2-TOTAL1.

usage: cpu_snapshot.py ROOT_PID
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
        table[int(name)] = (int(fields[1]), sum(int(v) for v in fields[11:15]))
    return table


def main():
    root = int(sys.argv[1])
    total, busy = machine()
    table = processes()
    children = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    ours, stack = 0, [root]
    while stack:
        pid = stack.pop()
        if pid in table:
            ours += table[pid][1]
        stack.extend(children.get(pid, []))
    print(total, busy, ours)


if __name__ == "__main__":
    main()
