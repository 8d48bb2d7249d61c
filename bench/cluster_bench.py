#!/usr/bin/env python3
"""The client side of bench/cluster.sh: waiting for a cluster, one failover round, one
graceful leave, and pooling wrk latency histograms. Standard library only.

Nodes are given as NAME=PID=HTTP_PORT (all on 127.0.0.1). Every request opens a new
connection with a short time-out, so a request lost to a dead node costs one time-out and
the next attempt starts clean.
"""
import http.client
import json
import os
import signal
import statistics
import sys
import threading
import time
import urllib.parse
import uuid

HOST = "127.0.0.1"


def request(port, method, path, timeout):
    """(status, body) or (None, reason) when no answer came in time."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=b"" if method == "POST" else None)
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as e:
        return None, type(e).__name__
    finally:
        conn.close()


def parse_nodes(args):
    nodes = {}
    for a in args:
        name, pid, port = a.split("=")
        nodes[name] = (int(pid), int(port))
    return nodes


def cluster_view(port):
    status, body = request(port, "GET", "/api/cluster", 2)
    if status != 200:
        return None
    return json.loads(body)


def wait_cluster(args):
    """wait TIMEOUT_S NODE... : until every node answers /health and lists all the others."""
    deadline = time.monotonic() + float(args[0])
    nodes = parse_nodes(args[1:])
    while time.monotonic() < deadline:
        ok = True
        for name, (_, port) in nodes.items():
            if request(port, "GET", "/health", 1)[0] != 200:
                ok = False
                break
            view = cluster_view(port)
            if view is None or view["self"] != name or set(view["nodes"]) != set(nodes) - {name}:
                ok = False
                break
        if ok:
            return 0
        time.sleep(0.2)
    print("bench: the cluster did not form in time: " + ", ".join(
        f"{n} sees {cluster_view(p) if request(p, 'GET', '/health', 1)[0] == 200 else 'nothing (no HTTP)'}"
        for n, (_, p) in nodes.items()), file=sys.stderr)
    return 1


def host_of(port, lst):
    status, body = request(port, "GET", "/api/lists/" + lst, 5)
    if status != 200:
        raise SystemExit(f"bench: GET /api/lists/{lst} answered {status}: {body}")
    return json.loads(body)["node"]


def prepare(nodes, kind):
    """A fresh list, its host H, a writer W != H and a reader S (neither H nor W)."""
    lst = f"{kind}-{uuid.uuid4().hex[:10]}"
    names = sorted(nodes)
    host = host_of(nodes[names[0]][1], lst)  # starts its server somewhere
    writer = next(n for n in names if n != host)
    title = "written-through-" + writer.split("@")[0]
    q = urllib.parse.urlencode({"list": lst, "date": "2018-12-19", "title": title})
    status, body = request(nodes[writer][1], "POST", "/add_entry?" + q, 5)
    if status != 200:
        raise SystemExit(f"bench: add_entry through {writer} answered {status}: {body}")
    host = host_of(nodes[writer][1], lst)  # still there? (a rebalance could have moved it)
    writer = writer if writer != host else next(n for n in names if n != host)
    reader = next(n for n in names if n not in (host, writer))
    return lst, title, host, writer, reader


def failover(args):
    """failover MAX_S CLIENT_TIMEOUT_S NODE... : kill -9 a list's host, time the list's return."""
    max_s, client_timeout = float(args[0]), float(args[1])
    nodes = parse_nodes(args[2:])
    lst, title, host, writer, reader = prepare(nodes, "failover")
    path = "/api/lists/" + lst + "/entries"
    port = nodes[reader][1]
    timeouts, others = 0, {}
    patient = {}

    def patient_client():  # what a client with an ordinary time-out (10 s) sees
        while time.monotonic() - killed_at < max_s:
            status, body = request(port, "GET", path, 10)
            if status == 200 and title in body:
                patient["s"] = time.monotonic() - killed_at
                return
            time.sleep(0.05)

    killed_epoch = time.time()
    killed_at = time.monotonic()
    os.kill(nodes[host][0], signal.SIGKILL)
    waiter = threading.Thread(target=patient_client, daemon=True)
    waiter.start()
    while True:
        status, body = request(port, "GET", path, client_timeout)
        elapsed = time.monotonic() - killed_at
        if status == 200 and title in body:
            break
        if status is None:
            timeouts += 1
        else:
            others[status] = others.get(status, 0) + 1
            time.sleep(0.01)  # an answer came back at once: do not spin
        if elapsed > max_s:
            elapsed = float("inf")
            break
    waiter.join(timeout=max(0.0, max_s - (time.monotonic() - killed_at)) + 1)
    new_host = host_of(port, lst) if elapsed != float("inf") else "none"
    patient_s = f"{patient['s']:.3f}" if "s" in patient else "none"
    print(f"killed={host} list={lst} written_through={writer} read_through={reader} "
          f"failover_s={elapsed:.3f} timed_out_requests={timeouts} other_answers={json.dumps(others).replace(' ', '')} "
          f"patient_client_s={patient_s} "
          f"new_host={new_host} killed_epoch={killed_epoch:.3f}")
    return 0


def breakdown(args):
    """breakdown EPOCH NODE LIST LOG... : when the survivors' logs saw NODE downed, removed, and LIST's server start."""
    epoch, node, lst, logs = float(args[0]), args[1], args[2], args[3:]
    day = time.strftime("%Y-%m-%d", time.localtime(epoch))
    events = {"proven_dead": f"Node {node} is dead", "unreachable": f"Node {node} is unreachable",
              "removed": f"Node {node} was removed", "left": f"Node {node} left the cluster",
              "server_started": f"Starting to-do server for {lst}."}
    first = {}
    for name in logs:
        with open(name, errors="replace") as f:
            for line in f:
                for key, text in events.items():
                    if text in line:
                        try:
                            t = time.mktime(time.strptime(day + " " + line[:8], "%Y-%m-%d %H:%M:%S")) + float(line[8:12])
                        except ValueError:
                            continue
                        if t >= epoch - 0.01 and (key not in first or t < first[key]):
                            first[key] = t
    print(" ".join(f"{k}_at_s={first[k] - epoch:.2f}" for k in events if k in first))
    return 0


def leave(args):
    """leave RUN_AFTER_S NODE... : SIGTERM a list's host while a client reads and writes the list every ~10 ms."""
    after = float(args[0])
    nodes = parse_nodes(args[1:])
    lst, title, host, writer, reader = prepare(nodes, "leave")
    port, pid = nodes[reader][1], nodes[host][0]
    read_path = "/api/lists/" + lst + "/entries"
    ok_times, bad, n, exited_at = [], {}, 0, None
    start = time.monotonic()
    term_at = start + 1.0
    termed = False
    while True:
        now = time.monotonic()
        if not termed and now >= term_at:
            term_epoch = time.time()
            os.kill(pid, signal.SIGTERM)
            termed, term_at = True, now
        if termed and exited_at is None and not alive(pid):
            exited_at = now
        if exited_at is not None and now - exited_at > after:
            break
        if termed and now - term_at > 60:
            break
        n += 1
        if n % 5 == 0:  # one write for four reads, as in the load mix
            q = urllib.parse.urlencode({"list": lst, "date": "2018-12-19", "title": f"leave-{n}"})
            status, body = request(port, "POST", "/add_entry?" + q, 2.0)
        else:
            status, body = request(port, "GET", read_path, 2.0)
        if status == 200:
            ok_times.append(time.monotonic())
        else:
            key = str(status) if status is not None else "timeout"
            bad[key] = bad.get(key, 0) + 1
            if status is not None:
                print(f"bench: {status} {body[:200]}", file=sys.stderr)
        time.sleep(0.01)
    gaps = [b - a for a, b in zip(ok_times, ok_times[1:])]
    spacing = statistics.median(gaps) if gaps else float("nan")
    exit_s = f"{exited_at - term_at:.2f}" if exited_at else "still-running"
    print(f"left={host} list={lst} read_through={reader} requests={n} ok={len(ok_times)} "
          f"non_200={sum(bad.values())} {json.dumps(bad).replace(' ', '')} longest_gap_ms={max(gaps) * 1000:.0f} "
          f"usual_gap_ms={spacing * 1000:.0f} sigterm_to_exit_s={exit_s} new_host={host_of(port, lst)} "
          f"sigterm_epoch={term_epoch:.3f}")
    return 0


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"  # a zombie has exited
    except OSError:
        return False


