"""amlite's MLflow client for jobs: the part of MLflow's fluent API that training scripts use, standard library only.

A job's PYTHONPATH names this package's folder, so that `import mlflow` works in a job without pip. When a real
mlflow is installed where the interpreter looks, that one is loaded instead and this file does nothing else.

In a job (MLFLOW_RUN_ID set) the run is the job's own, as in Azure ML: start_run() attaches to it and end_run()
leaves it to the platform, which ends it with the job. Nested runs are children of it. autolog() logs nothing
here and says so once.
"""
import importlib.machinery
import importlib.util
import os
import sys

_HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_REAL = importlib.machinery.PathFinder.find_spec(
    "mlflow", [p for p in sys.path if os.path.abspath(p or ".") != _HERE])

if _REAL is not None:
    # A real mlflow is installed: it takes this module's place (import returns sys.modules["mlflow"]).
    _module = importlib.util.module_from_spec(_REAL)
    sys.modules["mlflow"] = _module
    _REAL.loader.exec_module(_module)
else:
    from mlflow._client import *  # noqa: F401,F403
    from mlflow._client import __all__  # noqa: F401
    from mlflow import sklearn  # noqa: F401
