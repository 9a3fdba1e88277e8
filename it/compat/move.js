// Seed 000's move with Azure's official JavaScript client for resources (@azure/arm-resources): validate, then move
// a workspace to another subscription. Prints one JSON line of what it saw; exits non-zero on any failure.
// Usage: node move.js <endpoint> <token> <origin-subscription> <origin-group> <workspace> <target-group-id>
const { ResourceManagementClient } = require("@azure/arm-resources");

async function main() {
  const [endpoint, token, subscriptionId, group, workspace, target] = process.argv.slice(2);
  const credential = { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_000_000 }) };
  const client = new ResourceManagementClient(credential, subscriptionId, {
    endpoint, credentialScopes: ["https://management.azure.com/.default"],
  });
  const id = `/subscriptions/${subscriptionId}/resourceGroups/${group}/providers/Microsoft.MachineLearningServices/workspaces/${workspace}`;
  const seen = {};
  try {
    await client.resources.beginValidateMoveResourcesAndWait(group,
      { resources: [id], targetResourceGroup: "/subscriptions/" + subscriptionId + "/resourceGroups/does-not-exist" });
    seen.invalidAccepted = true;
  } catch (e) {
    seen.invalid = { status: e.statusCode, code: e.code, message: String(e.message) };
  }
  await client.resources.beginValidateMoveResourcesAndWait(group, { resources: [id], targetResourceGroup: target });
  seen.validated = true;
  await client.resources.beginMoveResourcesAndWait(group, { resources: [id], targetResourceGroup: target });
  seen.moved = true;
  console.log(JSON.stringify(seen));
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
