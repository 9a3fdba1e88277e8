"""The reference for 'Python serving': the same score.py behind Flask under gunicorn, which is what Azure ML's
inference server (azureml-inference-server-http) is built on. init() runs once per worker, run() per POST /score.
Run: AZUREML_MODEL_DIR=... SCORE_DIR=... gunicorn -w N -b 127.0.0.1:PORT flask_app:app
"""
import importlib.util
import json
import os

from flask import Flask, Response, request

spec = importlib.util.spec_from_file_location("score", os.path.join(os.environ["SCORE_DIR"], "score.py"))
score = importlib.util.module_from_spec(spec)
spec.loader.exec_module(score)
score.init()
app = Flask(__name__)


@app.post("/score")
def run():
    return Response(json.dumps(score.run(request.get_data(as_text=True))), mimetype="application/json")
