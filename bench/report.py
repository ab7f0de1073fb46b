#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The report of bench/run: Markdown (and a PNG chart) from its JSON.

    bench/report.py RESULT.json [--chart]     # write RESULT.md (and .png)

Ratios are relative speeds, higher is better: for a time, reference time /
time; for a throughput or IOPS, value / reference.  0.5 means half as fast
as the reference (twice the time), 2 twice as fast.  They are computed
from the medians.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

# groupfs's goals: (text, workloads, reference, least speed ratio)
GOALS = [
    ("sequential write with fsync >= 0.6 of plain",
     ["seq_write_fsync"], "plain", 0.6),
    ("warm sequential read >= 0.5 of plain", ["seq_read_warm"], "plain", 0.5),
    ("cold sequential read and random reads >= bindfs",
     ["seq_read_cold", "fio_randread"], "bindfs", 1.0),
    ("10k small files, tar x, rsync in, no-change rsync within 2.5x plain",
     ["small_create", "tar_x", "rsync_in", "rsync_noop"], "plain", 1 / 2.5),
    ("warm ls -lR within 2x plain", ["ls_warm"], "plain", 0.5),
    ("as fast as gocryptfs or faster everywhere", None, "gocryptfs", 1.0),
    ("1.5x faster than gocryptfs on small-file and metadata workloads",
     ["small_create", "find_cold", "find_warm", "ls_cold", "ls_warm",
      "rm_tree", "rsync_noop", "tar_x"], "gocryptfs", 1.5),
]
MEMORY_GOAL_MIB = 100
# Scale: "stay as fast as in a small group": at most this much slower.
SCALE_TOLERANCE = 1.5


def summarize(result):
    """{workload: {fs: {median, min, max, n}}} from the samples."""
    s = {}
    for x in result.get("samples", []):
        s.setdefault(x["workload"], {}).setdefault(x["fs"], []).append(
            x["value"])
    return {w: {fs: dict(median=statistics.median(v), min=min(v), max=max(v),
                         n=len(v)) for fs, v in d.items()}
            for w, d in s.items()}


def ratio(result, summary, w, fs, ref):
    d = summary.get(w, {})
    if fs not in d or ref not in d:
        return None
    a, b = d[fs]["median"], d[ref]["median"]
    if not a or not b:
        return None
    return a / b if result["workloads"][w]["better"] == "higher" else b / a


def goals(result, summary, fs="groupfs"):
    """[(goal, [(workload, ratio)], met)] for the workloads measured."""
    res = []
    for text, ws, ref, least in GOALS:
        ws = ws or list(summary)
        got = [(w, ratio(result, summary, w, fs, ref)) for w in ws
               if w in summary]
        got = [(w, r) for w, r in got if r is not None]
        if got:
            res.append((text, got, all(r >= least for _, r in got)))
    big = result.get("scale", {}).get("big")
    if big and big.get("hwm_kib"):
        peak = max(big.get("hwm_after_find_kib") or 0, big["hwm_kib"]) / 1024
        res.append(("daemon memory < %d MiB at %s files" % (
            MEMORY_GOAL_MIB, "{:,}".format(big["files"])),
            [("peak", peak)], peak < MEMORY_GOAL_MIB))
    sc = result.get("scale", {})
    if "small" in sc and ("big" in sc or "wide" in sc):
        def slow(case, k):  # speed at scale relative to the small case
            small = "small_plain" if case.endswith("_plain") else "small"
            if case not in sc or small not in sc:
                return None
            return (statistics.median(r[k] for r in sc[small]["rounds"]) /
                    statistics.median(r[k] for r in sc[case]["rounds"]))
        got, ok = [], True
        for case in ("big", "wide"):
            for k in ("stat_cold_us", "stat_warm_us", "create_us"):
                a = slow(case, k)
                if a is None:
                    continue
                b = slow(case + "_plain", k)
                got.append(("%s %s" % (case, k[:-3]), a, b))
                # Met within the tolerance, or no worse than a plain
                # directory slows down itself.
                ok = ok and (a >= 1 / SCALE_TOLERANCE or
                             (b is not None and a >= b / SCALE_TOLERANCE))
        res.append(("lookup, stat and create at scale as fast as in a small "
                    "group (within %.1fx, or no worse than a plain "
                    "directory's own slowdown; plain's in parentheses)"
                    % SCALE_TOLERANCE, got, ok))
    return res


