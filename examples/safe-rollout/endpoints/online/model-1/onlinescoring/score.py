import json
import logging
import os

import joblib
import numpy


def init():
    """Called once when the deployment starts: load the model into memory."""
    global model
    # AZUREML_MODEL_DIR is the folder the model was registered from (model/ below it), as on Azure.
    model_path = os.path.join(os.getenv("AZUREML_MODEL_DIR"), "model/sklearn_regression_model.pkl")
    model = joblib.load(model_path)
    logging.info("Init complete")


def run(raw_data):
    """Called per request: raw_data is the request body as a string."""
    logging.info("model 1: request received")
    data = numpy.array(json.loads(raw_data)["data"])
    result = model.predict(data)
    logging.info("Request processed")
    return result.tolist()
