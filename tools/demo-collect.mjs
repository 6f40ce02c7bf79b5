// A first collect against a running stack (`npm start` in another terminal), through the HTTP API:
// creates a synthetic collector and two secrets, starts a collect, and prints the job as it runs.
//
//   npm run demo                    (INVENTORY_URL=http://127.0.0.1:8080, COUNT=10000 by default)
//
// It calls with the embedded default's admin token (DATA_DIR/admin.token, .data by default), or the
// token in INVENTORY_TOKEN (e.g. one minted by `docker compose run --rm inventory-api node main.js token`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const base = process.env.INVENTORY_URL ?? 'http://127.0.0.1:8080';
const count = Number(process.env.COUNT ?? 10000);
const tokenFile = join(process.env.DATA_DIR ?? '.data', 'admin.token');
let token = process.env.INVENTORY_TOKEN;
if (!token) {
  try {
    token = readFileSync(tokenFile, 'utf8').trim();
  } catch {
    console.error(`No token: ${tokenFile} is missing (\`npm start\` writes it) and INVENTORY_TOKEN is not set.`);
    process.exit(1);
  }
}

async function call(path, body) {
  let response;
  try {
    response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  } catch {
    console.error(`No inventory answers at ${base}: start the stack first with \`npm start\`.`);
    process.exit(1);
  }
  const answer = await response.json();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${answer.code}: ${answer.message}`);
  return answer;
}

const collector = await call('/inventory/v1/collector/create', {
  name: `synthetic demo ${new Date().toISOString()}`,
  provider: 'synthetic',
  plugin_info: {
    plugin_id: 'synthetic',
    options: { count, seed: 42, storage_plugin: { plugin_id: 'file-storage', options: {} } },
  },
});
console.log(`collector ${collector.collector_id} (plugin metadata: ${Object.keys(collector.plugin_info.metadata).join(', ')})`);
for (const account of ['123456789012', '210987654321']) {
  const existing = await call('/secret/v1/secret/list', { provider: 'synthetic', name: `demo ${account}` });
  if (existing.total_count === 0) {
    const secret = await call('/secret/v1/secret/create', {
      name: `demo ${account}`,
      provider: 'synthetic',
      data: { account_id: account },
    });
    console.log(`secret ${secret.secret_id} for account ${account}`);
  }
}

const started = Date.now();
let job = await call('/inventory/v1/collector/collect', { collector_id: collector.collector_id });
console.log(`job ${job.job_id}: ${job.total_tasks} task(s)`);
while (job.status === 'IN_PROGRESS') {
  await new Promise((r) => setTimeout(r, 500));
  job = await call('/inventory/v1/job/get', { job_id: job.job_id });
  const { results } = await call('/inventory/v1/job-task/list', { job_id: job.job_id });
  const created = results.reduce((sum, t) => sum + t.created_count + t.updated_count, 0);
  console.log(`  ${job.status}: ${job.remained_tasks} of ${job.total_tasks} task(s) left, ${created} resources written`);
}
const seconds = (Date.now() - started) / 1000;
const { results: tasks } = await call('/inventory/v1/job-task/list', { job_id: job.job_id });
console.log(`job ${job.job_id} ${job.status} in ${seconds.toFixed(1)} s`);
for (const t of tasks) {
  console.log(
    `  task ${t.job_task_id} ${t.status}: created ${t.created_count}, updated ${t.updated_count}, ` +
      `failed ${t.failure_count}, disconnected ${t.disconnected_count}` +
      (t.errors.length ? `; first error: ${t.errors[0].error_code}: ${t.errors[0].message}` : ''),
  );
}
const listed = await call('/inventory/v1/cloud-service/list', { provider: 'synthetic', query: { page: { limit: 1 } } });
console.log(`${listed.total_count} synthetic cloud services in the inventory; one of them:`);
console.log(JSON.stringify(listed.results[0], null, 2).split('\n').slice(0, 25).join('\n'));
