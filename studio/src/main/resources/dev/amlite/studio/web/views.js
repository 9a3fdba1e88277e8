// The studio's pages. Every text from the server goes in with textContent (h() never parses HTML), so a name or
// a log line cannot become markup.

import * as api from './api.js';
import { lineChart } from './chart.js';

/** h('tag.class', { attribute or on* handler }, ...children): an element; strings become text nodes. */
export function h(spec, attributes = {}, ...children) {
  const [tag, ...classes] = spec.split('.');
  const node = document.createElement(tag);
  if (classes.length) {
    node.className = classes.join(' ');
  }
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (key.startsWith('on')) {
      node.addEventListener(key.slice(2), value);
    } else if (key === 'value') {
      node.value = value;
    } else {
      node.setAttribute(key, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

export function errorBox(error) {
  const code = error && error.code ? `(${error.code}) ` : '';
  return h('p.error', { role: 'alert' }, code + (error && error.message ? error.message : String(error)));
}

function table(columns, rows, empty) {
  if (rows.length === 0) {
    return h('p.empty', {}, empty);
  }
  return h('table', {},
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c.title)))),
    h('tbody', {}, rows.map((row) => h('tr', {}, columns.map((c) => h('td', {}, c.cell(row)))))));
}

function facts(pairs) {
  return h('dl.facts', {}, pairs.filter(([, v]) => v !== undefined && v !== null && v !== '')
    .flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

const text = (value) => (value === undefined || value === null ? '' : String(value));
const props = (resource) => resource.properties || {};
const state = (resource) => props(resource).provisioningState || props(resource).status || '';

// --- sign-in

export function signInView(main, next, ended) {
  const user = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const problem = h('div');
  const button = h('button.primary', { type: 'submit', id: 'signin' }, 'Sign in');
  const form = h('form.stack.card.signin', {
    onsubmit: async (event) => {
      event.preventDefault();
      button.disabled = true;
      problem.replaceChildren();
      try {
        await api.signIn(user.value.trim(), password.value);
        location.hash = next || '#/';
      } catch (e) {
        problem.replaceChildren(errorBox(e));
        button.disabled = false;
      }
    },
  }, h('h1', {}, 'Sign in to amlite'),
  ended ? h('p.status', { id: 'signin-ended' }, 'Your sign-in has ended. Sign in again to go on where you were.') : null,
  h('label', { for: 'username' }, 'User name'), user,
  h('label', { for: 'password' }, 'Password'), password,
  h('p', {}, button), problem,
  h('p.empty', {}, 'Use an amlite user (the admin the server printed on first start, or one made with amlite ad user create).'));
  main.replaceChildren(form);
  user.focus();
}

// --- workspaces

export function workspacePath(p) {
  return `/subscriptions/${encodeURIComponent(p.sub)}/resourceGroups/${encodeURIComponent(p.group)}`
    + `/providers/Microsoft.MachineLearningServices/workspaces/${encodeURIComponent(p.ws)}`;
}

function workspaceHash(id, tab) {
  const parts = id.split('/');
  // /subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.MachineLearningServices/workspaces/{w}
  return `#/ws/${encodeURIComponent(parts[2])}/${encodeURIComponent(parts[4])}/${encodeURIComponent(parts[8])}`
    + (tab ? '/' + tab : '');
}

export async function workspacesView(main) {
  const subscriptions = await api.list('/subscriptions', api.RESOURCES_API);
  const sections = [h('h1', {}, 'Workspaces')];
  if (subscriptions.length === 0) {
    sections.push(h('p.empty', {}, 'You can see no subscription. An Owner can give you a role with amlite role assignment create.'));
  }
  for (const subscription of subscriptions) {
    let body;
    try {
      const workspaces = await api.list(`/subscriptions/${subscription.subscriptionId}/providers/Microsoft.MachineLearningServices/workspaces`);
      body = table([
        { title: 'Name', cell: (w) => h('a', { href: workspaceHash(w.id) }, w.name) },
        { title: 'Resource group', cell: (w) => w.id.split('/')[4] },
        { title: 'Location', cell: (w) => w.location },
        { title: 'State', cell: (w) => movingOf(w) || state(w) },
        { title: 'Description', cell: (w) => text(props(w).description) },
      ], workspaces, 'No workspaces here yet. Create one with: amlite ml workspace create -n NAME -g GROUP');
    } catch (e) {
      body = errorBox(e);
    }
    sections.push(h('section.card', {}, h('h2', {}, `${subscription.displayName} (${subscription.subscriptionId})`),
      h('p.row', {}, h('button.primary', {
        'data-create-workspace': subscription.subscriptionId,
        onclick: () => createWorkspace(subscription.subscriptionId, () => workspacesView(main).catch((e) => main.replaceChildren(errorBox(e)))),
      }, 'Create workspace')), body));
  }
  main.replaceChildren(...sections);
}

function movingOf(workspace) {
  const moving = props(workspace).amliteMoving;
  return moving ? `Moving to ${text(moving.target).split('/').slice(0, 5).join('/')} (operation ${moving.operation})` : '';
}

/** As amlite ml workspace create -n NAME -g GROUP: the storage account, key vault and insights are made with it. */
async function createWorkspace(subscription, reload) {
  const groups = await api.list(`/subscriptions/${subscription}/resourcegroups`, api.RESOURCES_API);
  const name = h('input', { id: 'ws-name', required: true });
  const group = h('select', { id: 'ws-group' }, groups.map((g) => h('option', { value: g.name }, `${g.name} (${g.location})`)));
  const description = h('input', { id: 'ws-description' });
  dialog('Create workspace', [
    h('label', { for: 'ws-name' }, 'Name (3–33 letters, digits, hyphens or underscores)'), name,
    h('label', { for: 'ws-group' }, 'Resource group (its location is the workspace\'s)'), group,
    groups.length === 0 ? h('p.empty', {}, 'This subscription has no resource group: amlite group create -n NAME -l LOCATION') : null,
    h('label', { for: 'ws-description' }, 'Description'), description,
  ], 'Create', (progress) => api.longRunning('PUT', workspacePath({ sub: subscription, group: group.value, ws: name.value.trim() }),
    { properties: description.value.trim() ? { description: description.value.trim() } : {} }, progress), reload);
}

const TABS = [
  ['endpoints', 'Endpoints'], ['models', 'Models'], ['environments', 'Environments'], ['data', 'Data'],
  ['datastores', 'Datastores'], ['jobs', 'Jobs'], ['computes', 'Compute'], ['moves', 'Moves'],
];

export async function workspaceView(main, p) {
  const base = workspacePath(p);
  const workspace = await api.get(base);
  const tab = p.tab || 'endpoints';
  if (!TABS.some(([name]) => name === tab)) {
    throw new api.ApiError(404, 'NotFound', `A workspace has no page '${tab}'. Its pages: ${TABS.map(([n]) => n).join(', ')}.`);
  }
  const tabs = h('nav.tabs', { 'aria-label': 'Workspace' }, TABS.map(([name, title]) =>
    h('a', { href: workspaceHash(workspace.id, name), 'aria-current': name === tab ? 'page' : false }, title)));
  const content = h('div', { id: 'tab-' + tab });
  main.replaceChildren(h('h1', {}, workspace.name), facts([
    ['Location', workspace.location], ['Resource group', p.group], ['State', state(workspace)],
    ['MLflow tracking URI', props(workspace).mlFlowTrackingUri],
  ]), tabs, content);
  const hash = workspaceHash(workspace.id);
  switch (tab) {
    case 'endpoints': {
      const endpoints = await api.list(base + '/onlineEndpoints');
      content.replaceChildren(h('p.row', {}, h('button.primary', {
        id: 'endpoint-create',
        onclick: () => createEndpoint(base, workspace.location, () => workspaceView(main, p)),
      }, 'Create endpoint')), table([
        { title: 'Name', cell: (e) => h('a', { href: `${hash}/endpoints/${encodeURIComponent(e.name)}` }, e.name) },
        { title: 'Auth', cell: (e) => text(props(e).authMode) },
        { title: 'Traffic', cell: (e) => split(props(e).traffic) },
        { title: 'Mirror', cell: (e) => split(props(e).mirrorTraffic) },
        { title: 'State', cell: (e) => state(e) },
      ], endpoints, 'No online endpoints. Create one with: amlite ml online-endpoint create -n NAME'));
      break;
    }
    case 'models':
    case 'environments':
    case 'data': {
      const path = { models: '/models', environments: '/environments', data: '/data' }[tab];
      const containers = await api.list(base + path);
      content.replaceChildren(table([
        { title: 'Name', cell: (c) => h('a', { href: `${hash}/${tab}/${encodeURIComponent(c.name)}` }, c.name) },
        { title: 'Latest version', cell: (c) => text(props(c).latestVersion) },
        { title: 'Description', cell: (c) => text(props(c).description) },
        { title: 'Archived', cell: (c) => (props(c).isArchived ? 'yes' : '') },
      ], containers, `No ${tab} yet.`));
      break;
    }
    case 'datastores':
      await datastoresTab(content, base);
      break;
    case 'jobs': {
      const jobs = await api.list(base + '/jobs');
      content.replaceChildren(table([
        { title: 'Name', cell: (j) => h('a', { href: `${hash}/jobs/${encodeURIComponent(j.name)}` }, j.name) },
        { title: 'Display name', cell: (j) => text(props(j).displayName) },
        { title: 'Experiment', cell: (j) => text(props(j).experimentName) },
        { title: 'Status', cell: (j) => text(props(j).status) },
        { title: 'Compute', cell: (j) => text(props(j).computeId).split('/').pop() },
      ], jobs, 'No jobs yet. Submit one with: amlite ml job create -f job.yml'));
      break;
    }
    case 'computes': {
      const computes = await api.list(base + '/computes');
      content.replaceChildren(table([
        { title: 'Name', cell: (c) => c.name },
        { title: 'Type', cell: (c) => text(props(c).computeType) },
        { title: 'Size', cell: (c) => text((props(c).properties || {}).vmSize) },
        { title: 'State', cell: (c) => text((props(c).properties || {}).state || state(c)) },
        { title: '', cell: (c) => computeActions(`${base}/computes/${encodeURIComponent(c.name)}`, c, () => workspaceView(main, p)) },
        { title: '', cell: (c) => computeDelete(`${base}/computes/${encodeURIComponent(c.name)}`, c, () => workspaceView(main, p)) },
      ], computes, 'No compute yet. Create one with: amlite ml compute create -n NAME --type amlcompute --size Standard_DS3_v2'));
      break;
    }
    case 'moves':
      content.replaceChildren(movesOf(workspace));
      break;
    default:
      break;
  }
}

/** MV-4: each move of the workspace, with what it removed and what it left behind, and the command for each. */
function movesOf(workspace) {
  const history = props(workspace).amliteMoveHistory || [];
  if (history.length === 0) {
    return h('p.empty', {}, 'This workspace has not been moved. Move it with: amlite resource move --destination-group GROUP --ids WORKSPACE_ID');
  }
  return h('div', {}, [...history].reverse().map((move) => h('section.card.move', {},
    h('h2', {}, `Moved ${text(move.at)}`),
    facts([['From', move.from], ['To', move.to], ['Operation', move.operation]]),
    h('h3', {}, 'Data assets left at the source'),
    table([
      { title: 'Name', cell: (d) => `${d.name}:${d.version}` }, { title: 'Type', cell: (d) => text(d.type) },
      { title: 'Path', cell: (d) => text(d.path) }, { title: 'Register it here with', cell: (d) => h('code', {}, text(d.register)) },
    ], move.leftBehindDataAssets || [], 'None.'),
    h('h3', {}, 'Datastores still naming the old group'),
    table([
      { title: 'Name', cell: (d) => d.name }, { title: 'Account', cell: (d) => text(d.accountName) },
      { title: 'Fix with', cell: (d) => h('code', {}, text(d.update)) },
    ], move.datastoresToUpdate || [], 'None.'),
    h('h3', {}, 'Role assignments removed'),
    table([
      { title: 'Principal', cell: (r) => text(r.principalId) }, { title: 'Role', cell: (r) => text(r.roleDefinitionId).split('/').pop() },
      { title: 'Scope', cell: (r) => text(r.scope) },
    ], move.removedRoleAssignments || [], 'None.'),
    h('h3', {}, 'Private endpoint connections removed (new ones wait for approval)'),
    table([
      { title: 'Connection', cell: (c) => text(c.name) }, { title: 'Private endpoint', cell: (c) => text(c.privateEndpoint) },
      { title: 'Was', cell: (c) => text(c.status) },
    ], move.disconnectedPrivateEndpointConnections || [], 'None.'))));
}

/** A compute instance's start, stop and restart (long-running, as amlite ml compute start/stop/restart). */
function computeActions(path, compute, reload) {
  if (props(compute).computeType !== 'ComputeInstance') {
    return '';
  }
  const current = (props(compute).properties || {}).state;
  const status = h('span.status', {});
  const act = (action) => h('button', {
    'data-compute-action': action,
    onclick: async (event) => {
      event.target.disabled = true;
      status.textContent = `${action}…`;
      try {
        await api.longRunning('POST', `${path}/${action}`, undefined, (s) => { status.textContent = `${action}… (${s})`; });
        await reload();
      } catch (e) {
        status.replaceChildren(errorBox(e));
        event.target.disabled = false;
      }
    },
  }, action[0].toUpperCase() + action.slice(1));
  return h('span.row', {}, current === 'Stopped' ? act('start') : null,
    current === 'Running' ? act('stop') : null, current === 'Running' ? act('restart') : null, status);
}

/** As amlite ml compute delete: its nodes are released; one that runs or queues jobs is refused, naming them. */
function computeDelete(path, compute, reload) {
  return h('button.danger', {
    'data-compute-delete': compute.name,
    onclick: () => dialog(`Delete ${compute.name}?`, [h('p', {}, 'Its nodes are released and its quota freed. A compute that still runs or queues jobs is not deleted.')],
      'Delete', (progress) => api.longRunning('DELETE', path, undefined, progress), reload),
  }, 'Delete');
}

function split(traffic) {
  const entries = Object.entries(traffic || {}).filter(([, v]) => v > 0);
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(' ') : '';
}

// --- creating an endpoint and a deployment

/** As amlite ml online-endpoint create: a name (unique in the region) and how clients authenticate. */
function createEndpoint(base, location, reload) {
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
async function createDeployment(workspaceBase, base, location, reload) {
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

// --- an asset's versions

export async function assetView(main, p) {
  const path = `${workspacePath(p)}/${p.tab}/${encodeURIComponent(p.name)}`;
  // Archived versions too (ActiveOnly is the list's default), so that they can be restored here.
  const [container, versions] = await Promise.all([api.get(path), api.list(path + '/versions?listViewType=All')]);
  versions.sort((a, b) => Number(b.name) - Number(a.name) || b.name.localeCompare(a.name));
  main.replaceChildren(h('h1', {}, container.name), facts([['Description', props(container).description],
    ['Latest version', props(container).latestVersion]]), h('h2', {}, 'Versions'), table([
    { title: 'Version', cell: (v) => v.name },
    { title: p.tab === 'environments' ? 'Image' : 'Path', cell: (v) => text(props(v).modelUri || props(v).dataUri || props(v).image) },
    { title: 'Type', cell: (v) => text(props(v).modelType || props(v).dataType || props(v).osType) },
    { title: 'Description', cell: (v) => text(props(v).description) },
    { title: 'Tags', cell: (v) => Object.entries(props(v).tags || {}).map(([k, x]) => `${k}=${x}`).join(' ') },
    { title: 'Created', cell: (v) => text((v.systemData || {}).createdAt) },
    { title: 'Archived', cell: (v) => (props(v).isArchived ? 'yes' : '') },
    { title: '', cell: (v) => archiveAction(`${path}/versions/${encodeURIComponent(v.name)}`, v, () => assetView(main, p)) },
  ], versions, 'No versions.'));
}

/**
 * As amlite ml model archive / restore -v: an archived version is hidden from lists and from @latest, and stays
 * usable by name and version.
 */
function archiveAction(path, version, reload) {
  const archived = Boolean(props(version).isArchived);
  const status = h('span.status', {});
  return h('span.row', {}, h('button', {
    'data-archive-version': version.name,
    onclick: async (event) => {
      event.target.disabled = true;
      try {
        const current = await api.get(path);
        const properties = Object.assign({}, current.properties, { isArchived: !archived });
        for (const readOnly of ['provisioningState', 'latestVersion', 'nextVersion']) {
          delete properties[readOnly];
        }
        await api.send('PUT', path, api.ML_API, { properties });
        await reload();
      } catch (e) {
        status.replaceChildren(errorBox(e));
        event.target.disabled = false;
      }
    },
  }, archived ? 'Restore' : 'Archive'), status);
}

// --- datastores (seed 000: create, update credentials, unregister)

const DATASTORE_TYPES = { AzureBlob: 'containerName', AzureFile: 'fileShareName', AzureDataLakeGen2: 'filesystem' };

function credentialsOf(kind, secret) {
  if (kind === 'AccountKey') {
    return { credentialsType: 'AccountKey', secrets: { secretsType: 'AccountKey', key: secret } };
  }
  if (kind === 'Sas') {
    return { credentialsType: 'Sas', secrets: { secretsType: 'Sas', sasToken: secret } };
  }
  return { credentialsType: 'None' };
}

function credentialFields(prefix) {
  const kind = h('select', { id: prefix + '-kind' },
    h('option', { value: 'AccountKey' }, 'Account key'), h('option', { value: 'Sas' }, 'SAS token'),
    h('option', { value: 'None' }, 'None (identity)'));
  const secret = h('input', { id: prefix + '-secret', type: 'password', autocomplete: 'off' });
  return { kind, secret, nodes: [h('label', { for: prefix + '-kind' }, 'Credential type'), kind,
    h('label', { for: prefix + '-secret' }, 'Account key or SAS token'), secret] };
}

function dialog(title, fields, submitText, action, onDone) {
  const problem = h('div');
  const submit = h('button.primary', { type: 'submit' }, submitText);
  const box = h('dialog', {});
  const close = () => { box.close(); box.remove(); };
  box.append(h('form.stack', {
    onsubmit: async (event) => {
      event.preventDefault();
      submit.disabled = true;
      const working = h('p.status', {}, 'Working…');
      problem.replaceChildren(working);
      try {
        await action((status) => { working.textContent = `Working… (${status})`; });
        close();
        onDone();
      } catch (e) {
        problem.replaceChildren(errorBox(e));
        submit.disabled = false;
      }
    },
  }, h('h2', {}, title), fields, problem, h('p.row', {}, submit, h('button', { type: 'button', onclick: close }, 'Cancel'))));
  document.body.appendChild(box);
  box.showModal();
  return box;
}

async function datastoresTab(content, base) {
  const reload = () => datastoresTab(content, base).catch((e) => content.replaceChildren(errorBox(e)));
  const datastores = await api.list(base + '/datastores');
  const create = h('button.primary', {
    id: 'datastore-create',
    onclick: () => {
      const name = h('input', { id: 'ds-name', required: true });
      const type = h('select', { id: 'ds-type' }, Object.keys(DATASTORE_TYPES).map((t) => h('option', { value: t }, t)));
      const account = h('input', { id: 'ds-account', required: true });
      const container = h('input', { id: 'ds-container', required: true });
      const credentials = credentialFields('ds');
      dialog('Create datastore', [
        h('label', { for: 'ds-name' }, 'Name'), name, h('label', { for: 'ds-type' }, 'Type'), type,
        h('label', { for: 'ds-account' }, 'Storage account'), account,
        h('label', { for: 'ds-container' }, 'Container, file share or file system'), container, ...credentials.nodes,
      ], 'Create', () => api.send('PUT', `${base}/datastores/${encodeURIComponent(name.value.trim())}`, api.ML_API, {
        properties: {
          datastoreType: type.value, accountName: account.value.trim(), [DATASTORE_TYPES[type.value]]: container.value.trim(),
          endpoint: 'core.windows.net', protocol: 'https', credentials: credentialsOf(credentials.kind.value, credentials.secret.value),
        },
      }), reload);
    },
  }, 'Create datastore');
  content.replaceChildren(h('p.row', {}, create), table([
    { title: 'Name', cell: (d) => d.name },
    { title: 'Type', cell: (d) => text(props(d).datastoreType) },
    { title: 'Account', cell: (d) => text(props(d).accountName) },
    { title: 'Container', cell: (d) => text(props(d).containerName || props(d).fileShareName || props(d).filesystem || props(d).path) },
    { title: 'Credentials', cell: (d) => text((props(d).credentials || {}).credentialsType) },
    { title: 'Default', cell: (d) => (props(d).isDefault ? 'yes' : '') },
    {
      title: '',
      cell: (d) => h('span.row', {},
        DATASTORE_TYPES[props(d).datastoreType] ? h('button', {
          'data-datastore': d.name,
          onclick: () => {
            const credentials = credentialFields('cred');
            const subscription = h('input', { id: 'cred-subscription', value: text(props(d).subscriptionId) });
            const group = h('input', { id: 'cred-group', value: text(props(d).resourceGroup) });
            dialog(`Update credentials of ${d.name}`, [...credentials.nodes,
              h('label', { for: 'cred-subscription' }, 'Storage account\'s subscription id'), subscription,
              h('label', { for: 'cred-group' }, 'Storage account\'s resource group'), group], 'Save', async () => {
              const current = await api.get(`${base}/datastores/${encodeURIComponent(d.name)}`);
              const properties = Object.assign({}, current.properties,
                { credentials: credentialsOf(credentials.kind.value, credentials.secret.value) });
              for (const [member, input] of [['subscriptionId', subscription], ['resourceGroup', group]]) {
                if (input.value.trim()) {
                  properties[member] = input.value.trim();
                } else {
                  delete properties[member];
                }
              }
              await api.send('PUT', `${base}/datastores/${encodeURIComponent(d.name)}`, api.ML_API, { properties });
            }, reload);
          },
        }, 'Update credentials') : null,
        props(d).isDefault ? null : h('button.danger', {
          onclick: () => dialog(`Unregister ${d.name}?`, [h('p', {}, 'Its data stays where it is; only the registration goes.')],
            'Unregister', () => api.send('DELETE', `${base}/datastores/${encodeURIComponent(d.name)}`, api.ML_API), reload),
        }, 'Unregister')),
    },
  ], datastores, 'No datastores.'));
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

// --- job

export async function jobView(main, p) {
  const workspace = await api.get(workspacePath(p));
  const base = `${workspacePath(p)}/jobs/${encodeURIComponent(p.name)}`;
  const job = await api.get(base);
  const jp = props(job);
  const log = h('pre', { id: 'job-log' }, '');
  const status = h('span', { id: 'job-status' }, text(jp.status));
  const metrics = h('div', {}, await metricCharts(workspace, jp));
  const cancelling = h('span.status', {});
  const cancel = TERMINAL_JOB.includes(jp.status) ? null : h('button.danger', {
    id: 'job-cancel',
    onclick: async () => {
      cancel.disabled = true;
      cancelling.textContent = 'Cancelling…';
      try {
        await api.post(base + '/cancel');
      } catch (e) {
        cancelling.replaceChildren(errorBox(e));
        cancel.disabled = false;
      }
    },
  }, 'Cancel job');
  main.replaceChildren(h('h1', {}, job.name), h('p.row', {}, cancel, cancelling), h('section.card', {}, facts([
    ['Status', status], ['Display name', jp.displayName], ['Experiment', jp.experimentName],
    ['Compute', text(jp.computeId).split('/').pop()], ['Command', jp.command],
  ])), h('h2', {}, 'Metrics'), metrics, h('h2', {}, 'Log'), log);
  follow(main, base, workspace, jp, log, status, metrics)
    .then(() => { if (cancel) { cancel.remove(); cancelling.textContent = ''; } })
    .catch((e) => log.after(errorBox(e)));
}

/**
 * Like amlite ml job stream: reads on from where it stopped until the job has ended and the log is read out;
 * stops when the user leaves the page. The page is ready before this ends.
 */
async function follow(main, base, workspace, jp, log, status, metrics) {
  let offset = 0;
  let ended = TERMINAL_JOB.includes(jp.status);
  while (main.isConnected) {
    const chunk = await api.post(base + '/readLogs', { offset });
    if (chunk.content) {
      log.append(chunk.content);
      offset = chunk.nextOffset;
      continue;
    }
    if (chunk.status && chunk.status !== status.textContent) {
      status.textContent = chunk.status;
    }
    if (ended || TERMINAL_JOB.includes(chunk.status)) {
      if (!ended) {
        metrics.replaceChildren(await metricCharts(workspace, props(await api.get(base))));
      }
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  if (!log.textContent) {
    log.textContent = '(the job has written nothing)';
  }
  log.dataset.complete = 'true';
}

const TERMINAL_JOB = ['Completed', 'Failed', 'Canceled'];

async function metricCharts(workspace, jp) {
  const metrics = Object.keys((jp.mlflow || {}).metrics || {});
  const tracking = props(workspace).mlFlowTrackingUri;
  if (metrics.length === 0 || !tracking) {
    return h('p.empty', {}, 'The job has logged no metrics (mlflow.log_metric).');
  }
  const root = new URL(tracking).pathname;
  const figures = [];
  for (const key of metrics) {
    try {
      const history = await api.get(`${root}/api/2.0/mlflow/metrics/get-history?run_id=${encodeURIComponent(jp.mlflow.runId)}`
        + `&metric_key=${encodeURIComponent(key)}`, null);
      const points = (history.metrics || []).map((m, i) => [m.step !== undefined ? Number(m.step) : i, Number(m.value)]);
      const figure = lineChart([{ name: key, points }], { title: key, xLabel: 'step' });
      figure.dataset.metric = key;
      figures.push(figure);
    } catch (e) {
      figures.push(errorBox(e));
    }
  }
  return h('section.card', { id: 'job-metrics' }, figures);
}
