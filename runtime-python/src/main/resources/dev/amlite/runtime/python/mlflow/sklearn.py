"""mlflow.sklearn of amlite's built-in client: save_model/log_model in MLflow's model format (pickle), load_model."""
import os
import pickle
import platform
import shutil
import tempfile
import time
import uuid

from mlflow import _client

_PICKLE = "model.pkl"


def _versions():
    try:
        import sklearn
        return sklearn.__version__
    except ImportError:
        return None


def save_model(sk_model, path, serialization_format="pickle", **_):
    """Writes the model as MLflow's sklearn flavour: MLmodel, model.pkl, requirements.txt. Refuses a used folder."""
    if os.path.exists(path) and (not os.path.isdir(path) or os.listdir(path)):
        raise _client.MlflowException("Path '%s' already exists and is not empty" % path, "RESOURCE_ALREADY_EXISTS")
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, _PICKLE), "wb") as f:
        pickle.dump(sk_model, f)
    sklearn_version = _versions()
    python_version = platform.python_version()
    lines = [
        "flavors:",
        "  python_function:",
        "    loader_module: mlflow.sklearn",
        "    model_path: " + _PICKLE,
        "    predict_fn: predict",
        "    python_version: " + python_version,
        "  sklearn:",
        "    code: null",
        "    pickled_model: " + _PICKLE,
        "    serialization_format: pickle",
        "    sklearn_version: " + (sklearn_version or "null"),
        "model_uuid: " + uuid.uuid4().hex,
        "utc_time_created: '" + time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()) + "'",
    ]
    with open(os.path.join(path, "MLmodel"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(path, "requirements.txt"), "w") as f:
        f.write(("scikit-learn==%s\n" % sklearn_version) if sklearn_version else "scikit-learn\n")


def log_model(sk_model, artifact_path=None, registered_model_name=None, name=None, **_):
    """Saves the model and uploads it as the active run's artifacts; registers it when a name is given."""
    artifact_path = artifact_path or name or "model"
    run = _client.active_run() or _client.start_run()
    folder = tempfile.mkdtemp(prefix="amlite-model-")
    try:
        save_model(sk_model, os.path.join(folder, "model"))
        _client.log_artifacts(os.path.join(folder, "model"), artifact_path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    model_uri = "runs:/%s/%s" % (run.info.run_id, artifact_path)
    version = _client.register_model(model_uri, registered_model_name) if registered_model_name else None
    return _client._Bag(model_uri=model_uri, artifact_path=artifact_path, run_id=run.info.run_id,
                        registered_model_version=version.version if version else None)


def load_model(model_uri, **_):
    """Loads a model saved by save_model (or MLflow's sklearn flavour with pickle) from a local folder."""
    path = model_uri[len("file://"):] if model_uri.startswith("file://") else model_uri
    if not os.path.isdir(path):
        raise _client.MlflowException("amlite's built-in client loads models from a local folder; '%s' is not one "
                                      "(download it first, e.g. 'amlite ml job download')." % model_uri)
    with open(os.path.join(path, _PICKLE), "rb") as f:
        return pickle.load(f)


def autolog(*args, **kwargs):
    _client.autolog(*args, **kwargs)

