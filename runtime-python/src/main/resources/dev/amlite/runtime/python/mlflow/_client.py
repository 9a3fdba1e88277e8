"""The fluent API over the MLflow REST API of the tracking server (MLFLOW_TRACKING_URI, MLFLOW_TRACKING_TOKEN)."""
import atexit
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

__all__ = [
    "ActiveRun", "MlflowException", "active_run", "autolog", "create_experiment", "delete_tag", "end_run",
    "get_artifact_uri", "get_experiment_by_name", "get_run", "get_tracking_uri", "last_active_run", "log_artifact",
    "log_artifacts", "log_dict", "log_metric", "log_metrics", "log_param", "log_params", "log_text",
    "register_model", "set_experiment", "set_tag", "set_tags", "set_tracking_uri", "start_run",
]

_state = {"uri": None, "experiment_id": None, "last": None, "autolog_warned": False}
_runs = []
_ATTEMPTS = 4


class MlflowException(Exception):
    def __init__(self, message, error_code="INTERNAL_ERROR"):
        super().__init__(message)
        self.error_code = error_code


def set_tracking_uri(uri):
    _state["uri"] = uri


def get_tracking_uri():
    uri = _state["uri"] or os.environ.get("MLFLOW_TRACKING_URI")
    if not uri:
        raise MlflowException("No tracking URI: set MLFLOW_TRACKING_URI or call mlflow.set_tracking_uri() "
                              "(a job of amlite has it set).")
    return uri.rstrip("/")


def _request(method, url, data=None, content_type=None):
    headers = {}
    token = os.environ.get("MLFLOW_TRACKING_TOKEN")
    if token:
        headers["Authorization"] = "Bearer " + token
    if content_type:
        headers["Content-Type"] = content_type
    for attempt in range(_ATTEMPTS):
        try:
            with urllib.request.urlopen(urllib.request.Request(url, data=data, method=method, headers=headers),
                                        timeout=60) as answer:
                return answer.read()
        except urllib.error.HTTPError as e:
            body = e.read()
            # The server restarting or busy: try again, as MLflow's own client does.
            if e.code in (429, 502, 503, 504) and attempt + 1 < _ATTEMPTS:
                time.sleep(0.5 * 2 ** attempt)
                continue
            try:
                error = json.loads(body)
            except ValueError:
                error = None
            if not isinstance(error, dict):
                raise MlflowException("%s %s answered %d: %s" % (method, url, e.code,
                                                                 body.decode(errors="replace"))) from None
            raise MlflowException(error.get("message", body.decode(errors="replace")),
                                  error.get("error_code", "INTERNAL_ERROR")) from None
        except urllib.error.URLError as e:
            if attempt + 1 < _ATTEMPTS:
                time.sleep(0.5 * 2 ** attempt)
                continue
            raise MlflowException("Cannot reach the tracking server at %s: %s" % (get_tracking_uri(), e.reason))


def _call(endpoint, body=None, method="POST"):
    url = get_tracking_uri() + "/api/2.0/mlflow/" + endpoint
    if method == "GET":
        url += "?" + urllib.parse.urlencode(body or {})
        answer = _request("GET", url)
    else:
        answer = _request(method, url, json.dumps(body or {}).encode(), "application/json")
    return json.loads(answer) if answer else {}


def _now():
    return int(time.time() * 1000)


class _Bag:
    def __init__(self, **values):
        self.__dict__.update(values)

    def __repr__(self):
        return "<%s>" % ", ".join("%s=%r" % item for item in sorted(self.__dict__.items()))


class ActiveRun:
    """A run as MLflow's start_run() returns it: .info, .data, and a context manager that ends it."""

    def __init__(self, run):
        info = run.get("info", {})
        data = run.get("data", {})
        self.info = _Bag(run_id=info.get("run_id"), run_uuid=info.get("run_id"), run_name=info.get("run_name"),
                         experiment_id=info.get("experiment_id"), status=info.get("status"),
                         start_time=info.get("start_time"), end_time=info.get("end_time"),
                         artifact_uri=info.get("artifact_uri"), lifecycle_stage=info.get("lifecycle_stage"))
        self.data = _Bag(metrics={m["key"]: m["value"] for m in data.get("metrics", [])},
                         params={p["key"]: p["value"] for p in data.get("params", [])},
                         tags={t["key"]: t["value"] for t in data.get("tags", [])})

    def __enter__(self):
        return self

    def __exit__(self, kind, value, trace):
        end_run("FINISHED" if kind is None else "FAILED")
        return False


