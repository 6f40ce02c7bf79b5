// One cloud service: what identifies it, where it came from, and its data, tags and metadata as JSON.
import { api } from '../api.js';
import { errorAlert, timeCell } from '../components.js';
import { badge, h } from '../dom.js';
import { lastResourcesView } from './resource-query.js';

function item(term, ...description) {
  return h('div', {}, h('dt', {}, term), h('dd', {}, description));
}

function safeLink(url) {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'https:' || parsed.protocol === 'http:') return h('a', { href: parsed.href, rel: 'noopener noreferrer', target: '_blank' }, url);
  } catch {
    // not a URL: shown as text
  }
  return url || '–';
}

function jsonBlock(id, title, value) {
  const empty = value === undefined || value === null || (typeof value === 'object' && Object.keys(value).length === 0);
  return h(
    'section',
    { 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, title),
    empty ? h('p', { class: 'muted' }, 'Empty.') : h('pre', { class: 'json', id, tabindex: 0 }, JSON.stringify(value, null, 2)),
  );
}

export async function render({ main, params, signal, setTitle, unauthenticated }) {
  const [id] = params;
  setTitle(`Resource ${id}`);
  const breadcrumb = h('p', { class: 'breadcrumb' }, h('a', { href: lastResourcesView() }, 'Resources'), ' / ', id);
  let resource;
  try {
    resource = await api.cloudServices.get({ cloud_service_id: id }, { signal });
  } catch (error) {
    if (error?.name === 'AbortError') throw error;
    if (error?.unauthenticated) return void unauthenticated(error);
    main.append(breadcrumb, h('h1', { tabindex: -1 }, 'Resource ', h('span', { class: 'mono' }, id)), errorAlert(error));
    return;
  }
  setTitle(resource.name || id);
  const info = resource.collection_info ?? {};
  main.append(
    breadcrumb,
    h('div', { class: 'page-head' }, h('h1', { tabindex: -1 }, resource.name || id), badge(resource.state)),
    h(
      'section',
      { class: 'card', 'aria-label': 'Summary' },
      h(
        'dl',
        { class: 'summary', id: 'resource-summary' },
        item('ID', h('span', { class: 'mono' }, resource.cloud_service_id)),
        item('Provider', resource.provider || '–'),
        item('Group / type', `${resource.cloud_service_group || '–'} / ${resource.cloud_service_type || '–'}`),
        item('Account', resource.account || '–'),
        item('Region', resource.region_code || '–'),
        item('Instance', [resource.instance_type, resource.instance_size].filter((v) => v !== undefined && v !== '' && v !== 0).join(', ') || '–'),
        item('IP addresses', (resource.ip_addresses ?? []).join(', ') || '–'),
        item('Resource id', h('span', { class: 'mono' }, resource.reference?.resource_id || '–')),
        item('External link', safeLink(resource.reference?.external_link)),
        item('Collector', h('span', { class: 'mono' }, info.collector_id || '–')),
        item('Secret', h('span', { class: 'mono' }, info.secret_id || '–')),
        item('Last collected', timeCell(info.last_collected_at)),
        item('Created', timeCell(resource.created_at)),
        item('Updated', timeCell(resource.updated_at)),
      ),
    ),
    jsonBlock('resource-data', 'Data', resource.data),
    jsonBlock('resource-tags', 'Tags', resource.tags),
    jsonBlock('resource-metadata', 'Metadata', resource.metadata),
  );
}
