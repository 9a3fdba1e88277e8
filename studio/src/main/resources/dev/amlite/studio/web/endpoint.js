// The endpoint page and the dialogs that make endpoints and deployments.

import * as api from './api.js';
import { lineChart } from './chart.js';
import { h, errorBox, table, facts, text, props, state, dialog, workspacePath } from './dom.js';

// --- creating an endpoint and a deployment

/** As amlite ml online-endpoint create: a name (unique in the region) and how clients authenticate. */
export function createEndpoint(base, location, reload) {
  const name = h('input', { id: 'ep-name', required: true });
  const auth = h('select', { id: 'ep-auth' }, h('option', { value: 'Key' }, 'key (keys that do not expire)'),
    h('option', { value: 'AMLToken' }, 'aml_token (tokens that expire)'));
  const description = h('input', { id: 'ep-description' });
  dialog('Create endpoint', [
    h('label', { for: 'ep-name' }, 'Name (3–32 characters: a letter first, then letters, digits and single hyphens)'), name,
    h('label', { for: 'ep-auth' }, 'Authentication'), auth,
    h('label', { for: 'ep-description' }, 'Description'), description,
  ], 'Create', (progress) => api.longRunning('PUT', `${base}/onlineEndpoints/${encodeURIComponent(name.value.trim())}`, {
    location, properties: Object.assign({ authMode: auth.value },
      description.value.trim() ? { description: description.value.trim() } : {}),
  }, progress), reload);
}

/** The latest version of each asset of a kind, as options whose values are the versions' ARM ids. */
async function latestVersions(base, kind) {
  const containers = await api.list(`${base}/${kind}`);
  return containers.filter((c) => props(c).latestVersion !== undefined && !props(c).isArchived)
    .map((c) => ({ id: `${c.id}/versions/${props(c).latestVersion}`, label: `${c.name}:${props(c).latestVersion}` }));
}

/**
 * As amlite ml online-deployment create with a registered model and code: the files are already in the
 * workspace, so the studio needs nothing uploaded. A deployment made with the CLI from local paths registers
 * both, so they can be picked here for the next one.
 */
export async function createDeployment(workspaceBase, base, location, reload) {
  const [models, codes] = await Promise.all([latestVersions(workspaceBase, 'models'), latestVersions(workspaceBase, 'codes')]);
  const option = (v) => h('option', { value: v.id }, v.label);
  const name = h('input', { id: 'dep-name', required: true });
  const model = h('select', { id: 'dep-model' }, models.map(option));
  const code = h('select', { id: 'dep-code' }, codes.map(option));
  const script = h('input', { id: 'dep-script', value: 'score.py' });
  const type = h('input', { id: 'dep-type', value: 'Standard_DS3_v2' });
  const count = h('input', { id: 'dep-count', type: 'number', min: 1, value: '1' });
  dialog('Add deployment', [
    h('label', { for: 'dep-name' }, 'Name'), name,
    h('label', { for: 'dep-model' }, 'Model'), model,
    h('label', { for: 'dep-code' }, 'Code (the folder with the scoring script)'), code,
    h('label', { for: 'dep-script' }, 'Scoring script'), script,
    h('label', { for: 'dep-type' }, 'Instance type'), type,
    h('label', { for: 'dep-count' }, 'Instances'), count,
    models.length && codes.length ? null : h('p.empty', {}, 'Register a model and code first (amlite ml model create; a deployment made with the CLI registers its code).'),
    h('p.empty', {}, 'It gets no traffic until you give it some under Traffic.'),
  ], 'Create', (progress) => api.longRunning('PUT', `${base}/deployments/${encodeURIComponent(name.value.trim())}`, {
    location,
    properties: {
      endpointComputeType: 'Managed', model: model.value, instanceType: type.value.trim(),
      codeConfiguration: { codeId: code.value, scoringScript: script.value.trim() },
    },
    sku: { name: 'Default', capacity: Number(count.value) },
  }, progress), reload);
}

// --- endpoint

