"""A training script that needs nothing installed: reads its input, logs to MLflow with the REST API (urllib),
writes a model to its output."""
import json
import os
import sys
import time
import urllib.request

data, lr, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
rows = [float(x) for x in open(os.path.join(data, "values.csv")).read().split()]
print("read %d rows, lr %s" % (len(rows), lr), flush=True)

uri = os.environ["MLFLOW_TRACKING_URI"]
token = os.environ["MLFLOW_TRACKING_TOKEN"]
run = os.environ["MLFLOW_RUN_ID"]


def call(path, body):
    request = urllib.request.Request(uri + "/api/2.0/mlflow/" + path, data=json.dumps(body).encode(),
                                     method="POST", headers={"Authorization": "Bearer " + token,
                                                             "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)


mean = sum(rows) / len(rows)
now = int(time.time() * 1000)
call("runs/log-batch", {
    "run_id": run,
    "metrics": [{"key": "loss", "value": 1.0 / (step + 1), "timestamp": now + step, "step": step} for step in range(10)]
    + [{"key": "mean", "value": mean, "timestamp": now, "step": 0}],
    "params": [{"key": "lr", "value": str(lr)}, {"key": "rows", "value": str(len(rows))}],
    "tags": [{"key": "stage", "value": "test"}]})
request = urllib.request.Request(uri + "/api/2.0/mlflow-artifacts/artifacts/" + os.environ["MLFLOW_EXPERIMENT_ID"]
                                 + "/" + run + "/artifacts/notes.txt", data=b"mean %f\n" % mean, method="PUT",
                                 headers={"Authorization": "Bearer " + token})
urllib.request.urlopen(request).read()
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "model.json"), "w") as f:
    json.dump({"mean": mean, "lr": lr}, f)
print("model written", flush=True)