def get_run(run_id):
    return ActiveRun(_call("runs/get", {"run_id": run_id}, "GET")["run"])


def _job_run_id():
    return os.environ.get("MLFLOW_RUN_ID")


def get_experiment_by_name(name):
    try:
        experiment = _call("experiments/get-by-name", {"experiment_name": name}, "GET")["experiment"]
    except MlflowException as e:
        if e.error_code == "RESOURCE_DOES_NOT_EXIST":
            return None
        raise
    return _Bag(experiment_id=experiment["experiment_id"], name=experiment["name"],
                artifact_location=experiment.get("artifact_location"),
                lifecycle_stage=experiment.get("lifecycle_stage"))


def create_experiment(name, artifact_location=None, tags=None):
    body = {"name": name, "tags": [{"key": k, "value": str(v)} for k, v in (tags or {}).items()]}
    return _call("experiments/create", body)["experiment_id"]


def set_experiment(experiment_name=None, experiment_id=None):
    """Later runs go to this experiment. In a job, start_run() still takes the job's run, as in Azure ML."""
    if experiment_id is None:
        if experiment_name is None:
            raise MlflowException("Give experiment_name or experiment_id.", "INVALID_PARAMETER_VALUE")
        experiment = get_experiment_by_name(experiment_name)
        experiment_id = experiment.experiment_id if experiment else create_experiment(experiment_name)
    _state["experiment_id"] = experiment_id
    return _call("experiments/get", {"experiment_id": experiment_id}, "GET")["experiment"]


def start_run(run_id=None, experiment_id=None, run_name=None, nested=False, tags=None, description=None, **_):
    if _runs and not nested:
        raise MlflowException("Run with UUID %s is already active. To start a new run, first end the current run "
                              "with mlflow.end_run(). To start a nested run, call start_run with nested=True"
                              % _runs[-1].info.run_id, "INVALID_PARAMETER_VALUE")
    tags = dict(tags or {})
    if description is not None:
        tags["mlflow.note.content"] = description
    attach = run_id or (_job_run_id() if not _runs else None)
    if attach:
        run = get_run(attach)
        if run.info.status != "RUNNING" and run_id:
            _call("runs/update", {"run_id": attach, "status": "RUNNING"})
    else:
        if _runs:
            tags["mlflow.parentRunId"] = _runs[-1].info.run_id
        experiment = (experiment_id or (_runs[-1].info.experiment_id if _runs else None) or _state["experiment_id"]
                      or os.environ.get("MLFLOW_EXPERIMENT_ID") or _experiment_from_name() or "0")
        body = {"experiment_id": experiment, "start_time": _now(),
                "tags": [{"key": k, "value": str(v)} for k, v in tags.items()]}
        if run_name:
            body["run_name"] = run_name
        run = ActiveRun(_call("runs/create", body)["run"])
        tags = {}
    if tags:
        _set_tags_of(run.info.run_id, tags)
    _runs.append(run)
    _state["last"] = run
    return run


def _experiment_from_name():
    name = os.environ.get("MLFLOW_EXPERIMENT_NAME")
    if not name:
        return None
    experiment = get_experiment_by_name(name)
    return experiment.experiment_id if experiment else create_experiment(name)


def end_run(status="FINISHED"):
    if not _runs:
        return
    run = _runs.pop()
    # The job's own run is ended by amlite with the job (its status is the job's).
    if run.info.run_id != _job_run_id():
        _call("runs/update", {"run_id": run.info.run_id, "status": status, "end_time": _now()})


@atexit.register
def _end_all():
    while _runs:
        end_run("FINISHED")


def active_run():
    return _runs[-1] if _runs else None


def last_active_run():
    return _state["last"]


def _run_id():
    return (_runs[-1] if _runs else start_run()).info.run_id


def log_metric(key, value, step=None, timestamp=None, **_):
    _call("runs/log-metric", {"run_id": _run_id(), "key": key, "value": float(value),
                              "timestamp": timestamp or _now(), "step": step or 0})