export async function endpointView(main, p) {
  const base = `${workspacePath(p)}/onlineEndpoints/${encodeURIComponent(p.name)}`;
  const [endpoint, deployments] = await Promise.all([api.get(base), api.list(base + '/deployments')]);
  const metrics = await Promise.all(deployments.map((d) =>
    api.post(`${base}/deployments/${encodeURIComponent(d.name)}/getMetrics`).catch(() => null)));
  const ep = props(endpoint);
  const reload = () => endpointView(main, p).catch((e) => main.replaceChildren(errorBox(e)));
  const names = deployments.map((d) => d.name);

  const deploymentTable = table([
    { title: 'Name', cell: (d) => d.name },
    { title: 'Model', cell: (d) => modelName(props(d).model) },
    { title: 'Instance type', cell: (d) => text(props(d).instanceType) },
    { title: 'Instances', cell: (d) => text(d.sku ? d.sku.capacity : '') },
    { title: 'State', cell: (d) => state(d) },
    { title: 'Requests', cell: (d, i = names.indexOf(d.name)) => text(metrics[i] && metrics[i].requests) },
    { title: 'Errors', cell: (d, i = names.indexOf(d.name)) => text(metrics[i] && errorsOf(metrics[i])) },
    { title: 'p50 ms', cell: (d, i = names.indexOf(d.name)) => text(metrics[i] && metrics[i].latencyMs && metrics[i].latencyMs.p50) },
    { title: 'p99 ms', cell: (d, i = names.indexOf(d.name)) => text(metrics[i] && metrics[i].latencyMs && metrics[i].latencyMs.p99) },
    { title: 'Mirrored', cell: (d, i = names.indexOf(d.name)) => text(metrics[i] && metrics[i].mirrored && metrics[i].mirrored.requests) },
    { title: '', cell: (d) => deploymentActions(base, d, reload) },
  ], deployments, 'No deployments yet. Create one with: amlite ml online-deployment create -f deployment.yml');

  const actions = h('p.row', {},
    h('button.primary', {
      id: 'deployment-create',
      onclick: () => createDeployment(workspacePath(p), base, endpoint.location, reload).catch((e) => main.prepend(errorBox(e))),
    }, 'Add deployment'),
    h('button.danger', {
      id: 'endpoint-delete',
      onclick: () => dialog(`Delete ${endpoint.name}?`, [h('p', {}, 'Its deployments are deleted with it and its scoring URI stops answering.')],
        'Delete', (progress) => api.longRunning('DELETE', base, undefined, progress),
        () => { location.hash = `#/ws/${encodeURIComponent(p.sub)}/${encodeURIComponent(p.group)}/${encodeURIComponent(p.ws)}/endpoints`; }),
    }, 'Delete endpoint'));
  main.replaceChildren(
    h('h1', {}, endpoint.name), actions,
    h('section.card', {}, facts([
      ['Scoring URI', ep.scoringUri], ['Auth mode', ep.authMode], ['State', state(endpoint)], ['Description', ep.description],
    ])),
    h('h2', {}, 'Deployments'), deploymentTable,
    h('h2', {}, 'Traffic'), trafficForm(base, endpoint, names, reload),
    h('h2', {}, ep.authMode === 'AMLToken' ? 'Token' : 'Keys'), credentialsPanel(base, endpoint),
    h('h2', {}, 'Test'), testPanel(base, endpoint, names),
    h('h2', {}, 'Logs'), logsPanel(base, names),
    h('h2', {}, 'Latency'), await latencyPanel(base));
}

/** Scale (a rolling update, as amlite ml online-deployment update --set instance_count=N) and delete. */
function deploymentActions(base, deployment, reload) {
  const path = `${base}/deployments/${encodeURIComponent(deployment.name)}`;
  return h('span.row', {},
    h('button', {
      'data-scale': deployment.name,
      onclick: () => {
        const count = h('input', { id: 'scale-count', type: 'number', min: 1, value: String(deployment.sku ? deployment.sku.capacity : 1) });
        dialog(`Scale ${deployment.name}`, [h('label', { for: 'scale-count' }, 'Instances'), count,
          h('p.empty', {}, 'New instances start and become ready before old ones stop; no request is dropped.')],
        'Scale', async (progress) => {
          const current = await api.get(path);
          await api.longRunning('PUT', path, {
            location: current.location, properties: current.properties, tags: current.tags || {},
            sku: Object.assign({}, current.sku, { capacity: Number(count.value) }),
          }, progress);
        }, reload);
      },
    }, 'Scale'),
    h('button.danger', {
      'data-delete': deployment.name,
      onclick: () => dialog(`Delete ${deployment.name}?`, [h('p', {}, 'Its instances stop. A deployment that still has live traffic cannot be deleted: move its traffic first.')],
        'Delete', (progress) => api.longRunning('DELETE', path, undefined, progress), reload),
    }, 'Delete'));
}

/** name:version of a model's ARM id (…/models/{name}/versions/{version}); anything else as it is. */
function modelName(model) {
  const match = /\/models\/([^/]+)\/versions\/([^/]+)$/.exec(text(model));
  return match ? `${match[1]}:${match[2]}` : text(model);
}

