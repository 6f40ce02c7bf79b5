// The inventory's HTTP API, as the console calls it: POST JSON to Cloudforet's routes, with the
// session's token and domain. Every failure becomes an ApiError carrying the server's code and message.
import { currentSession } from './session.js';

export class ApiError extends Error {
  /**
   * @param {number} status HTTP status (0 when the server could not be reached)
   * @param {string} code the server's error code (e.g. ERROR_INVALID_PARAMETER)
   * @param {string} message the server's message
   * @param {string} [errorId] the id the server logged an internal error under
   */
  constructor(status, code, message, errorId) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.errorId = errorId;
  }

  get unauthenticated() {
    return this.status === 401;
  }
}

/**
 * @param {string} route e.g. 'inventory/v1/job/list'
 * @param {object} body the request message as JSON
 * @param {{ signal?: AbortSignal, session?: { token: string, domainId: string } }} [options]
 */
export async function call(route, body = {}, options = {}) {
  const session = options.session ?? currentSession();
  const headers = { 'content-type': 'application/json', accept: 'application/json' };
  if (session?.token) headers.authorization = `Bearer ${session.token}`;
  if (session?.domainId) headers['x-domain-id'] = session.domainId;
  let response;
  try {
    response = await fetch(`/${route}`, { method: 'POST', headers, body: JSON.stringify(body), signal: options.signal, cache: 'no-store' });
  } catch (error) {
    if (error?.name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK_ERROR', `The inventory could not be reached (${error?.message ?? error}).`);
  }
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const code = typeof json?.code === 'string' ? json.code : `HTTP_${response.status}`;
    const message = typeof json?.message === 'string' ? json.message : text.slice(0, 300) || response.statusText;
    throw new ApiError(response.status, code, message, json?.error_id);
  }
  if (json === undefined) throw new ApiError(response.status, 'BAD_RESPONSE', 'The inventory answered with something that is not JSON.');
  return json;
}

const inventory = (path) => (body, options) => call(`inventory/v1/${path}`, body, options);

export const api = {
  jobs: { list: inventory('job/list'), get: inventory('job/get'), stat: inventory('job/stat'), cancel: inventory('job/cancel') },
  jobTasks: { list: inventory('job-task/list'), stat: inventory('job-task/stat') },
  collectors: { list: inventory('collector/list'), collect: inventory('collector/collect') },
  cloudServices: { list: inventory('cloud-service/list'), get: inventory('cloud-service/get'), stat: inventory('cloud-service/stat') },
  metrics: { list: inventory('metric/list') },
  metricData: { analyze: inventory('metric-data/analyze') },
};
