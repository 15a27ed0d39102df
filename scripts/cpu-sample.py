#!/usr/bin/env python3
"""CPU used per process while a benchmark runs: the service, PostgreSQL and the bench client itself.

    python3 scripts/cpu-sample.py --out benchmarks/results/authz.cpu.json --service-pid PID --pgdata .data/pgdata -- CMD ...

Runs CMD, and reads /proc before and after it: the service's user+system time, PostgreSQL's (every live process of
the cluster plus the postmaster's reaped children, so backends that came and went are counted), and CMD's own (its
reaped children). Two cores are shared by all three: the split says where a bench's ceiling comes from.
`countersign-bench report` prints it beside the bench's figures.
"""
import argparse, json, os, resource, subprocess, sys, time

TICKS = os.sysconf("SC_CLK_TCK")


def stat(pid):
    """(utime + stime, cutime + cstime) of pid in seconds, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # Fields after the command name: state is [0]; utime, stime, cutime, cstime are [11]..[14].
    return (int(fields[11]) + int(fields[12])) / TICKS, (int(fields[13]) + int(fields[14])) / TICKS


def cluster_seconds(postmaster):
    """CPU of the whole cluster so far: the postmaster with its reaped children, and every live child."""
    own = stat(postmaster)
    if own is None:
        return 0.0
    total = own[0] + own[1]
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        if parent == postmaster:
            child = stat(int(entry))
            if child:
                total += child[0]
    return total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--service-pid", type=int)
    parser.add_argument("--pgdata")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command to run")
    postmaster = None
    if args.pgdata:
        try:
            with open(os.path.join(args.pgdata, "postmaster.pid")) as f:
                postmaster = int(f.readline())
        except OSError:
            print(f"cpu-sample: no running cluster in {args.pgdata}", file=sys.stderr)
    service_before = stat(args.service_pid)[0] if args.service_pid and stat(args.service_pid) else None
    cluster_before = cluster_seconds(postmaster) if postmaster else None
    started = time.monotonic()
    status = subprocess.call(command)
    seconds = time.monotonic() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    processes = [{"name": "bench client", "cpu_seconds": round(children.ru_utime + children.ru_stime, 2)}]
    if service_before is not None and stat(args.service_pid):
        processes.append({"name": "countersign serve", "cpu_seconds": round(stat(args.service_pid)[0] - service_before, 2)})
    if cluster_before is not None:
        processes.append({"name": "PostgreSQL", "cpu_seconds": round(cluster_seconds(postmaster) - cluster_before, 2)})
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump({"seconds": round(seconds, 2), "cores": os.cpu_count(), "processes": processes}, f, indent=2)
        f.write("\n")
    used = ", ".join(f"{p['name']} {100 * p['cpu_seconds'] / seconds:.0f} %" for p in processes)
    print(f"cpu over {seconds:.0f} s (100 % = one core): {used}", file=sys.stderr)
    sys.exit(status)


if __name__ == "__main__":
    main()