function errorsOf(m) {
  return (m.modelErrors424 || 0) + (m.timeouts408 || 0) + (m.throttled429 || 0) + (m.otherClientErrors4xx || 0) + (m.serverErrors5xx || 0);
}

function trafficForm(base, endpoint, names, reload) {
  if (names.length === 0) {
    return h('p.empty', {}, 'Traffic can be set once the endpoint has a deployment.');
  }
  const ep = props(endpoint);
  const live = {};
  const mirror = {};
  const problem = h('div');
  const save = h('button.primary', { type: 'submit', id: 'traffic-save' }, 'Save traffic');
  const rows = names.map((name) => {
    live[name] = h('input.percent', { type: 'number', min: 0, max: 100, step: 1, id: `live-${name}`, value: String((ep.traffic || {})[name] || 0) });
    mirror[name] = h('input.percent', { type: 'number', min: 0, max: 50, step: 1, id: `mirror-${name}`, value: String((ep.mirrorTraffic || {})[name] || 0) });
    return h('tr', {}, h('td', {}, name), h('td', {}, live[name], ' %'), h('td', {}, mirror[name], ' %'));
  });
  return h('form.card', {
    id: 'traffic',
    onsubmit: async (event) => {
      event.preventDefault();
      save.disabled = true;
      const status = h('p.status', {}, 'Saving…');
      problem.replaceChildren(status);
      const traffic = {};
      const mirrorTraffic = {};
      for (const name of names) {
        traffic[name] = Number(live[name].value || 0);
        if (Number(mirror[name].value || 0) > 0) {
          mirrorTraffic[name] = Number(mirror[name].value);
        }
      }
      try {
        const current = await api.get(base);
        const properties = {};
        for (const member of ['authMode', 'description', 'publicNetworkAccess', 'properties']) {
          if (current.properties[member] !== undefined) {
            properties[member] = current.properties[member];
          }
        }
        properties.traffic = traffic;
        properties.mirrorTraffic = mirrorTraffic;
        await api.longRunning('PUT', base, { location: current.location, tags: current.tags || {}, properties },
          (s) => { status.textContent = `Saving… (${s})`; });
        await reload();
      } catch (e) {
        problem.replaceChildren(errorBox(e));
        save.disabled = false;
      }
    },
  }, h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Deployment'), h('th', {}, 'Live traffic'), h('th', {}, 'Mirrored traffic'))),
    h('tbody', {}, rows)),
  h('p.empty', {}, 'Live traffic sums to 100 (or 0 for none); at most one deployment gets mirrored traffic, at most 50 %, and never one with live traffic.'),
  h('p.row', {}, save), problem);
}

/**
 * What a client sends as its bearer: the keys (shown on request, each regenerable — the old one stops working at
 * once) or, for aml_token, a token with its expiry. Like get-credentials, it needs the listKeys or token action.
 */
function credentialsPanel(base, endpoint) {
  const shown = h('div', { id: 'credentials' });
  const tokens = props(endpoint).authMode === 'AMLToken';
  const show = async () => {
    shown.replaceChildren(h('p.status', {}, 'Reading…'));
    try {
      if (tokens) {
        const t = await api.post(base + '/token');
        shown.replaceChildren(facts([['Token', h('code', { id: 'token' }, t.accessToken)],
          ['Expires', new Date(t.expiryTimeUtc * 1000).toISOString()], ['Refresh after', new Date(t.refreshAfterTimeUtc * 1000).toISOString()]]));
        return;
      }
      const keys = await api.post(base + '/listKeys');
      const regenerate = (type) => h('button', {
        'data-regenerate': type.toLowerCase(),
        onclick: () => dialog(`Regenerate the ${type.toLowerCase()} key?`,
          [h('p', {}, `Clients that send the current ${type.toLowerCase()} key are refused from now on.`)], 'Regenerate',
          (progress) => api.longRunning('POST', base + '/regenerateKeys', { keyType: type }, progress), show),
      }, 'Regenerate');
      shown.replaceChildren(facts([
        ['Primary key', h('span.row', {}, h('code', { id: 'primary-key' }, keys.primaryKey), regenerate('Primary'))],
        ['Secondary key', h('span.row', {}, h('code', { id: 'secondary-key' }, keys.secondaryKey), regenerate('Secondary'))],
      ]));
    } catch (e) {
      shown.replaceChildren(errorBox(e));
    }
  };
  return h('section.card', {}, h('p.row', {}, h('button', { id: 'credentials-show', onclick: show }, tokens ? 'Get a token' : 'Show keys')), shown);
}

