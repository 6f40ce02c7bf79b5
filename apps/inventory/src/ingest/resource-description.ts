import { valueAt } from '../cloud-service/match-rules';

type Json = Record<string, unknown>;

const DESCRIBING_KEYS = ['provider', 'cloud_service_group', 'cloud_service_type', 'region_code', 'name'];

/**
 * What an error entry of a task says about the resource it concerns (Cloudforet's `additional`):
 * the resource's naming fields and its resource id, read from the resource as the plugin sent it
 * or from the row it became.
 */
export function describeResource(resource: Json): Json {
  const description: Json = {};
  for (const key of DESCRIBING_KEYS) {
    const value = resource[key];
    if (typeof value === 'string' && value) description[key] = value;
  }
  const resourceId = valueAt(resource, 'reference.resource_id') ?? resource['resource_id'];
  if (typeof resourceId === 'string' && resourceId) description['resource_id'] = resourceId;
  return description;
}
