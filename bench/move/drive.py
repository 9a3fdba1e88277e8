"""Driver for bench/moves.sh (stdlib only, so any python3 runs it).

  drive.py datastores URL TOKEN CAFILE WORKSPACE_ID ACCOUNT KEY COUNT
      registers COUNT blob datastores (account-key credentials) in the workspace through the REST API.
  drive.py move URL TOKEN CAFILE SOURCE_GROUP_ID WORKSPACE_NAME TARGET_GROUP_ID
      validates, then moves, the workspace from the source group to the target group, ARM's way: POST, then the
      Location of the 202 polled every 10 ms until it answers 204 (or fails). Prints the wall time of each, from
      sending the POST to seeing the end, as JSON.
"""
import http.client
import json
import ssl
import sys
import time
import urllib.parse

API = "?api-version=2021-04-01"


def connection(url, cafile):
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https":
        context = ssl.create_default_context(cafile=cafile)
        context.check_hostname = False
        return http.client.HTTPSConnection(parts.hostname, parts.port, context=context, timeout=600)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)


def call(conn, method, path, token, body=None):
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
    answer = conn.getresponse()
    data = answer.read()
    return answer.status, dict(answer.getheaders()), data


def datastores(url, token, cafile, workspace, account, key, count):
    conn = connection(url, cafile)
    for i in range(int(count)):
        body = {"properties": {"datastoreType": "AzureBlob", "accountName": account, "containerName": "bench%d" % i,
                               "credentials": {"credentialsType": "AccountKey", "secrets": {"key": key}}}}
        status, _, data = call(conn, "PUT", workspace + "/datastores/ds%d?api-version=2024-04-01" % i, token, body)
        if status >= 300:
            raise SystemExit("datastore %d -> %d %s" % (i, status, data[:300]))


def long_running(conn, token, path, body):
    started = time.perf_counter()
    status, headers, data = call(conn, "POST", path + API, token, body)
    if status != 202:
        raise SystemExit("%s -> %d %s" % (path, status, data[:500]))
    location = urllib.parse.urlsplit(headers.get("Location") or headers["location"])
    poll = location.path + ("?" + location.query if location.query else "")
    while True:
        status, _, data = call(conn, "GET", poll, token)
        if status == 204 or status == 200:
            return (time.perf_counter() - started) * 1000
        if status != 202:
            raise SystemExit("%s ended %d %s" % (path, status, data[:1000]))
        time.sleep(0.01)


def move(url, token, cafile, source_group, workspace, target_group):
    conn = connection(url, cafile)
    body = {"resources": [source_group + "/providers/Microsoft.MachineLearningServices/workspaces/" + workspace],
            "targetResourceGroup": target_group}
    validate_ms = long_running(conn, token, source_group + "/validateMoveResources", body)
    move_ms = long_running(conn, token, source_group + "/moveResources", body)
    print(json.dumps({"validate_ms": round(validate_ms, 1), "move_ms": round(move_ms, 1)}))


if __name__ == "__main__":
    command, arguments = sys.argv[1], sys.argv[2:]
    {"datastores": datastores, "move": move}[command](*arguments)
