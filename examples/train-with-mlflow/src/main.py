"""A training script as Azure ML's tutorials write them: scikit-learn, MLflow's fluent API, the model registered
and written to the job's output. It runs unchanged on Azure ML and on amlite (whose jobs have `import mlflow`
without pip)."""
import argparse
import os

import mlflow
import mlflow.sklearn
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import classification_report
from sklearn.model_selection import train_test_split


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--test_train_ratio", type=float, default=0.25)
    parser.add_argument("--C", type=float, default=1.0)
    parser.add_argument("--registered_model_name", type=str, help="model name")
    parser.add_argument("--model", type=str, help="path to the model output")
    args = parser.parse_args()

    mlflow.start_run()
    mlflow.sklearn.autolog()

    X, y = load_iris(return_X_y=True)
    mlflow.log_metric("num_samples", X.shape[0])
    mlflow.log_metric("num_features", X.shape[1])
    mlflow.log_params({"C": args.C, "test_train_ratio": args.test_train_ratio})

    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=args.test_train_ratio, random_state=0)
    clf = LogisticRegression(C=args.C, max_iter=500).fit(X_train, y_train)
    accuracy = clf.score(X_test, y_test)
    mlflow.log_metric("accuracy", accuracy)
    mlflow.log_text(classification_report(y_test, clf.predict(X_test)), "classification_report.txt")
    print("accuracy %.4f" % accuracy)

    print("Registering the model via MLflow")
    mlflow.sklearn.log_model(sk_model=clf, registered_model_name=args.registered_model_name,
                             artifact_path=args.registered_model_name)
    mlflow.sklearn.save_model(sk_model=clf, path=os.path.join(args.model, "trained_model"))
    mlflow.end_run()


if __name__ == "__main__":
    main()
