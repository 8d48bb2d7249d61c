// The node's JSON API, as the page uses it. Every call goes to the node that served the page
// (relative URLs), and a failure becomes an ApiError whose message is the node's own one-line
// reason, ready to show.

/** A failed call: the node's reason (or why it could not be reached) and the HTTP status (0: no answer). */
export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

const TIMEOUT_MS = 10000;

/** A path segment: a list name may hold '/', '?', '%' and anything else. */
export function segment(name) {
  return encodeURIComponent(name);
}

/** A key that makes a write safe to send again (crypto.randomUUID needs HTTPS; this does not). */
function idempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return 'page-' + Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Sends a request and returns the parsed JSON answer (null for 204), or throws an ApiError.
 * Writes carry an Idempotency-Key.
 */
export async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['Idempotency-Key'] = idempotencyKey();
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
      cache: 'no-store',
    });
  } catch (e) {
    const why = e.name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS / 1000} s` : 'the node does not answer';
    throw new ApiError(why, 0);
  }
  if (response.status === 204) return null;
  const text = await response.text();
  if (!response.ok) throw new ApiError(text.trim() || response.statusText || `HTTP ${response.status}`, response.status);
  const type = response.headers.get('Content-Type') || '';
  return type.startsWith('application/json') ? JSON.parse(text) : text;
}

export const api = {
  cluster: () => call('GET', '/api/cluster'),
  describe: list => call('GET', `/api/lists/${segment(list)}`),
  lists: (q, after, limit) => {
    const params = new URLSearchParams({ limit: String(limit) });
    if (q) params.set('q', q);
    if (after) params.set('after', after);
    return call('GET', `/api/lists?${params}`);
  },
  entries: list => call('GET', `/api/lists/${segment(list)}/entries`),
  add: (list, title, date) => call('POST', `/api/lists/${segment(list)}/entries`, { title, date }),
  update: (list, id, patch) => call('PATCH', `/api/lists/${segment(list)}/entries/${id}`, patch),
  remove: (list, id) => call('DELETE', `/api/lists/${segment(list)}/entries/${id}`),
  metrics: () => call('GET', '/metrics'),
};
