"""A process's resident memory, for the Python benchmarks."""


def memory_kib(pid: int) -> tuple[int, int]:
    """VmRSS and VmHWM (its peak) of process `pid`, in KiB, from /proc/PID/status."""
    values = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                values[name] = int(rest.split()[0])
    return values["VmRSS"], values["VmHWM"]
