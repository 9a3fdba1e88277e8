// The datastores tab (seed 000: create, update credentials, unregister).

import * as api from './api.js';
import { h, errorBox, table, text, props, dialog } from './dom.js';

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

export async function datastoresTab(content, base) {
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
