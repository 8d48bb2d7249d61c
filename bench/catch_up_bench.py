#!/usr/bin/env python3
"""The client side of bench/catch-up.sh. Standard library only.

  write PREFIX LISTS PER_LIST CONNS PORT...
      POST /add_entry PER_LIST times to each of the lists PREFIX1..PREFIX<LISTS>, round
      robin over the lists, CONNS keep-alive connections spread over the ports. Only 2xx
      answers count: an answer that is not 2xx (or none in 10 s) is sent again, so every
      list gets PER_LIST acknowledged changes (a 503 may still have been stored: the
      versions line of `versions` tells).
  versions DB PREFIX LISTS
      Reads a node's SQLite file (read-only): how many of the lists it holds, and their
      versions (min, max, sum).
  converge T0_EPOCH MAX_S PORT LOG REFERENCE_DB DB PREFIX LISTS
      After a node was started at T0_EPOCH: when it answered /health, when its log said
      "Caught up from", and when its SQLite file DB held the same position (version and
      epoch) as REFERENCE_DB for every one of the lists; polls every 0.1 s until both the
      versions are identical and a "Caught up from" line is there, for MAX_S at most.
  window FROM_EPOCH TO_EPOCH DIR
      The live traffic of bench/catch-up.sh: pools the wrk slices recorded in DIR (file
      index: "N start end") whose middle lies between FROM and TO: requests/s (the mean of
      the slices' rates, each the sum of its wrk processes' rates), pooled p50 and p99.
  logscan T0 T1 LOG
      The catch-up lines and the warnings (by kind) of a node's log between T0 and T1.
"""
import asyncio
import glob
import json
import os
import re
import sqlite3
import sys
import time
import urllib.request

from cluster_bench import percentile_ms, read_histograms  # the same histograms as cluster.sh's

HOST = "127.0.0.1"
STALL_S = 60  # the writer gives up after this long under a tenth of its best rate


async def _writer(port, queue, stats, deadline):
    reader = writer = None
    while not stats.get("stalled") and time.monotonic() < deadline:
        try:
            item = queue.get_nowait()
        except asyncio.QueueEmpty:
            break
        lst, k = item
        path = f"/add_entry?list={lst}&date=2018-12-{(k % 30) + 1:02d}&title=catch-up-{k}"
        try:
            if writer is None:
                reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), 10)
            writer.write(f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: 0\r\n\r\n".encode())
            status, _ = await asyncio.wait_for(_read_response(reader), 10)
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError) as e:
            stats["failed:" + type(e).__name__] = stats.get("failed:" + type(e).__name__, 0) + 1
            if writer is not None:
                writer.close()
            reader = writer = None
            queue.put_nowait(item)
            await asyncio.sleep(0.1)
            continue
        if 200 <= status < 300:
            stats["acked"] += 1
            stats["per_list"][lst] = stats["per_list"].get(lst, 0) + 1
        else:
            stats[f"status:{status}"] = stats.get(f"status:{status}", 0) + 1
            queue.put_nowait(item)  # sent again: only acknowledged changes count
            await asyncio.sleep(0.05)
    if writer is not None:
        writer.close()


