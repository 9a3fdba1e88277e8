#!/usr/bin/env bash
# Issue 6's compute, quota and job commands, runnable. Needs a running server, a login as an administrator of the
# subscription (the quota approval needs one; 'admin' is), and a resource group and workspace set as defaults:
#   amlite configure --defaults group=<rg> workspace=<workspace>
# Run from anywhere; LOCATION is the workspace's region (default japaneast). Jobs run train.py with the server's
# --python (stdlib only: it logs to MLflow with urllib).
set -euo pipefail
cd "$(dirname "$0")"
AMLITE="${AMLITE:-amlite}"
LOCATION="${LOCATION:-japaneast}"
JOB="${JOB_NAME:-train-$(date +%s)}"
DOWNLOADS="${DOWNLOADS:-downloads}"

$AMLITE ml compute create -n cpu-cluster --type amlcompute --size Standard_DS3_v2 --min-instances 0 --max-instances 4 --idle-time-before-scale-down 120
$AMLITE ml compute create -n dev-box --type computeinstance --size Standard_DS3_v2 --file ci-with-schedule.yml
if $AMLITE ml compute create -n gpu --type amlcompute --size Standard_NC6s_v3; then
  echo "expected QuotaExceeded: GPU families start with a limit of 0" >&2; exit 1
fi
$AMLITE ml compute list-sizes -l "$LOCATION" -o table
$AMLITE ml compute list-usage -l "$LOCATION" -o table
REQUEST=$($AMLITE quota request create -l "$LOCATION" --family standardNCSv3Family --limit 6 --justification "one V100 node" --query name -o tsv)
$AMLITE quota request approve -l "$LOCATION" -n "$REQUEST" --query properties.status -o tsv
$AMLITE ml compute create -n gpu --type amlcompute --size Standard_NC6s_v3 --max-instances 1 --query cost_estimate
$AMLITE ml compute stop -n dev-box --query state -o tsv
$AMLITE ml compute start -n dev-box --query state -o tsv
$AMLITE ml job create -f job.yml --name "$JOB" --stream
$AMLITE ml job list -o table
$AMLITE ml job show -n "$JOB" --query "{status:status,metrics:metrics,params:params}"
$AMLITE ml job create -f long-job.yml --name "$JOB-long" --query status -o tsv
sleep 2
$AMLITE ml job cancel -n "$JOB-long" --query status -o tsv
$AMLITE ml job download -n "$JOB" --download-path "$DOWNLOADS"
cat "$DOWNLOADS/$JOB/named-outputs/model/model.json"; echo
$AMLITE ml compute show -n cpu-cluster --query cost_estimate
$AMLITE ml compute delete -n gpu --yes
$AMLITE ml compute delete -n dev-box --yes
