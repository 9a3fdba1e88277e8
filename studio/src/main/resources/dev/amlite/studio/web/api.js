// The studio's only way to the server: the same ARM API, token endpoint and scoring URIs the CLI uses, with the
// signed-in user's token. The token lives in this tab's sessionStorage and leaves with the tab.

export const ML_API = '2024-04-01';
export const RESOURCES_API = '2022-09-01';
const SESSION = 'amlite.studio.session';
const TERMINAL = ['Succeeded', 'Failed', 'Canceled'];

/** An answer the server refused: ARM's error code and message, and the HTTP status. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function currentSession() {
  const saved = sessionStorage.getItem(SESSION);
  return saved ? JSON.parse(saved) : null;
}

export function signOut() {
  sessionStorage.removeItem(SESSION);
}

async function tokenRequest(form) {
  const response = await fetch('/organizations/oauth2/v2.0/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new ApiError(response.status, body.error || 'SignInFailed',
      body.error_description || `The server answered ${response.status}.`);
  }
  return body;
}

function remember(user, answer) {
  const session = {
    user,
    token: answer.access_token,
    refreshToken: answer.refresh_token || null,
    expiresOn: Number(answer.expires_on) * 1000,
  };
  sessionStorage.setItem(SESSION, JSON.stringify(session));
  return session;
}

export async function signIn(user, password) {
  return remember(user, await tokenRequest({
    grant_type: 'password', username: user, password, scope: 'https://management.azure.com/.default',
  }));
}

/** The session's token, refreshed when it ends within a minute; null when there is no session any more. */
async function token() {
  let session = currentSession();
  if (!session) {
    return null;
  }
  if (session.expiresOn - Date.now() < 60_000) {
    if (!session.refreshToken) {
      signOut();
      return null;
    }
    try {
      session = remember(session.user, await tokenRequest({
        grant_type: 'refresh_token', refresh_token: session.refreshToken,
      }));
    } catch (e) {
      signOut();
      return null;
    }
  }
  return session.token;
}

function withVersion(path, apiVersion) {
  if (!apiVersion || /[?&]api-version=/.test(path)) {
    return path;
  }
  return path + (path.includes('?') ? '&' : '?') + 'api-version=' + apiVersion;
}

async function errorOf(response) {
  const text = await response.text();
  try {
    const error = JSON.parse(text).error;
    if (error && error.message) {
      return new ApiError(response.status, error.code || `HTTP ${response.status}`, error.message);
    }
  } catch (e) {
    // not ARM's envelope: the text itself says what went wrong
  }
  return new ApiError(response.status, `HTTP ${response.status}`, text || response.statusText);
}

/** One request to the management API; the raw Response when it succeeded. */
export async function send(method, path, apiVersion, body) {
  const bearer = await token();
  if (!bearer) {
    throw new ApiError(401, 'SignInRequired', 'Your sign-in has ended. Sign in again.');
  }
  const response = await fetch(withVersion(path, apiVersion), {
    method,
    headers: Object.assign({ Authorization: 'Bearer ' + bearer },
      body === undefined ? {} : { 'Content-Type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401) {
    signOut();
    throw await errorOf(response);
  }
  if (!response.ok) {
    throw await errorOf(response);
  }
  return response;
}

export async function get(path, apiVersion = ML_API) {
  return (await send('GET', path, apiVersion)).json();
}

export async function post(path, body, apiVersion = ML_API) {
  const response = await send('POST', path, apiVersion, body);
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

/** Every item of a list, following nextLink. */
export async function list(path, apiVersion = ML_API) {
  const items = [];
  let next = withVersion(path, apiVersion);
  while (next) {
    const page = await get(next, null);
    items.push(...(page.value || []));
    const link = page.nextLink ? new URL(page.nextLink, location.href) : null;
    next = link ? link.pathname + link.search : null;  // same origin, whatever host the server named
  }
  return items;
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A PUT, PATCH or DELETE that may run long: follows Azure-AsyncOperation (or Location) to the end, calling
 * progress(status) on every poll, and throws the operation's own error when it failed.
 */
export async function longRunning(method, path, body, progress = () => {}, apiVersion = ML_API) {
  const response = await send(method, path, apiVersion, body);
  const operation = response.headers.get('Azure-AsyncOperation');
  const locationHeader = response.headers.get('Location');
  if ((response.status === 201 || response.status === 202) && (operation || locationHeader)) {
    const poll = new URL(operation || locationHeader, location.href);
    for (;;) {
      const answer = await send('GET', poll.pathname + poll.search, null);
      const text = await answer.text();
      const status = text ? JSON.parse(text) : {};
      if (!operation) {
        if (answer.status !== 202) {
          return status;
        }
      } else if (TERMINAL.includes(status.status)) {
        if (status.status !== 'Succeeded') {
          const error = status.error || {};
          throw new ApiError(200, error.code || status.status, error.message || `The operation ${status.status.toLowerCase()}.`);
        }
        break;
      }
      progress(status.status || 'InProgress');
      const wait = Number(answer.headers.get('Retry-After') || '1');
      await pause(Math.min(Math.max(wait, 0.2), 1) * 1000);
    }
    if (method !== 'PUT' && method !== 'PATCH') {
      return null;  // a DELETE leaves nothing to read, and an action's path is not a resource
    }
    return get(path, apiVersion);
  }
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

/**
 * Sends a request to an endpoint's scoring URI, on this server's own port (it serves /inference too), so the
 * studio needs no other origin. Answers { status, deployment, requestId, body, ms }.
 */
export async function score(scoringUri, key, body, deployment) {
  const uri = new URL(scoringUri);
  const headers = { Authorization: 'Bearer ' + key, 'Content-Type': 'application/json' };
  if (deployment) {
    headers['azureml-model-deployment'] = deployment;
  }
  const started = performance.now();
  const response = await fetch(uri.pathname, { method: 'POST', headers, body });
  const text = await response.text();
  return {
    status: response.status,
    deployment: response.headers.get('azureml-model-deployment'),
    requestId: response.headers.get('x-request-id'),
    body: text,
    ms: Math.round(performance.now() - started),
  };
}
