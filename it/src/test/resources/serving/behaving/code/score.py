"""A scoring script that does what each request asks, for the router's tests (standard library only)."""
import json
import logging
import os
import time


def init():
    global weights
    with open(os.path.join(os.environ["AZUREML_MODEL_DIR"], "model", "weights.json")) as f:
        weights = json.load(f)
    logging.info("behaving init, version %s", os.environ.get("VERSION", "1"))


def run(raw_data):
    request = json.loads(raw_data) if raw_data else {}
    if os.environ.get("DELAY_MS"):  # a deployment made slow as a whole (a shadow)
        time.sleep(int(os.environ["DELAY_MS"]) / 1000.0)
    if os.environ.get("FAIL_ALWAYS"):
        raise RuntimeError("this deployment always fails")
    if request.get("fail"):
        raise ValueError("asked to fail: " + str(request["fail"]))
    if request.get("crash"):
        logging.info("crashing as asked")
        os._exit(7)
    if "busy_ms" in request:  # Python code that keeps running: a timeout must stop it
        end = time.monotonic() + request["busy_ms"] / 1000.0
        while time.monotonic() < end:
            pass
        logging.info("busy request finished after %s ms", request["busy_ms"])
    if "sleep_ms" in request:
        time.sleep(request["sleep_ms"] / 1000.0)
    answer = {"version": os.environ.get("VERSION", "1"), "deployment": os.environ.get("NAME", "?"),
              "score": weights["bias"] + sum(request.get("data", []))}
    if request.get("pid"):  # which process answered, so a test can look at the sockets it holds
        answer["pid"] = os.getpid()
    return answer