def log_metrics(metrics, step=None, **_):
    now = _now()
    _call("runs/log-batch", {"run_id": _run_id(), "metrics": [
        {"key": k, "value": float(v), "timestamp": now, "step": step or 0} for k, v in metrics.items()]})


def log_param(key, value, **_):
    _call("runs/log-parameter", {"run_id": _run_id(), "key": key, "value": str(value)})
    return value


def log_params(params, **_):
    _call("runs/log-batch", {"run_id": _run_id(), "params": [{"key": k, "value": str(v)} for k, v in params.items()]})


def set_tag(key, value, **_):
    _call("runs/set-tag", {"run_id": _run_id(), "key": key, "value": str(value)})


def set_tags(tags, **_):
    _set_tags_of(_run_id(), tags)


def _set_tags_of(run_id, tags):
    _call("runs/log-batch", {"run_id": run_id, "tags": [{"key": k, "value": str(v)} for k, v in tags.items()]})


def delete_tag(key):
    _call("runs/delete-tag", {"run_id": _run_id(), "key": key})


def get_artifact_uri(artifact_path=None):
    run = _runs[-1] if _runs else start_run()
    base = run.info.artifact_uri.rstrip("/")
    return base + "/" + artifact_path.strip("/") if artifact_path else base


def _artifact_url(run, path):
    # mlflow-artifacts:/<experiment>/<run>/artifacts is served at /api/2.0/mlflow-artifacts/artifacts/<same>.
    base = run.info.artifact_uri
    if not base.startswith("mlflow-artifacts:/"):
        raise MlflowException("This client uploads to mlflow-artifacts:/ only; the run's artifacts are at " + base)
    relative = base[len("mlflow-artifacts:/"):].strip("/") + "/" + path.strip("/")
    return get_tracking_uri() + "/api/2.0/mlflow-artifacts/artifacts/" + urllib.parse.quote(relative)


def log_artifact(local_path, artifact_path=None, **_):
    run = _runs[-1] if _runs else start_run()
    name = os.path.basename(os.path.normpath(local_path))
    target = (artifact_path.strip("/") + "/" + name) if artifact_path else name
    with open(local_path, "rb") as f:
        _request("PUT", _artifact_url(run, target), f.read(), "application/octet-stream")


def log_artifacts(local_dir, artifact_path=None, **_):
    for folder, _dirs, files in os.walk(local_dir):
        relative = os.path.relpath(folder, local_dir)
        for name in sorted(files):
            parts = [p for p in (artifact_path, None if relative == "." else relative) if p]
            log_artifact(os.path.join(folder, name), "/".join(p.strip("/") for p in parts) or None)


def log_text(text, artifact_file, **_):
    run = _runs[-1] if _runs else start_run()
    _request("PUT", _artifact_url(run, artifact_file), text.encode("utf-8"), "text/plain; charset=utf-8")


def log_dict(dictionary, artifact_file, **_):
    # JSON is YAML too, so a .yaml file name gets the same text.
    log_text(json.dumps(dictionary, indent=2, default=str), artifact_file)


def register_model(model_uri, name, **_):
    """Registers runs:/<run id>/<path> (or an artifact URI) as a new version of the registered model `name`."""
    if model_uri.startswith("runs:/"):
        run_id, _sep, path = model_uri[len("runs:/"):].partition("/")
        run = get_run(run_id)
        source = run.info.artifact_uri.rstrip("/") + ("/" + path.strip("/") if path else "")
    else:
        run_id, source = None, model_uri
    try:
        _call("registered-models/create", {"name": name})
    except MlflowException as e:
        if e.error_code != "RESOURCE_ALREADY_EXISTS":
            raise
    body = {"name": name, "source": source}
    if run_id:
        body["run_id"] = run_id
    version = _call("model-versions/create", body)["model_version"]
    print("Created version '%s' of model '%s'." % (version["version"], name), file=sys.stderr)
    return _Bag(name=name, version=version["version"], source=source, run_id=run_id)


def autolog(*_args, **_kwargs):
    if not _state["autolog_warned"]:
        _state["autolog_warned"] = True
        print("mlflow.autolog: amlite's built-in MLflow client does not autolog; log what you need with "
              "mlflow.log_metric/log_param/log_model (or install mlflow for the interpreter).", file=sys.stderr)
