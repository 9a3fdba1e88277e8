-- MLflow tracking per workspace (CP-2): experiments, runs, their metrics, params and tags, and the model registry.
-- workspace_key is the workspace's lower-case ARM id. Metrics are append-only and the largest table: no primary
-- key, one index for a run's history of one key, written in JDBC batches.
CREATE TABLE mlflow_experiments (
    workspace_key     VARCHAR(1024) NOT NULL,
    experiment_id     VARCHAR(64)   NOT NULL,
    name              VARCHAR(512)  NOT NULL,
    name_key          VARCHAR(512)  NOT NULL,
    artifact_location VARCHAR(2048) NOT NULL,
    lifecycle_stage   VARCHAR(16)   NOT NULL,
    creation_time     BIGINT        NOT NULL,
    last_update_time  BIGINT        NOT NULL,
    PRIMARY KEY (workspace_key, experiment_id)
);
CREATE UNIQUE INDEX mlflow_experiments_name ON mlflow_experiments (workspace_key, name_key);

CREATE TABLE mlflow_experiment_tags (
    workspace_key VARCHAR(1024) NOT NULL,
    experiment_id VARCHAR(64)   NOT NULL,
    tag_key       VARCHAR(250)  NOT NULL,
    tag_value     VARCHAR(8000),
    PRIMARY KEY (workspace_key, experiment_id, tag_key)
);

CREATE TABLE mlflow_runs (
    workspace_key   VARCHAR(1024) NOT NULL,
    run_id          VARCHAR(128)  NOT NULL,
    experiment_id   VARCHAR(64)   NOT NULL,
    run_name        VARCHAR(512),
    user_id         VARCHAR(256),
    status          VARCHAR(16)   NOT NULL,
    start_time      BIGINT        NOT NULL,
    end_time        BIGINT,
    lifecycle_stage VARCHAR(16)   NOT NULL,
    artifact_uri    VARCHAR(2048) NOT NULL,
    PRIMARY KEY (workspace_key, run_id)
);
CREATE INDEX mlflow_runs_experiment ON mlflow_runs (workspace_key, experiment_id, start_time);

CREATE TABLE mlflow_metrics (
    workspace_key VARCHAR(1024) NOT NULL,
    run_id        VARCHAR(128)  NOT NULL,
    metric_key    VARCHAR(250)  NOT NULL,
    metric_value  DOUBLE PRECISION NOT NULL,
    is_nan        BOOLEAN       NOT NULL,
    metric_time   BIGINT        NOT NULL,
    step          BIGINT        NOT NULL
);
CREATE INDEX mlflow_metrics_run ON mlflow_metrics (workspace_key, run_id, metric_key, step);

CREATE TABLE mlflow_params (
    workspace_key VARCHAR(1024) NOT NULL,
    run_id        VARCHAR(128)  NOT NULL,
    param_key     VARCHAR(250)  NOT NULL,
    param_value   VARCHAR(6000) NOT NULL,
    PRIMARY KEY (workspace_key, run_id, param_key)
);

CREATE TABLE mlflow_tags (
    workspace_key VARCHAR(1024) NOT NULL,
    run_id        VARCHAR(128)  NOT NULL,
    tag_key       VARCHAR(250)  NOT NULL,
    tag_value     VARCHAR(8000),
    PRIMARY KEY (workspace_key, run_id, tag_key)
);

CREATE TABLE mlflow_registered_models (
    workspace_key     VARCHAR(1024) NOT NULL,
    name              VARCHAR(256)  NOT NULL,
    description       VARCHAR(5000),
    creation_time     BIGINT        NOT NULL,
    last_updated_time BIGINT        NOT NULL,
    PRIMARY KEY (workspace_key, name)
);

CREATE TABLE mlflow_model_versions (
    workspace_key     VARCHAR(1024) NOT NULL,
    name              VARCHAR(256)  NOT NULL,
    version           INTEGER       NOT NULL,
    description       VARCHAR(5000),
    source            VARCHAR(2048),
    run_id            VARCHAR(128),
    status            VARCHAR(32)   NOT NULL,
    current_stage     VARCHAR(32)   NOT NULL,
    creation_time     BIGINT        NOT NULL,
    last_updated_time BIGINT        NOT NULL,
    PRIMARY KEY (workspace_key, name, version)
);
