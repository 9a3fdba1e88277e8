"""Trains model-1: a ridge regression on scikit-learn's diabetes data (10 features), saved with joblib.

Run it with an interpreter that sees scikit-learn (Debian: /usr/bin/python3 with python3-sklearn):
    /usr/bin/python3 train.py
"""
import os

import joblib
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Ridge

here = os.path.dirname(os.path.abspath(__file__))
features, target = load_diabetes(return_X_y=True)
model = Ridge(alpha=0.5).fit(features, target)
path = os.path.join(here, "endpoints", "online", "model-1", "model", "sklearn_regression_model.pkl")
os.makedirs(os.path.dirname(path), exist_ok=True)  # the folder holds only this generated file, so git has no copy
joblib.dump(model, path)
print(f"trained Ridge on {len(target)} rows, R^2 {model.score(features, target):.3f}; saved {path}")
