import { ResourceBatch } from '../export-data';

/**
 * One NDJSON line per resource, with the context a reader needs without the request:
 *   {"job_id","job_task_id","collector_id","domain_id","resource_type","resource":{...}}
 * The batch becomes one buffer of whole lines, written with one append.
 */
export function resourceLines(batch: ResourceBatch): Buffer {
  const prefix =
    `{"job_id":${JSON.stringify(batch.job_id)},"job_task_id":${JSON.stringify(batch.job_task_id)}` +
    `,"collector_id":${JSON.stringify(batch.collector_id)},"domain_id":${JSON.stringify(batch.domain_id)}` +
    `,"resource_type":${JSON.stringify(batch.resource_type)},"resource":`;
  let text = '';
  for (const resource of batch.resources) text += prefix + JSON.stringify(resource) + '}\n';
  return Buffer.from(text, 'utf8');
}