def fmt(v):
    if v is None:
        return "–"
    if v >= 1000:
        return "{:,.0f}".format(v)
    if v >= 100:
        return "%.0f" % v
    if v >= 10:
        return "%.1f" % v
    if v >= 1:
        return "%.2f" % v
    return "%.3f" % v


def fmt_ratio(r):
    return "–" if r is None else "%.2f" % r


def markdown(result):
    summary = summarize(result)
    m = result["machine"]
    v = result["versions"]
    fss = result["filesystems"]
    L = []
    L.append("# groupfs benchmark, %s%s" % (
        result["date"][:10], " (--quick: smoke-test sizes)" if result["quick"]
        else ""))
    L.append("")
    L.append("Made by `bench/run%s` in %d minutes (%s)." % (
        " --quick" if result["quick"] else "",
        round(result.get("seconds", 0) / 60), result["date"]))
    L.append("")
    L.append("## The machine")
    L.append("")
    L.append("- %s, %d CPUs (`nproc`), %.1f GiB of memory, %s" % (
        m["cpu"], m["nproc"], m["mem_gib"], m["virt"]))
    L.append("- %s, %s" % (m["kernel"], m["os"]))
    L.append("- work directory `%s`: %s%s" % (
        m["workdir"], m["fs"],
        "; disk %s" % " ".join(m["disk"].split()) if m["disk"] else ""))
    L.append("- load average (1, 5, 15 min) at the start %s, at the end %s: "
             "other work was running on the machine" % (
                 " ".join(m["load_at_start"]), " ".join(m["load_at_end"]))
             if float(m["load_at_start"][0]) > 0.5 else
             "- load average at the start %s, at the end %s" % (
                 " ".join(m["load_at_start"]), " ".join(m["load_at_end"])))
    loads = [x["load"] for x in result.get("samples", [])]
    if loads:
        L.append("- load average (1 min) when each sample started: median "
                 "%.1f, max %.1f" % (statistics.median(loads), max(loads)))
    L.append("- " + "; ".join("%s: %s" % (k, v[k]) for k in v))
    L.append("")
    L.append("## Method")
    L.append("")
    p = result["params"]
    L.append(
        "Each file system is on the same disk: `plain` a directory, "
        "`groupfs` a fresh store mounted with `%s` (workloads in "
        "`MNT/%s/documents`), `gocryptfs` a fresh `-init` cipher directory, "
        "`bindfs` a pass-through of a plain directory.  %d rounds; in each "
        "round every workload runs on every file system, in a new random "
        "order per workload (seed %d).  *Cold* runs follow `sync; echo 3 > "
        "/proc/sys/vm/drop_caches` (the daemons' own caches stay); *warm* "
        "runs follow one untimed run.  Times are wall-clock "
        "(`time.perf_counter`) around the command." % (
            result.get("groupfs_options", ""), "bench", result["rounds"],
            result["seed"]))
    if result.get("groupfs_transport"):
        L.append("")
        L.append("groupfs took its requests through %s%s; the others "
                 "through /dev/fuse (the FUSE libraries they use in Debian 12 "
                 "have no io_uring)." % (
                     result["groupfs_transport"],
                     " (the kernel's FUSE over io_uring, `enable_uring` "
                     "set for the run)"
                     if "io_uring" in result["groupfs_transport"] else ""))
    if "nullfs" in fss:
        L.append("")
        L.append("`nullfs` is `bench/nullfs.c`: names, sizes and times in "
                 "memory, no content (reads return zeros), libfuse's "
                 "multi-threaded loop: what the kernel and libfuse cost a "
                 "FUSE file system on this machine before any work of its "
                 "own.")
    L.append("")
    L.append("Sizes: sequential file %d MiB; small files %d folders x %d "
             "files of %d bytes; rsync tree %s files, %d MB of mixed sizes "
             "(deterministic); fio `--bs=4k --size=%s --runtime=%d "
             "--time_based --direct=0 --ioengine=psync`." % (
                 p["seq_mib"], p["small"][0], p["small"][1], p["small"][2],
                 "{:,}".format(p["rsync_files"]), p["rsync_bytes"] // 10**6,
                 p["fio_size"], p["fio_runtime"]))
    ts = result.get("tar_source")
    if ts:
        L.append("")
        L.append("tar x source: `%s` (%s) of `%s`, from the Debian package "
                 "%s: %s files, %s entries, %.0f MB." % (
                     " ".join(ts["parts"]), "tarred once", ts["dir"],
                     ts["package"], "{:,}".format(ts["files"]),
                     "{:,}".format(ts["entries"]), ts["bytes"] / 1e6))
    L.append("")
    L.append("Ratios are relative speeds from the medians, higher is better: "
             "reference time / time, or value / reference for MiB/s and "
             "IOPS.  0.40 means the run took 2.5 times as long as on the "
             "reference.")
    L.append("")
    L.append("## Results")
    L.append("")
    L.append("| workload | file system | median | min | max | unit | "
             "vs plain | vs gocryptfs |")
    L.append("|---|---|--:|--:|--:|---|--:|--:|")
    for w, info in result["workloads"].items():
        if w not in summary:
            continue
        for fs in fss:
            d = summary[w].get(fs)
            if not d:
                continue
            name = "**%s**" % fs if fs == "groupfs" else fs
            L.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                w, name, fmt(d["median"]), fmt(d["min"]), fmt(d["max"]),
                info["unit"], fmt_ratio(ratio(result, summary, w, fs, "plain")),
                fmt_ratio(ratio(result, summary, w, fs, "gocryptfs"))))
    L.append("")
    L.append("What each workload is:")
    L.append("")
    for w, info in result["workloads"].items():
        L.append("- `%s`: %s (%s, %s is better)" % (
            w, info["what"], info["unit"], info["better"]))
    L.append("")
    if result.get("daemon_hwm_kib"):
        L.append("Peak resident memory of the daemons over these workloads "
                 "(VmHWM): " + ", ".join(
                     "%s %.1f MiB" % (k, x / 1024)
                     for k, x in result["daemon_hwm_kib"].items() if x) + ".")
        L.append("")
    if result.get("png"):
        L.append("![speed relative to plain](%s)" % result["png"])
        L.append("")
    sc = result.get("scale")
    if sc:
        L.append("## Scale (groupfs)")
        L.append("")
        L.append("Each groupfs case is a fresh store whose group is filled "
                 "through the backend (`bench/fill`: `store_fs_mkdir` and "
                 "`store_fs_mknod`, one transaction each), then mounted; "
                 "the plain cases are the same names made by "
                 "`bench/mkfiles` in a directory.  "
                 "Per round: drop caches, stat %d random existing files "
                 "(*cold*), stat them again (*warm*), create %d new files "
                 "beside them, drop caches, `ls -l` and `ls -f` of one "
                 "folder.  Latencies are per operation, mean over the "
                 "operations of a round; the table gives the median of "
                 "the rounds (min–max)." % (p["scale_ops"], p["scale_ops"]))
        L.append("")
        L.append("| case | files | fill rate | store | stat cold µs | "
                 "stat warm µs | create µs | ls -l (entries) | ls -f | "
                 "peak RSS |")
        L.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
        labels = dict(small="small group",
                      small_plain="small tree, plain directory",
                      big="big group",
                      big_plain="big tree, plain directory",
                      wide="one wide folder",
                      wide_plain="wide folder, plain directory")
        cases = [k for k in labels if k in sc]
        for case in cases:
            c = sc[case]
            rs = c["rounds"]

            def mm(k, f=fmt):
                xs = [r[k] for r in rs]
                return "%s (%s–%s)" % (f(statistics.median(xs)), f(min(xs)),
                                       f(max(xs)))
            peak = max(c.get("hwm_kib") or 0,
                       c.get("hwm_after_find_kib") or 0) / 1024
            L.append("| %s | %s | %s/s | %.1f MB | %s | %s | %s | %s s (%s) "
                     "| %s s | %s |" % (
                         labels[case], "{:,}".format(c["files"]),
                         "{:,.0f}".format(c["fill"]["rate"]),
                         c["fill"]["store_bytes"] / 1e6,
                         mm("stat_cold_us"), mm("stat_warm_us"),
                         mm("create_us"), mm("ls_l_s"),
                         "{:,}".format(rs[-1]["ls_entries"]), mm("ls_f_s"),
                         "%.1f MiB" % peak if peak else "–"))
        L.append("")
        L.append("Fill rate: files a second through `bench/fill` (groupfs) "
                 "or `bench/mkfiles` (plain, empty files); store: bytes on "
                 "disk (`du`).")
        L.append("")
        for case in cases:
            c = sc[case]
            if c.get("find_all_s"):
                mem = ""
                if c.get("hwm_kib"):
                    mem = ("; the daemon's peak resident memory was %.1f MiB "
                           "right after mounting, %.1f MiB before the find "
                           "and %.1f MiB after it" % (
                               c["hwm_idle_kib"] / 1024, c["hwm_kib"] / 1024,
                               c["hwm_after_find_kib"] / 1024))
                L.append("- %s: `find` of all %s files after drop_caches "
                         "took %.1f s%s." % (labels[case],
                                             "{:,}".format(c["files"]),
                                             c["find_all_s"], mem))
        L.append("- p99 of cold stat: " + ", ".join(
            "%s %s µs" % (labels[k], fmt(statistics.median(
                r["stat_cold_p99_us"] for r in sc[k]["rounds"])))
            for k in cases) + "; of create: " +
            ", ".join("%s %s µs" % (labels[k], fmt(statistics.median(
                r["create_p99_us"] for r in sc[k]["rounds"])))
                for k in cases) + ".")
        L.append("")
    gs = goals(result, summary)
    if gs:
        L.append("## groupfs against its goals")
        L.append("")
        L.append("| goal | met | speed ratios (reference = 1) |")
        L.append("|---|---|---|")
        for text, got, ok in gs:
            if text.startswith("daemon memory"):
                detail = "%.1f MiB" % got[0][1]
            else:
                detail = ", ".join(
                    "%s %.2f" % (x[0], x[1]) + (" (%.2f)" % x[2] if len(x) > 2
                                                and x[2] is not None else "")
                    for x in got)
            L.append("| %s | %s | %s |" % (text, "yes" if ok else "**no**",
                                           detail))
        L.append("")
    return "\n".join(L)


