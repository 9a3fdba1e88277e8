// Drives amlite's workspaces with Azure's official JavaScript management client (@azure/arm-machinelearning),
// over HTTPS, with a token amlite issued. Prints one JSON line of what it saw; exits non-zero on any failure.
// Usage: node workspaces.js <endpoint> <token> <subscription-id> <resource-group>
const { AzureMachineLearningWorkspaces } = require("@azure/arm-machinelearning");

async function main() {
  const [endpoint, token, subscriptionId, group] = process.argv.slice(2);
  const credential = { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_000_000 }) };
  const client = new AzureMachineLearningWorkspaces(credential, subscriptionId, {
    endpoint, credentialScopes: ["https://management.azure.com/.default"],
  });
  const seen = {};
  const created = await client.workspaces.beginCreateOrUpdateAndWait(group, "compat-ws", {
    location: "japaneast", friendlyName: "from JavaScript", tags: { via: "arm-machinelearning" },
  });
  seen.created = { id: created.id, workspaceId: created.workspaceId, storageAccount: created.storageAccount,
    keyVault: created.keyVault, applicationInsights: created.applicationInsights,
    provisioningState: created.provisioningState, identityType: created.identity && created.identity.type };
  const fetched = await client.workspaces.get(group, "compat-ws");
  seen.fetchedFriendlyName = fetched.friendlyName;
  seen.listed = [];
  for await (const ws of client.workspaces.listByResourceGroup(group)) {
    seen.listed.push(ws.name);
  }
  const updated = await client.workspaces.beginUpdateAndWait
    ? await client.workspaces.beginUpdateAndWait(group, "compat-ws", { description: "updated from JavaScript" })
    : await client.workspaces.update(group, "compat-ws", { description: "updated from JavaScript" });
  seen.updatedDescription = updated.description;
  const keys = await client.workspaces.listKeys(group, "compat-ws");
  seen.hasStorageKey = typeof keys.userStorageKey === "string" && keys.userStorageKey.length > 20;
  await client.workspaces.beginResyncKeysAndWait(group, "compat-ws");
  const diagnosis = await client.workspaces.beginDiagnoseAndWait(group, "compat-ws", { parameters: { value: {} } });
  seen.diagnosisGroups = Object.keys((diagnosis && diagnosis.value) || {}).sort();
  await client.workspaceConnections.create(group, "compat-ws", "js-conn", {
    properties: { category: "Git", target: "https://github.com/example/repo", authType: "PAT",
      credentials: { pat: "js-secret" } },
  });
  seen.connections = [];
  for await (const c of client.workspaceConnections.list(group, "compat-ws")) {
    seen.connections.push({ name: c.name, category: c.properties.category, leaked: JSON.stringify(c).includes("js-secret") });
  }
  seen.privateEndpointConnections = [];
  for await (const c of client.privateEndpointConnections.list(group, "compat-ws")) {
    seen.privateEndpointConnections.push(c.name);
  }
  const env = await client.environmentVersions.createOrUpdate(group, "compat-ws", "js-env", "1", {
    properties: { image: "python:3.11-slim", condaFile: "dependencies:\n  - python=3.11\n", description: "from JavaScript" },
  });
  seen.environment = { name: env.name, image: env.properties.image, osType: env.properties.osType };
  const model = await client.modelVersions.createOrUpdate(group, "compat-ws", "js-model", "1", {
    properties: { modelUri: "https://example.com/models/js/", modelType: "CustomModel", tags: { source: "js" } },
  });
  seen.model = { name: model.name, modelType: model.properties.modelType, tags: model.properties.tags };
  const modelContainer = await client.modelContainers.get(group, "compat-ws", "js-model");
  seen.modelNextVersion = modelContainer.properties.nextVersion;
  seen.modelVersions = [];
  for await (const v of client.modelVersions.list(group, "compat-ws", "js-model")) {
    seen.modelVersions.push(v.name);
  }
  try {
    await client.modelVersions.createOrUpdate(group, "compat-ws", "js-model", "1", {
      properties: { modelUri: "https://example.com/models/other/" },
    });
    seen.duplicate = "accepted";
  } catch (e) {
    seen.duplicate = e.statusCode;
  }
  seen.environmentFetched = (await client.environmentVersions.get(group, "compat-ws", "js-env", "1")).properties.description;
  await client.workspaces.beginDeleteAndWait(group, "compat-ws");
  try {
    await client.workspaces.get(group, "compat-ws");
    seen.afterDelete = "still there";
  } catch (e) {
    seen.afterDelete = e.statusCode;
  }
  console.log(JSON.stringify(seen));
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
