#!/usr/bin/env bash
# Seed 004's safe rollout, command for command, with amlite in place of az. Needs a running server and a login
# (amlite login ...), a resource group and a workspace set as defaults:
#   amlite configure --defaults group=<rg> workspace=<workspace>
# Run from this folder. ENDPOINT_NAME defaults to my-endpoint; endpoint names are unique per region.
# curl trusts CURL_CA, by default the certificate a local server made for itself (in AMLITE_DATA_DIR, or
# ~/.amlite/data); a server with a certificate from your CA needs neither.
set -euo pipefail
cd "$(dirname "$0")"
AMLITE="${AMLITE:-amlite}"
export ENDPOINT_NAME="${ENDPOINT_NAME:-my-endpoint}"
if [[ -z "${CURL_CA:-}" && -f "${AMLITE_DATA_DIR:-$HOME/.amlite/data}/tls/server.crt" ]]; then
  CURL_CA="${AMLITE_DATA_DIR:-$HOME/.amlite/data}/tls/server.crt"
fi

/usr/bin/python3 train.py

$AMLITE ml online-endpoint create --name $ENDPOINT_NAME -f endpoints/online/managed/sample/endpoint.yml
$AMLITE ml online-deployment create --name blue --endpoint-name $ENDPOINT_NAME -f endpoints/online/managed/sample/blue-deployment.yml --all-traffic
$AMLITE ml online-endpoint show --name $ENDPOINT_NAME
$AMLITE ml online-deployment show --name blue --endpoint $ENDPOINT_NAME
$AMLITE ml online-endpoint invoke --name $ENDPOINT_NAME --request-file endpoints/online/model-1/sample-request.json
$AMLITE ml online-deployment update --name blue --endpoint-name $ENDPOINT_NAME --set instance_count=2
$AMLITE ml online-deployment create --name green --endpoint-name $ENDPOINT_NAME -f endpoints/online/managed/sample/green-deployment.yml
$AMLITE ml online-endpoint show -n $ENDPOINT_NAME --query traffic
$AMLITE ml online-endpoint invoke --name $ENDPOINT_NAME --deployment-name green --request-file endpoints/online/model-2/sample-request.json
ENDPOINT_KEY=$($AMLITE ml online-endpoint get-credentials -n $ENDPOINT_NAME -o tsv --query primaryKey)
SCORING_URI=$($AMLITE ml online-endpoint show -n $ENDPOINT_NAME -o tsv --query scoring_uri)
curl --fail-with-body --silent --show-error ${CURL_CA:+--cacert "$CURL_CA"} --request POST "$SCORING_URI" --header "Authorization: Bearer $ENDPOINT_KEY" --header 'Content-Type: application/json' --header "azureml-model-deployment: green" --data @endpoints/online/model-2/sample-request.json \
  || { status=$?; [[ $status -ne 60 ]] || echo "curl does not trust the scoring port's certificate: set CURL_CA to the certificate the server printed at start (certificate: ...)" >&2; exit $status; }
echo
$AMLITE ml online-endpoint update --name $ENDPOINT_NAME --mirror-traffic "green=10"
for i in {1..20} ; do
  $AMLITE ml online-endpoint invoke --name $ENDPOINT_NAME --request-file endpoints/online/model-1/sample-request.json
done
$AMLITE ml online-deployment get-logs --name green --endpoint $ENDPOINT_NAME
$AMLITE ml online-endpoint update --name $ENDPOINT_NAME --mirror-traffic "green=0"
$AMLITE ml online-endpoint update --name $ENDPOINT_NAME --traffic "blue=90 green=10"
$AMLITE ml online-endpoint update --name $ENDPOINT_NAME --traffic "blue=0 green=100"
$AMLITE ml online-deployment delete --name blue --endpoint $ENDPOINT_NAME --yes --no-wait
$AMLITE ml online-endpoint delete --name $ENDPOINT_NAME --yes --no-wait
