// Uploads a folder to, or downloads a prefix from, a blob container with Azure's official JavaScript client:
// the "straight to the blob service" reference of bench/assets-azurite.sh. Eight files in flight, like the
// amlite SDK; large files in parallel blocks as the client does by default.
// Usage: node transfer.mjs upload|download <connection string> <container> <prefix> <folder>
import { BlobServiceClient } from "@azure/storage-blob";
import { readdir, mkdir } from "node:fs/promises";
import { join, relative, dirname } from "node:path";

const [mode, connection, containerName, prefix, folder] = process.argv.slice(2);
const container = BlobServiceClient.fromConnectionString(connection).getContainerClient(containerName);
await container.createIfNotExists();

async function walk(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...await walk(path)); else if (entry.isFile()) out.push(path);
  }
  return out;
}

async function pool(items, size, work) {
  let next = 0;
  await Promise.all(Array.from({ length: size }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

if (mode === "upload") {
  const files = await walk(folder);
  await pool(files, 8, (file) => container.getBlockBlobClient(prefix + "/" + relative(folder, file)).uploadFile(file));
} else {
  const names = [];
  for await (const blob of container.listBlobsFlat({ prefix: prefix + "/" })) names.push(blob.name);
  await pool(names, 8, async (name) => {
    const target = join(folder, name.substring(prefix.length + 1));
    await mkdir(dirname(target), { recursive: true });
    await container.getBlockBlobClient(name).downloadToFile(target);
  });
}