async def _read_response(reader):
    line = await reader.readline()
    if not line:
        raise ValueError("connection closed")
    status = int(line.split()[1])
    length, chunked = 0, False
    while True:
        h = await reader.readline()
        if h in (b"\r\n", b"\n", b""):
            break
        name, _, value = h.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
        elif name.strip().lower() == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        body = b""
        while True:
            size = int((await reader.readline()).strip(), 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            body += chunk[:-2]
        return status, body
    return status, await reader.readexactly(length) if length else b""


def write(args):
    prefix, lists, per_list, conns = args[0], int(args[1]), int(args[2]), int(args[3])
    ports = [int(p) for p in args[4:]]

    async def run():
        queue = asyncio.Queue()
        for k in range(per_list):
            for i in range(1, lists + 1):
                queue.put_nowait((f"{prefix}{i}", k))
        stats = {"acked": 0, "per_list": {}}
        started = time.monotonic()
        deadline = started + 3600

        async def progress():
            last, rates = 0, []
            while True:
                await asyncio.sleep(10)
                n = stats["acked"]
                rates.append((n - last) / 10)
                print(f"  write progress: {n} acknowledged after {time.monotonic() - started:.0f} s "
                      f"({rates[-1]:.0f}/s over the last 10 s)", file=sys.stderr, flush=True)
                recent = rates[-(STALL_S // 10):]
                if len(rates) > len(recent) and all(r < max(rates) / 10 for r in recent):
                    stats["stalled"] = True  # under a tenth of the best rate for STALL_S: give up, do not hang
                    return
                last = n

        ticker = asyncio.create_task(progress())
        await asyncio.gather(*(_writer(ports[i % len(ports)], queue, stats, deadline) for i in range(conns)))
        ticker.cancel()
        return stats, time.monotonic() - started

    stats, secs = asyncio.run(run())
    counts = list(stats["per_list"].values())
    others = {k: v for k, v in stats.items() if k not in ("acked", "per_list", "stalled")}
    exact = sum(1 for c in counts if c == per_list)
    if stats.get("stalled"):
        print(f"stalled: under a tenth of the best rate for {STALL_S} s; ", end="")
        del stats["stalled"]
    print(f"acked={stats['acked']} lists={len(counts)} lists_with_exactly_{per_list}_acked={exact} "
          f"not_acked_and_sent_again={sum(others.values())} {json.dumps(others, separators=(',', ':'))} "
          f"secs={secs:.1f} acked_per_s={stats['acked'] / secs:.0f}")
    return 0 if exact == lists else 1


def _positions(db, prefix, lists):
    """{list: (version, epoch)} of the lists PREFIX1..PREFIX<LISTS> in DB (read-only)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        rows = conn.execute("SELECT name, version, epoch FROM lists WHERE name GLOB ?", (prefix + "[0-9]*",)).fetchall()
    finally:
        conn.close()
    wanted = {f"{prefix}{i}" for i in range(1, lists + 1)}
    return {name: (version, epoch) for name, version, epoch in rows if name in wanted}


def versions(args):
    db, prefix, lists = args[0], args[1], int(args[2])
    pos = _positions(db, prefix, lists)
    vs = [v for v, _ in pos.values()]
    print(f"lists={len(pos)} version_min={min(vs) if vs else 0} version_max={max(vs) if vs else 0} "
          f"versions_sum={sum(vs)}")
    return 0


def _log_time(day_epoch, line):
    """Epoch of a log line that starts HH:MM:SS.mmm (local time, on the day of day_epoch)."""
    day = time.strftime("%Y-%m-%d", time.localtime(day_epoch))
    try:
        return time.mktime(time.strptime(day + " " + line[:8], "%Y-%m-%d %H:%M:%S")) + float(line[8:12])
    except ValueError:
        return None


def converge(args):
    t0, max_s, port, log, ref_db, db, prefix, lists = (float(args[0]), float(args[1]), int(args[2]), args[3],
                                                        args[4], args[5], args[6], int(args[7]))
    target = _positions(ref_db, prefix, lists)
    healthy = identical = None
    samples = []  # (seconds, lists identical)
    last_sample = -10.0
    while time.time() - t0 < max_s:
        now = time.time() - t0
        if healthy is None:
            try:
                with urllib.request.urlopen(f"http://{HOST}:{port}/health", timeout=1) as r:
                    if r.status == 200:
                        healthy = time.time() - t0
            except OSError:
                pass
        if healthy is not None:
            try:
                mine = _positions(db, prefix, lists)
            except sqlite3.Error as e:
                print(f"  (reading {db}: {e})", file=sys.stderr)
                mine = {}
            same = sum(1 for k, v in target.items() if mine.get(k) == v)
            if now - last_sample >= 5:
                samples.append((now, same))
                last_sample = now
            if same == len(target) and identical is None:
                identical = time.time() - t0
        if identical is not None:
            caught = _scan(log, t0, time.time() + 1)[0]
            if caught:
                break
        time.sleep(0.1)
    caught, progress, warnings = _scan(log, t0, time.time() + 1)
    final = _positions(db, prefix, lists)
    ref_now = _positions(ref_db, prefix, lists)
    fmt = lambda x: f"{x:.2f}" if x is not None else "none"
    first_caught = caught[0][0] if caught else None
    print(f"healthy_s={fmt(healthy)} first_caught_up_line_s={fmt(first_caught)} "
          f"identical_s={fmt(identical)} lists={len(target)} versions_sum={sum(v for v, _ in target.values())} "
          f"identical_lists={sum(1 for k, v in ref_now.items() if final.get(k) == v)} "
          f"same_version_other_epoch={sum(1 for k, v in ref_now.items() if final.get(k) and final[k][0] == v[0] and final[k][1] != v[1])}")
    print("  lists identical to the reference, by seconds after the start: " +
          " ".join(f"{s:.0f}s:{n}" for s, n in samples) + (f" {identical:.1f}s:{len(target)}" if identical else ""))
    return 0 if identical is not None and caught else 1


def _scan(log, t0, t1):
    """The catch-up lines ("Caught up", "Catching up") and the warnings of LOG between t0 and t1."""
    caught, progress, warnings = [], [], []
    with open(log, errors="replace") as f:
        for line in f:
            t = _log_time(t0, line)
            if t is None or t < t0 - 0.5 or t > t1:
                continue  # not a line of this time
            text = (t - t0, line.split(" - ", 1)[-1].strip())
            if "Caught up from" in line:
                caught.append(text)
            elif "Catching up from" in line:
                progress.append(text)
            elif " WARN " in line[:20] or " ERROR " in line[:20]:
                warnings.append((t - t0, line[13:].strip()))
    return caught, progress, warnings


def logscan(args):
    """logscan T0 T1 LOG: its catch-up lines and warnings between T0 and T1 (seconds after T0)."""
    t0, t1, log = float(args[0]), float(args[1]), args[2]
    caught, progress, warnings = _scan(log, t0, t1)
    for t, text in sorted(progress + caught):
        print(f"  {os.path.basename(log)} at {t:.2f} s: {text}")
    kinds = {}
    for t, text in warnings:
        kind = re.sub(r"[0-9]+", "N", text)[:70]
        kinds.setdefault(kind, []).append((t, text))
    print(f"  {os.path.basename(log)}: {len(warnings)} warnings/errors" + (", by kind:" if warnings else ""))
    for kind, items in sorted(kinds.items(), key=lambda kv: -len(kv[1])):
        print(f"    {len(items)} x, first at {items[0][0]:.2f} s: {items[0][1][:260]}")
    return 0


def window(args):
    lo, hi, folder = float(args[0]), float(args[1]), args[2]
    slices = []
    with open(os.path.join(folder, "index")) as f:
        for line in f:
            n, s, e = line.split()[:3]
            if lo <= (float(s) + float(e)) / 2 <= hi:
                slices.append((n, float(s), float(e)))
    if not slices:
        print("slices=0")
        return 0
    requests = errors = 0
    counts = {}
    per = []
    for n, s, e in slices:
        rps = 0.0  # the slice's wrk processes ran at the same time: their rates add up
        for out in glob.glob(os.path.join(folder, f"s{n}.*.out")):
            with open(out) as f:
                m = re.search(r"RESULT requests=(\d+) rps=(\d+) .* errors=(\d+)", f.read())
            if m:
                requests += int(m.group(1))
                rps += float(m.group(2))
                errors += int(m.group(3))
        per.append(rps)
        read_histograms(glob.glob(os.path.join(folder, f"s{n}.*.hist")), counts)
    secs = sum(e - s for _, s, e in slices)
    print(f"slices={len(slices)} secs={secs:.1f} requests={requests} rps={sum(per) / len(per):.0f} "
          f"p50_ms={percentile_ms(counts, 50):.2f} p99_ms={percentile_ms(counts, 99):.2f} errors={errors}   (requests/s of each slice: {' '.join(f'{r:.0f}' for r in per)})")
    return 0


if __name__ == "__main__":
    commands = {"write": write, "versions": versions, "converge": converge, "window": window, "logscan": logscan}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print("usage: catch_up_bench.py write|versions|converge|window|logscan ...", file=sys.stderr)
        sys.exit(2)
    sys.exit(commands[sys.argv[1]](sys.argv[2:]))
