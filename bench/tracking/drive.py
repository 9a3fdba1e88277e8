"""Load driver for bench/jobs.sh (stdlib only, so any python3 runs it).

  drive.py jobs URL TOKEN CAFILE WORKSPACE_ID COMPUTE ENVIRONMENT_ID COUNT
      submits COUNT command jobs one after another and prints, per job, the time from sending the PUT to the job
      being seen Running (client side, polled every 5 ms) and the server's own NotStarted -> Running interval.
  drive.py logbatch TRACKING_URI TOKEN CAFILE ROUNDS CLIENTS
      CLIENTS threads, each with one kept-alive connection and its own run, send ROUNDS log-batch requests of 1,000
      metrics (encoded before each request is timed); prints latency percentiles and the ingest rate.
"""
import http.client
import json
import ssl
import statistics
import sys
import threading
import time
import urllib.parse
from datetime import datetime


def connection(url, cafile):
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https":
        context = ssl.create_default_context(cafile=cafile)
        context.check_hostname = False
        return http.client.HTTPSConnection(parts.hostname, parts.port, context=context, timeout=60), parts.path
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=60), parts.path


def call(conn, method, path, token, body=None):
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    payload = body if body is None or isinstance(body, bytes) else json.dumps(body)
    conn.request(method, path, body=payload, headers=headers)
    answer = conn.getresponse()
    data = answer.read()
    if answer.status >= 300:
        raise SystemExit("%s %s -> %d %s" % (method, path, answer.status, data[:300]))
    return json.loads(data) if data else {}


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100.0 * (len(values) - 1))))]


def jobs(url, token, cafile, workspace, compute, environment, count):
    conn, base = connection(url, cafile)
    api = "?api-version=2024-04-01"
    client, server = [], []
    for i in range(int(count)):
        name = "bench-%d-%d" % (int(time.time()), i)
        body = {"properties": {"jobType": "Command", "command": "true", "environmentId": environment,
                               "computeId": workspace + "/computes/" + compute}}
        started = time.perf_counter()
        call(conn, "PUT", base + workspace + "/jobs/" + name + api, token, body)
        while True:
            job = call(conn, "GET", base + workspace + "/jobs/" + name + api, token)
            status = job["properties"]["status"]
            if status in ("Running", "Finalizing", "Completed"):
                client.append((time.perf_counter() - started) * 1000)
                break
            if status in ("Failed", "Canceled"):
                raise SystemExit("job %s ended %s: %s" % (name, status, job["properties"].get("error")))
            time.sleep(0.005)
        while job["properties"]["status"] not in ("Completed", "Failed"):
            time.sleep(0.02)
            job = call(conn, "GET", base + workspace + "/jobs/" + name + api, token)
        times = job["properties"]["amliteTimes"]
        server.append((parse(times["Running"]) - parse(times["NotStarted"])) * 1000)
    print(json.dumps({"jobs": len(client), "submit_to_running_ms": {"median": statistics.median(client),
                      "p95": pct(client, 95), "min": min(client)},
                      "server_notstarted_to_running_ms": {"median": statistics.median(server), "p95": pct(server, 95)}}))


def parse(stamp):
    stamp = stamp.rstrip("Z")
    if "." in stamp:
        head, frac = stamp.split(".")
        stamp = head + "." + frac[:6]
    return datetime.fromisoformat(stamp).timestamp()


def logbatch(tracking, token, cafile, rounds, clients):
    rounds, clients = int(rounds), int(clients)
    latencies, lock = [], threading.Lock()

    def worker(index):
        conn, base = connection(tracking, cafile)
        api = base + "/api/2.0/mlflow/"
        run = call(conn, "POST", api + "runs/create", token, {"experiment_id": "0", "run_name": "bench-%d" % index})
        run_id = run["run"]["info"]["run_id"]
        mine = []
        for r in range(rounds):
            now = int(time.time() * 1000)
            metrics = [{"key": "m%d" % (k % 20), "value": k * 0.5, "timestamp": now, "step": r * 1000 + k}
                       for k in range(1000)]
            # Encoded before the clock starts: the figure is the exchange, not Python's JSON encoder.
            payload = json.dumps({"run_id": run_id, "metrics": metrics}).encode()
            started = time.perf_counter()
            call(conn, "POST", api + "runs/log-batch", token, payload)
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    print(json.dumps({"requests": len(latencies), "clients": clients, "p50_ms": statistics.median(latencies),
                      "p95_ms": pct(latencies, 95), "max_ms": max(latencies),
                      "metrics_per_s": round(len(latencies) * 1000 / elapsed)}))


if __name__ == "__main__":
    {"jobs": jobs, "logbatch": logbatch}[sys.argv[1]](*sys.argv[2:])