def draw_chart(result, png):
    """A bar chart: each file system's speed relative to plain."""
    if not shutil.which("gnuplot"):
        return False
    summary = summarize(result)
    fss = [f for f in result["filesystems"] if f != "plain"]
    ws = [w for w in result["workloads"] if w in summary]
    with tempfile.TemporaryDirectory() as tmp:
        dat = os.path.join(tmp, "r.dat")
        with open(dat, "w") as f:
            f.write("workload " + " ".join(fss) + "\n")
            for w in ws:
                f.write(w.replace("_", "\\\\_") + " " + " ".join(
                    "%.4f" % (ratio(result, summary, w, fs, "plain") or 0.0001)
                    for fs in fss) + "\n")
        gp = os.path.join(tmp, "r.gp")
        with open(gp, "w") as f:
            f.write("""set terminal pngcairo size 1400,700 font ",11"
set output "%s"
set title "Speed relative to a plain directory (higher is better; 1 = plain)\\n%s, %d rounds, medians"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y 10
set yrange [0.005:4]
set ytics ("0.01" 0.01, "0.02" 0.02, "0.05" 0.05, "0.1" 0.1, "0.2" 0.2, "0.5" 0.5, "1" 1, "2" 2)
set grid ytics
set key top left
set xtics rotate by -35 left
set arrow from graph 0, first 1 to graph 1, first 1 nohead lw 2 dt 2
plot for [i=2:%d] "%s" using i:xtic(1) title columnheader(i)
""" % (png, result["machine"]["cpu"].replace('"', "'"), result["rounds"],
                len(fss) + 1, dat))
        r = subprocess.run(["gnuplot", gp], capture_output=True, text=True)
        if r.returncode:
            sys.stderr.write(r.stderr)
            return False
    return True


def write(result, stem, chart=False):
    if chart and result.get("samples"):
        png = stem + ".png"
        if draw_chart(result, png):
            result["png"] = os.path.basename(png)
    with open(stem + ".md", "w") as f:
        f.write(markdown(result) + "\n")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 1 or not args[0].endswith(".json"):
        sys.exit("usage: report.py RESULT.json [--chart]")
    with open(args[0]) as f:
        res = json.load(f)
    write(res, args[0][:-5], chart="--chart" in sys.argv)
