"""amlite's scoring script for an MLflow model deployed without one (Azure ML's no-code deployment).

init() finds the model's MLmodel file below AZUREML_MODEL_DIR and loads its scikit-learn flavour; run() takes the
inputs Azure ML's MLflow deployments take and answers the model's predictions as a JSON list:
  {"input_data": {"columns": [...], "index": [...], "data": [[...], ...]}}   (a DataFrame, split orientation)
  {"input_data": [[...], ...]}                                              (rows of numbers)
and MLflow's own serving formats: {"dataframe_split": {...}}, {"dataframe_records": [{...}, ...]},
{"instances": [...]}, {"inputs": [...]}.
Standard library only; pandas is used when the interpreter has it, so that a model fitted on a DataFrame gets one.
"""
import json
import os
import pickle

_model = None
_features = None  # the column names the model was fitted with, when it knows them


def _mlmodel_folder(root):
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        if "MLmodel" in files:
            return folder
    raise RuntimeError("No MLmodel file is below %s: a deployment without code_configuration serves an MLflow "
                       "model (a folder with an MLmodel file, registered with type mlflow_model)." % root)


def _scalar(text):
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return None if text in ("null", "~", "") else text


def read_mlmodel(path):
    """The mappings and scalars of an MLmodel file (the part of YAML it uses), as nested dicts."""
    root = {}
    stack = [(-1, root)]
    with open(path, encoding="utf-8") as f:
        for line in f:
            stripped = line.rstrip("\n")
            if not stripped.strip() or stripped.lstrip().startswith(("#", "-")) or ":" not in stripped:
                continue
            indent = len(stripped) - len(stripped.lstrip(" "))
            key, _, value = stripped.strip().partition(":")
            while stack[-1][0] >= indent:
                stack.pop()
            parent = stack[-1][1]
            if value.strip():
                parent[key] = _scalar(value)
            else:
                parent[key] = {}
                stack.append((indent, parent[key]))
    return root


def init():
    global _model, _features
    folder = _mlmodel_folder(os.environ["AZUREML_MODEL_DIR"])
    flavors = read_mlmodel(os.path.join(folder, "MLmodel")).get("flavors") or {}
    sklearn_flavor = flavors.get("sklearn")
    pyfunc = flavors.get("python_function") or {}
    if isinstance(sklearn_flavor, dict):
        file = sklearn_flavor.get("pickled_model") or "model.pkl"
        serialization = sklearn_flavor.get("serialization_format") or "pickle"
    elif pyfunc.get("loader_module") == "mlflow.sklearn":
        file, serialization = pyfunc.get("model_path") or "model.pkl", "pickle"
    else:
        raise RuntimeError("amlite serves MLflow models of the sklearn flavour without a scoring script; this one's "
                           "flavours are %s. Deploy it with a score.py (code_configuration)." % sorted(flavors))
    with open(os.path.join(folder, file), "rb") as f:
        if serialization == "cloudpickle":
            try:
                import cloudpickle
                _model = cloudpickle.load(f)
            except ImportError:  # what cloudpickle writes of an estimator pickle reads too
                _model = pickle.load(f)
        else:
            _model = pickle.load(f)
    names = getattr(_model, "feature_names_in_", None)
    _features = [str(n) for n in names] if names is not None else None
    print("amlite: MLflow model %s loaded from %s" % (type(_model).__name__, folder))


def _table(payload):
    """(rows, column names or None) from any of the accepted input shapes."""
    if not isinstance(payload, dict):
        raise ValueError("The request must be a JSON object with input_data (or dataframe_split, dataframe_records, "
                         "instances, inputs); it is a %s." % type(payload).__name__)
    for key in ("input_data", "dataframe_split", "dataframe_records", "instances", "inputs"):
        if key in payload:
            value = payload[key]
            break
    else:
        raise ValueError("The request has none of input_data, dataframe_split, dataframe_records, instances, inputs; "
                         "its keys are %s." % sorted(payload))
    if isinstance(value, dict):
        if "data" not in value:
            raise ValueError("%s must have data (and columns for named features): "
                             "{\"columns\": [...], \"data\": [[...]]}." % key)
        return value["data"], value.get("columns")
    if isinstance(value, list) and value and all(isinstance(r, dict) for r in value):
        columns = list(value[0])
        return [[r.get(c) for c in columns] for r in value], columns
    if isinstance(value, list):
        return value, None
    raise ValueError("%s must be a list of rows or an object with columns and data." % key)


def run(raw_data):
    rows, columns = _table(json.loads(raw_data))
    if columns is not None and _features is not None:
        missing = [f for f in _features if f not in columns]
        if missing:
            raise ValueError("The input lacks the model's features %s; it has %s." % (missing, columns))
        at = {c: i for i, c in enumerate(columns)}
        rows = [[row[at[f]] for f in _features] for row in rows]
        columns = _features
    inputs = rows
    if columns is not None:
        try:
            import pandas
            inputs = pandas.DataFrame(rows, columns=columns)
        except ImportError:
            pass
    predictions = _model.predict(inputs)
    return predictions.tolist() if hasattr(predictions, "tolist") else list(predictions)