def read_histograms(names, counts=None):
    """Adds up the histograms wrk processes wrote (value_us count per line) into counts."""
    counts = {} if counts is None else counts
    for name in names:
        with open(name) as f:
            for line in f:
                v, c = line.split()
                counts[int(float(v))] = counts.get(int(float(v)), 0) + int(float(c))
    return counts


def percentile_ms(counts, p):
    """The p-th percentile, in ms, of a histogram of microseconds."""
    want, seen = sum(counts.values()) * p / 100.0, 0
    for v in sorted(counts):
        seen += counts[v]
        if seen >= want:
            return v / 1000.0
    return float("nan")


def pool(args):
    """pool FILE... : p50/p99 over the histograms several wrk processes wrote (value_us count per line)."""
    counts = read_histograms(args)
    print(f"p50_ms={percentile_ms(counts, 50):.2f} p99_ms={percentile_ms(counts, 99):.2f}")
    return 0

if __name__ == "__main__":
    commands = {"wait": wait_cluster, "failover": failover, "leave": leave, "pool": pool, "breakdown": breakdown}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print("usage: cluster_bench.py wait|failover|leave|breakdown|pool ...", file=sys.stderr)
        sys.exit(2)
    sys.exit(commands[sys.argv[1]](sys.argv[2:]))
