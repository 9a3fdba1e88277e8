-- POST a fixed body with the bearer KEY (from the environment); BODY overrides the body; DEPLOYMENT pins one.
wrk.method = "POST"
wrk.body = os.getenv("BODY") or '{"data": [[1,2,3,4,5,6,7,8,9,10],[10,9,8,7,6,5,4,3,2,1]]}'
wrk.headers["Content-Type"] = "application/json"
local key = os.getenv("KEY")
if key and key ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. key
end
local deployment = os.getenv("DEPLOYMENT")
if deployment and deployment ~= "" then
  wrk.headers["azureml-model-deployment"] = deployment
end