async function credentialOf(base, endpoint) {
  if (props(endpoint).authMode === 'AMLToken') {
    return (await api.post(base + '/token')).accessToken;
  }
  return (await api.post(base + '/listKeys')).primaryKey;
}

function testPanel(base, endpoint, names) {
  const target = h('select', { id: 'test-deployment' }, h('option', { value: '' }, 'By traffic'),
    names.map((n) => h('option', { value: n }, n)));
  const request = h('textarea', { id: 'test-request', rows: 6, spellcheck: 'false' }, '{"data": [[1, 2, 3, 4]]}');
  const answer = h('div', { id: 'test-answer' });
  const send = h('button.primary', { type: 'submit', id: 'test-send' }, 'Send');
  return h('form.card', {
    onsubmit: async (event) => {
      event.preventDefault();
      send.disabled = true;
      answer.replaceChildren(h('p.status', {}, 'Sending…'));
      try {
        const key = await credentialOf(base, endpoint);
        const result = await api.score(props(endpoint).scoringUri, key, request.value, target.value);
        answer.replaceChildren(
          h('p', { class: result.status < 400 ? 'ok' : 'error', id: 'test-status' },
            `${result.status} from ${result.deployment || 'no deployment'} in ${result.ms} ms (request ${result.requestId || '-'})`),
          h('pre', { id: 'test-body' }, prettyJson(result.body)));
      } catch (e) {
        answer.replaceChildren(errorBox(e));
      } finally {
        send.disabled = false;
      }
    },
  }, h('label', { for: 'test-deployment' }, 'Deployment '), target,
  h('p', {}, h('label', { for: 'test-request' }, 'Request body (what run(raw_data) receives)')), request,
  h('p.row', {}, send), answer);
}

function prettyJson(body) {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch (e) {
    return body;
  }
}

function logsPanel(base, names) {
  if (names.length === 0) {
    return h('p.empty', {}, 'No deployment, no logs.');
  }
  const which = h('select', { id: 'logs-deployment' }, names.map((n) => h('option', { value: n }, n)));
  const lines = h('input', { id: 'logs-lines', type: 'number', min: 1, max: 10000, value: '100' });
  const output = h('div', { id: 'logs-output' });
  return h('form.card', {
    onsubmit: async (event) => {
      event.preventDefault();
      output.replaceChildren(h('p.status', {}, 'Reading…'));
      try {
        const logs = await api.post(`${base}/deployments/${encodeURIComponent(which.value)}/getLogs`,
          { tail: Number(lines.value), containerType: 'InferenceServer' });
        output.replaceChildren(h('pre', {}, logs.content || '(no output yet)'));
      } catch (e) {
        output.replaceChildren(errorBox(e));
      }
    },
  }, h('span.row', {}, h('label', { for: 'logs-deployment' }, 'Deployment'), which,
    h('label', { for: 'logs-lines' }, 'Lines'), lines, h('button', { type: 'submit', id: 'logs-get' }, 'Get logs')), output);
}

async function latencyPanel(base) {
  let entries;
  try {
    entries = (await api.post(base + '/getRequestLog', { top: 500 })).value || [];
  } catch (e) {
    return errorBox(e);
  }
  const newest = entries.reduce((t, e) => Math.max(t, Date.parse(e.time)), 0);
  const series = new Map();
  for (const entry of entries) {
    const name = entry.mirrored ? `${entry.deployment} (mirrored)` : entry.deployment || '(none)';
    if (!series.has(name)) {
      series.set(name, []);
    }
    series.get(name).push([(Date.parse(entry.time) - newest) / 1000, entry.durationMs]);
  }
  const chart = lineChart([...series].map(([name, points]) => ({ name, points })), {
    title: `Latency of the endpoint's latest ${entries.length} requests`, yLabel: 'ms', xLabel: 'seconds before the latest',
    empty: 'No requests yet: send one from Test, or with amlite ml online-endpoint invoke.',
  });
  chart.id = 'latency-chart';
  const latest = table([
    { title: 'Time', cell: (e) => e.time }, { title: 'Deployment', cell: (e) => text(e.deployment) },
    { title: 'Status', cell: (e) => text(e.status) }, { title: 'ms', cell: (e) => text(e.durationMs) },
    { title: 'Mirrored', cell: (e) => (e.mirrored ? 'yes' : '') }, { title: 'Request id', cell: (e) => text(e.requestId) },
  ], entries.slice(0, 20), 'No requests yet.');
  return h('section.card', {}, chart, h('h2', {}, 'Latest requests'), latest);
}
