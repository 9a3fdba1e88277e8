// What every page is made of: elements, tables, facts and the modal dialog. Every text from the server goes in
// with textContent (h() never parses HTML), so a name or a log line cannot become markup.

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

export function table(columns, rows, empty) {
  if (rows.length === 0) {
    return h('p.empty', {}, empty);
  }
  return h('table', {},
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c.title)))),
    h('tbody', {}, rows.map((row) => h('tr', {}, columns.map((c) => h('td', {}, c.cell(row)))))));
}

export function facts(pairs) {
  return h('dl.facts', {}, pairs.filter(([, v]) => v !== undefined && v !== null && v !== '')
    .flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

export const text = (value) => (value === undefined || value === null ? '' : String(value));
export const props = (resource) => resource.properties || {};
export const state = (resource) => props(resource).provisioningState || props(resource).status || '';

/** A modal form: runs action(progress) on submit, shows its error in place, closes and calls onDone on success. */
export function dialog(title, fields, submitText, action, onDone) {
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

export function workspacePath(p) {
  return `/subscriptions/${encodeURIComponent(p.sub)}/resourceGroups/${encodeURIComponent(p.group)}`
    + `/providers/Microsoft.MachineLearningServices/workspaces/${encodeURIComponent(p.ws)}`;
}

export function workspaceHash(id, tab) {
  const parts = id.split('/');
  // /subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.MachineLearningServices/workspaces/{w}
  return `#/ws/${encodeURIComponent(parts[2])}/${encodeURIComponent(parts[4])}/${encodeURIComponent(parts[8])}`
    + (tab ? '/' + tab : '');
}
