"""Model 2: a linear model in plain JSON, scored with the standard library only (nothing to install)."""
import json
import logging
import os


def init():
    global intercept, coefficients
    with open(os.path.join(os.getenv("AZUREML_MODEL_DIR"), "model/linear_model.json")) as f:
        model = json.load(f)
    intercept, coefficients = model["intercept"], model["coefficients"]
    logging.info("Init complete")


def run(raw_data):
    logging.info("model 2: request received")
    rows = json.loads(raw_data)["data"]
    for row in rows:
        if len(row) != len(coefficients):
            raise ValueError(f"each row needs {len(coefficients)} features, one has {len(row)}")
    result = [intercept + sum(c * x / 100.0 for c, x in zip(coefficients, row)) for row in rows]
    logging.info("Request processed")
    return result
