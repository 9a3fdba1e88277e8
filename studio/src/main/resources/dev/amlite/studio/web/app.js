// The studio's shell: reads the address after '#', draws the page it names, and sends a visitor without a
// session to the sign-in page (and back to where they were going after it).

import * as api from './api.js';
import { h, errorBox } from './dom.js';
import { signInView, workspacesView, workspaceView, assetView } from './views.js';
import { endpointView } from './endpoint.js';
import { jobView } from './job.js';

const main = document.getElementById('main');
const crumbs = document.getElementById('crumbs');
const who = document.getElementById('who');

/** The route of a hash: its view, its parameters and its breadcrumbs. */
function route(hash) {
  const path = hash.replace(/^#/, '').split('?')[0];
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'signin') {
    const query = new URLSearchParams(hash.split('?')[1] || '');
    return { view: 'signin', next: query.get('next'), ended: query.has('ended') };
  }
  if (parts[0] === 'ws' && parts.length >= 4) {
    const p = { sub: parts[1], group: parts[2], ws: parts[3], tab: parts[4], name: parts[5] };
    const wsHash = `#/ws/${parts.slice(1, 4).map(encodeURIComponent).join('/')}`;
    const trail = [['Workspaces', '#/'], [p.ws, wsHash]];
    if (p.tab === 'endpoints' && p.name) {
      return { view: 'endpoint', p, trail: [...trail, ['Endpoints', wsHash + '/endpoints'], [p.name]] };
    }
    if (['models', 'environments', 'data'].includes(p.tab) && p.name) {
      const title = { models: 'Models', environments: 'Environments', data: 'Data' }[p.tab];
      return { view: 'asset', p, trail: [...trail, [title, `${wsHash}/${p.tab}`], [p.name]] };
    }
    if (p.tab === 'jobs' && p.name) {
      return { view: 'job', p, trail: [...trail, ['Jobs', wsHash + '/jobs'], [p.name]] };
    }
    return { view: 'workspace', p, trail };
  }
  return { view: 'workspaces', trail: [['Workspaces']] };
}

function drawChrome(r) {
  crumbs.replaceChildren(...(r.trail || []).flatMap(([title, href], i) => [
    i > 0 ? h('span', { 'aria-hidden': 'true' }, '›') : null,
    href ? h('a', { href }, title) : h('span', { 'aria-current': 'page' }, title),
  ]).filter(Boolean));
  const session = api.currentSession();
  who.replaceChildren(...(session ? [session.user, h('button', {
    id: 'signout',
    onclick: () => { api.signOut(); location.hash = '#/signin'; },
  }, 'Sign out')] : []));
}

async function render() {
  const r = route(location.hash);
  if (r.view !== 'signin' && !api.currentSession()) {
    location.hash = '#/signin?next=' + encodeURIComponent(location.hash || '#/');
    return;
  }
  drawChrome(r);
  const page = h('div', { id: 'page-' + r.view });
  main.replaceChildren(page);
  page.append(h('p.status', {}, 'Loading…'));
  try {
    switch (r.view) {
      case 'signin': signInView(page, r.next, r.ended); break;
      case 'workspace': await workspaceView(page, r.p); break;
      case 'endpoint': await endpointView(page, r.p); break;
      case 'job': await jobView(page, r.p); break;
      case 'asset': await assetView(page, r.p); break;
      default: await workspacesView(page); break;
    }
  } catch (e) {
    if (e.status === 401) {
      location.hash = '#/signin?ended&next=' + encodeURIComponent(location.hash);
      return;
    }
    page.replaceChildren(errorBox(e));
  }
  page.dataset.ready = 'true';
}

window.addEventListener('hashchange', render);
render();
