import { RawJson } from '@cloud-inventory/wire';
import { ColumnReader, InvalidResource, Json, jsonObject, text } from './resource-readers';

/** One of the given texts (the first when absent). */
export const oneOf =
  (key: string, allowed: readonly string[]): ColumnReader =>
  (resource) => {
    const value = text(key)(resource) as string;
    if (value === '') return allowed[0];
    if (!allowed.includes(value)) throw new InvalidResource(false, `Parameter is invalid. (key = ${key}, allowed = ${allowed.join(' | ')})`);
    return value;
  };

/** A text field with a default when absent (Namespace.group: "etc"). */
export const textOr =
  (key: string, fallback: string): ColumnReader =>
  (resource) =>
    (text(key)(resource) as string) || fallback;

/** The same value for every resource (what the inventory sets on a collected namespace or metric). */
export const fixed =
  (value: unknown): ColumnReader =>
  () =>
    value;

function plain(value: unknown): unknown {
  return value instanceof RawJson ? value.value() : value;
}

/** A metric's query_options: a JSON object (Cloudforet's AnalyzeQuery), required. */
export const queryOptions =
  (key: string): ColumnReader =>
  (resource) => {
    const value = resource[key];
    if (value === undefined || value === null) throw new InvalidResource(true, `Required parameter is missing. (key = ${key})`);
    return jsonObject(key)(resource);
  };

/** One entry of a metric's labels_info (Cloudforet's _get_labels_info). */
export type LabelInfo = Record<string, unknown> & { key: string; name: string };

/**
 * Cloudforet's labels_info of a metric: workspace, project and service account first, then one
 * entry per group_by item (`labels.<name>`, its name, the original key as search_key, and the
 * item's other attributes such as reference and default). A string item is named by its last
 * dotted segment.
 */
export function labelsInfoOf(queryOptionsValue: unknown): LabelInfo[] {
  const options = plain(queryOptionsValue);
  const groupBy = options && typeof options === 'object' && !Array.isArray(options) ? plain((options as Json)['group_by']) : undefined;
  const labels: LabelInfo[] = [
    { key: 'workspace_id', name: 'Workspace', reference: { resource_type: 'identity.Workspace', reference_key: 'workspace_id' } },
    { key: 'project_id', name: 'Project', reference: { resource_type: 'identity.Project', reference_key: 'project_id' } },
    {
      key: 'service_account_id',
      name: 'Service Account',
      search_key: 'collection_info.service_account_id',
      reference: { resource_type: 'identity.ServiceAccount', reference_key: 'service_account_id' },
    },
  ];
  if (!Array.isArray(groupBy)) return labels;
  for (const item of groupBy) {
    if (typeof item === 'string') {
      labels.push({ key: `labels.${item.slice(item.lastIndexOf('.') + 1)}`, name: item.slice(item.lastIndexOf('.') + 1), search_key: item });
    } else if (item && typeof item === 'object' && typeof (item as Json)['key'] === 'string') {
      const { key, name, ...rest } = item as Json;
      const label = typeof name === 'string' && name !== '' ? name : String(key).slice(String(key).lastIndexOf('.') + 1);
      labels.push({ ...rest, key: `labels.${label}`, name: label, search_key: String(key) });
    }
  }
  return labels;
}

/** labels_info, derived from the resource's query_options. */
export const labelsInfo =
  (queryOptionsKey: string): ColumnReader =>
  (resource) =>
    labelsInfoOf(resource[queryOptionsKey]);
