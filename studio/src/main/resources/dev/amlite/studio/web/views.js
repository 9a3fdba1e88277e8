// The studio's pages of workspaces, their tabs and assets, and sign-in. Every text from the server goes in with
// textContent (h() never parses HTML), so a name or a log line cannot become markup.

import * as api from './api.js';
import { h, errorBox, table, facts, text, props, state, dialog, workspacePath, workspaceHash } from './dom.js';
import { createEndpoint } from './endpoint.js';
import { datastoresTab } from './datastores.js';

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
