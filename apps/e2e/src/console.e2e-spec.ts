/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// (the functions given to page.evaluate run in the browser)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { BrowserContext, chromium, Locator, Page, Request } from 'playwright-core';
import { get, JsonRecord, LooseJson, Stack, startStack, waitForJob, WORKSPACE } from '@cloud-inventory/testing';

/**
 * The web console in a real browser (Debian's Chromium, driven by playwright-core) against the
 * real stack: collects started from the console's own button and through the API, then what
 * each page shows, checked against the API and against the synthetic plugin's known output.
 * Screenshots of every page go to dist/test-output/console/.
 */

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENSHOTS = join(WORKSPACE, 'dist/test-output/console');
/** The stack's admin token, set once it runs. */
let TOKEN = '';
const CLOCK_AT = `${new Date().toISOString().slice(0, 10)}T09:00:00.000Z`;

const FLEET_COUNT = 90; // per secret
const FAULTY_COUNT = 12;
const FAULTY_INVALID = 2;
const ACCOUNTS = ['111111111111', '222222222222'];
// the synthetic plugin's regions, in its order: resource i is in region (i + floor(i / 6)) % 6
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-northeast-2', 'ap-southeast-1'];

/** The synthetic plugin's metric of EC2 instances (sent when its options ask for metrics). */
const COUNT_METRIC = 'metric-synthetic-ec2-instance-count';

/** A UTC day (YYYY-MM-DD, as metric data's created_date) `days` before now. */
function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

function regionCount(region: string, count: number): number {
  let n = 0;
  for (let i = 0; i < count; i++) if (REGIONS[(i + Math.floor(i / 6)) % 6] === region) n++;
  return n;
}

/** A table as records keyed by its column headers (the words a user reads; screen-reader-only text and icons left out). */
async function readTable(page: Page, selector: string): Promise<Record<string, string>[]> {
  return page.$eval(selector, (table) => {
    const visibleText = (element: Element) => {
      const clone = element.cloneNode(true) as Element;
      clone.querySelectorAll('.visually-hidden, [aria-hidden=true]').forEach((hidden) => hidden.remove());
      return (clone.textContent ?? '').replace(/\s+/g, ' ').trim();
    };
    const headers = [...table.querySelectorAll('thead th')].map(visibleText);
    return [...table.querySelectorAll('tbody tr')]
      .filter((row) => !row.querySelector('.empty'))
      .map((row) => Object.fromEntries([...row.children].map((cell, index) => [headers[index], visibleText(cell)])));
  });
}

function statusOf(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { headers }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

async function hasText(locator: Locator, text: string | RegExp): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor();
}

describe('web console, in Chromium, against the real stack', () => {
  let stack: Stack;
  let context: BrowserContext;
  let page: Page;
  let profileDir: string;
  let clockDir: string;
  let fleetId: string;
  let faultyId: string;
  let fleetJobId: string;
  let faultyJobId: string;
  const secretIds: string[] = [];
  const apiRequests: Request[] = [];
  const pageProblems: string[] = [];

  const api = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const answer = await stack.post(`/${path}`, body, headers);
    if (answer.status !== 200) throw new Error(`${path}: HTTP ${answer.status} ${JSON.stringify(answer.body)}\n${stack.logs()}`);
    return answer.body;
  };
  const open = async (hash: string) => {
    await page.goto(`${stack.httpUrl}/console/${hash}`);
  };
  const screenshot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const lastListRequest = () => {
    const lists = apiRequests.filter((request) => request.url().endsWith('/inventory/v1/cloud-service/list'));
    return JSON.parse(lists[lists.length - 1].postData() ?? '{}');
  };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    // the schedules go by a clock standing at 09:00 UTC today: fleet's next slot is 15:00, and none comes during the test
    clockDir = mkdtempSync(join(tmpdir(), 'cinv-clock-'));
    writeFileSync(join(clockDir, 'now'), CLOCK_AT);
    stack = await startStack({ inventoryEnv: { INVENTORY_CLOCK_FILE: join(clockDir, 'now') } });
    TOKEN = stack.token;
    const fleet = await api('inventory/v1/collector/create', {
      name: 'fleet',
      provider: 'synthetic',
      schedule: { state: 'ENABLED', hours: [15, 3] },
      plugin_info: { plugin_id: 'synthetic', version: '1.0', options: { count: FLEET_COUNT, seed: 3 } },
    });
    fleetId = fleet.collector_id;
    const faulty = await api('inventory/v1/collector/create', {
      name: 'faulty',
      provider: 'synthetic',
      plugin_info: { plugin_id: 'synthetic', options: { count: FAULTY_COUNT, seed: 5, invalid: FAULTY_INVALID, provider: 'faulty' } },
    });
    faultyId = faulty.collector_id;
    for (const account of ACCOUNTS) {
      const secret = await api('secret/v1/secret/create', { name: `account ${account}`, provider: 'synthetic', data: { account_id: account } });
      secretIds.push(secret.secret_id);
    }

    profileDir = mkdtempSync(join(tmpdir(), 'cinv-chromium-'));
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1280, height: 800 },
    });
    context.setDefaultTimeout(60_000);
    page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (request) => {
      if (/\/(inventory|secret)\/v1\//.test(request.url())) apiRequests.push(request);
    });
    page.on('pageerror', (error) => pageProblems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      // 4xx answers are logged by Chromium as console errors; the bad-filter test causes one on purpose
      if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) pageProblems.push(`console: ${message.text()}`);
    });
  });

  afterAll(async () => {
    await context?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    await stack?.stop();
    if (clockDir) rmSync(clockDir, { recursive: true, force: true });
  });

  it('serves the console as static files: content types, a self-only CSP, revalidation by ETag, 404 for anything else', async () => {
    const root = await fetch(`${stack.httpUrl}/`, { redirect: 'manual' });
    expect([root.status, root.headers.get('location')]).toEqual([302, '/console/']);
    const bare = await fetch(`${stack.httpUrl}/console`, { redirect: 'manual' });
    expect([bare.status, bare.headers.get('location')]).toEqual([301, '/console/']);

    const index = await fetch(`${stack.httpUrl}/console/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:/);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await index.text()).toContain('<script type="module" src="/console/js/app.js"></script>');

    const script = await fetch(`${stack.httpUrl}/console/js/app.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('content-encoding')).toBe('gzip'); // fetch asks for gzip
    const etag = script.headers.get('etag')!;
    // (fetch would add Cache-Control: no-cache to a conditional request: a plain HTTP GET, as a browser revalidates)
    expect(await statusOf(`${stack.httpUrl}/console/js/app.js`, { 'if-none-match': etag, 'accept-encoding': 'gzip' })).toBe(304);
    expect(await statusOf(`${stack.httpUrl}/console/js/app.js`, { 'if-none-match': etag })).toBe(200); // the identity body has its own ETag
    const chart = await fetch(`${stack.httpUrl}/console/vendor/chart.umd.min.js`);
    expect([chart.status, chart.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);

    for (const path of ['/console/nope.js', '/console/%2e%2e/package.json', '/console/..%2fmain.js', '/console/js/../../main.js']) {
      const missing = await get(stack.httpUrl, path);
      expect([path, missing.status, missing.body?.code]).toEqual([path, 404, 'ERROR_NOT_FOUND']);
    }
  });

  it('asks for a token first, then sends it as a Bearer token with every API call', async () => {
    await open('');
    await page.getByRole('heading', { name: 'Sign in to the console' }).waitFor();
    expect(page.url()).toContain('#/sign-in?next=');
    const unlabelled = await page.$$eval('input, select', (fields) => fields.filter((f) => !(f as HTMLInputElement).labels?.length).map((f) => f.id));
    expect(unlabelled).toEqual([]);
    await screenshot('sign-in');

    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Jobs' }).waitFor();
    await hasText(page.locator('#jobs'), 'No jobs yet');
    expect(apiRequests.length).toBeGreaterThan(0);
    for (const request of apiRequests) {
      const headers = await request.allHeaders();
      expect([request.url(), headers['authorization'], headers['x-domain-id']]).toEqual([request.url(), `Bearer ${TOKEN}`, undefined]);
    }
    expect(await page.evaluate(() => sessionStorage.length + localStorage.length)).toBe(1); // this tab only: not remembered
  });

  it('Collect now on the collectors page starts a real collect; its job page follows it live to SUCCESS with exact counters', async () => {
    await open('#/collectors');
    await hasText(page.locator('#collectors tbody tr'), 'fleet');
    const before = await readTable(page, '#collectors');
    expect(before.map((row) => [row['Name'], row['Schedule'], row['Last collected'], row['Latest job']])).toEqual([
      [`faulty ${faultyId}`, 'DISABLED Off', 'never', 'none yet'],
      [`fleet ${fleetId}`, 'ENABLED Daily at 03:00, 15:00 UTC', 'never', 'none yet'],
    ]);
    const fleetSchedule = page.locator('#collectors tbody tr', { hasText: 'fleet' }).locator('th, td').nth(3).locator('span').first();
    expect(await fleetSchedule.getAttribute('title')).toBe(`Next: ${CLOCK_AT.slice(0, 10)} 15:00 UTC`);
    await screenshot('collectors-before');

    // every status the summary shows from now on, in order: the page must not reload to change it
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as LooseJson).__statuses = seen;
      new MutationObserver(() => {
        const status = document.querySelector('#job-summary .badge')?.textContent;
        if (status && seen[seen.length - 1] !== status) seen.push(status);
      }).observe(document.getElementById('main')!, { childList: true, subtree: true, characterData: true });
    });
    await page.getByRole('button', { name: 'Collect now fleet' }).click();
    await page.waitForURL(/#\/jobs\/job-[0-9a-f]{12}$/);
    fleetJobId = decodeURIComponent(page.url().split('#/jobs/')[1]);
    await hasText(page.locator('#job-summary .badge'), /^SUCCESS$/);
    const statuses = await page.evaluate(() => (window as LooseJson).__statuses as string[]);
    expect(statuses).toEqual(['IN_PROGRESS', 'SUCCESS']); // the same document all along: polled, not reloaded

    const job = await waitForJob(stack, fleetJobId);
    expect(job).toMatchObject({ status: 'SUCCESS', collector_id: fleetId, total_tasks: 2, success_tasks: 2 });
    const summary = await page.$$eval('#job-summary > div', (items) => Object.fromEntries(items.map((item) => [item.querySelector('dt')!.textContent, item.querySelector('dd')!.textContent!.trim()])));
    expect(summary).toMatchObject({
      Status: 'SUCCESS',
      'Tasks done': '2 / 2',
      'Tasks succeeded / failed': '2 / 0',
      Collector: 'fleet',
      'Resources created': String(2 * FLEET_COUNT),
      'Resources updated': '0',
      'Resources failed': '0',
    });
    expect(summary['Duration']).toMatch(/^\d+(\.\d)? (ms|s)$/);
    await hasText(page.locator('#job-tasks tbody tr'), 'SUCCESS');
    const tasks = await readTable(page, '#job-tasks');
    expect(tasks.map((task) => task['Secret']).sort()).toEqual([...secretIds].sort());
    for (const task of tasks) {
      expect(task).toMatchObject({ Status: 'SUCCESS', Created: String(FLEET_COUNT), Updated: '0', Failed: '0', Errors: '0' });
    }
    expect(await page.locator('#job-errors').textContent()).toBe('No task reported an error.');
    expect(await page.locator('[data-action=job-cancel]').count()).toBe(0); // only while a job runs
    await screenshot('job');
  });

  it('a collect started through the API shows in the jobs list with its counters, and its tasks’ errors on its page', async () => {
    faultyJobId = (await api('inventory/v1/collector/collect', { collector_id: faultyId })).job_id;
    const job = await waitForJob(stack, faultyJobId);
    expect(job['status']).toBe('FAILURE');

    await open('#/jobs');
    await hasText(page.locator('#jobs tbody tr'), faultyJobId);
    const rows = await readTable(page, '#jobs');
    expect(rows.map((row) => [row['Job'], row['Collector'], row['Status'], row['Tasks done'], row['Created'], row['Updated'], row['Failed']])).toEqual([
      [faultyJobId, 'faulty', 'FAILURE', '2 / 2', String(2 * FAULTY_COUNT), '0', String(2 * FAULTY_INVALID)],
      [fleetJobId, 'fleet', 'SUCCESS', '2 / 2', String(2 * FLEET_COUNT), '0', '0'],
    ]);
    for (const row of rows) expect(row['Duration']).toMatch(/^\d+(\.\d)? (ms|s)$/);
    await screenshot('jobs');

    await page.getByLabel('Status').selectOption('SUCCESS');
    await page.waitForFunction(() => document.querySelectorAll('#jobs tbody tr').length === 1);
    expect((await readTable(page, '#jobs')).map((row) => row['Job'])).toEqual([fleetJobId]);
    expect(page.url()).toMatch(/#\/jobs\?status=SUCCESS$/);

    await open(`#/jobs/${faultyJobId}`);
    await hasText(page.locator('#job-summary .badge'), /^FAILURE$/);
    await page.locator('table.task-errors').nth(1).waitFor();
    const { results: apiTasks } = await api('inventory/v1/job-task/list', { job_id: faultyJobId });
    const shown = await page.$$eval('#job-errors section', (sections) =>
      sections.map((section) => ({
        caption: section.querySelector('caption')!.textContent,
        errors: [...section.querySelectorAll('tbody tr')].map((row) => {
          const cells = [...row.querySelectorAll('td')];
          return { error_code: cells[0].textContent, message: cells[1].textContent, additional: JSON.parse(cells[2].querySelector('pre')!.textContent!) };
        }),
      })),
    );
    expect(shown).toHaveLength(2);
    for (const task of apiTasks as JsonRecord[]) {
      expect(task['errors']).toHaveLength(FAULTY_INVALID);
      const section = shown.find((s) => s.caption === `Task ${task['job_task_id']}: ${FAULTY_INVALID} errors`);
      expect(section?.errors).toEqual(task['errors']);
      expect(section?.errors[0]).toMatchObject({ error_code: 'ERROR_REQUIRED_PARAMETER', message: expect.stringContaining('cloud_service_type') });
    }
    const tasks = await readTable(page, '#job-tasks');
    for (const task of tasks) expect(task).toMatchObject({ Status: 'FAILURE', Created: String(FAULTY_COUNT), Failed: String(FAULTY_INVALID), Errors: String(FAULTY_INVALID) });
    await screenshot('job-failure');

    await open('#/collectors');
    await hasText(page.locator('#collectors tbody tr'), fleetJobId);
    const collectors = await readTable(page, '#collectors');
    expect(collectors.map((row) => [row['Latest job'], row['Last collected']])).toEqual([
      [`FAILURE ${faultyJobId}`, expect.stringMatching(/ago|just now/)],
      [`SUCCESS ${fleetJobId}`, expect.stringMatching(/ago|just now/)],
    ]);
    await screenshot('collectors');
  });

  it('resource browser: filter rows become query.filter, with the total; sort by a column; pages; only the chosen columns; a detail view', async () => {
    // the filter values typed in the form, as the console parses them
    // (a string, so that the test's compiler leaves the browser's import() alone)
    const parsed = await page.evaluate(`import('/console/js/pages/resource-query.js').then(({ parseFilterValue }) => [
      parseFilterValue('eq', '111111111111'),
      parseFilterValue('eq', '"4"'),
      parseFilterValue('eq', 'us-east-1'),
      parseFilterValue('in', 'a, 2 ,b'),
      parseFilterValue('contain_in', '1,x'),
      parseFilterValue('exists', 'false'),
      parseFilterValue('eq', '12345678901234567890'),
    ])`);
    expect(parsed).toEqual([111111111111, '4', 'us-east-1', ['a', 2, 'b'], ['1', 'x'], false, '12345678901234567890']);

    await open('#/resources');
    await hasText(page.locator('#resources-total'), `${2 * FLEET_COUNT + 2 * FAULTY_COUNT} resources match`);
    await page.getByRole('button', { name: '+ Add condition' }).click();
    await page.locator('.filter-row').nth(0).getByLabel('Key').fill('provider');
    await page.locator('.filter-row').nth(0).getByLabel('Value').fill('synthetic');
    await page.getByRole('button', { name: '+ Add condition' }).click();
    await page.locator('.filter-row').nth(1).getByLabel('Key').fill('region_code');
    await page.locator('.filter-row').nth(1).getByLabel('Operator').selectOption('in');
    await page.locator('.filter-row').nth(1).getByLabel('Value').fill('us-east-1, eu-west-1');
    await page.getByRole('button', { name: 'Apply' }).click();
    const filter = [
      { k: 'provider', v: 'synthetic', o: 'eq' },
      { k: 'region_code', v: ['us-east-1', 'eu-west-1'], o: 'in' },
    ];
    const total = ACCOUNTS.length * (regionCount('us-east-1', FLEET_COUNT) + regionCount('eu-west-1', FLEET_COUNT));
    expect(total).toBeGreaterThan(25); // more than one page
    await hasText(page.locator('#resources-total'), `${total} resources match`);
    expect(lastListRequest().query.filter).toEqual(filter);
    expect((await api('inventory/v1/cloud-service/list', { query: { filter, count_only: true } })).total_count).toBe(total);

    const names = async () => (await readTable(page, '#resources')).map((row) => row['Name']);
    const apiNames = async (desc: boolean, start: number) =>
      (await api('inventory/v1/cloud-service/list', { query: { filter, sort: [{ key: 'name', desc }], page: { start, limit: 25 } } })).results.map((r: JsonRecord) => r.name);

    await page.getByRole('button', { name: 'Name', exact: true }).click();
    await page.locator('th[aria-sort=ascending]', { hasText: 'Name' }).waitFor();
    const ascending = await apiNames(false, 1);
    expect(ascending).toEqual([...ascending].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))); // the API's order is by name
    await page.waitForFunction((first) => document.querySelector('#resources tbody td a')?.textContent === first, ascending[0]);
    expect(await names()).toEqual(ascending);

    await page.getByRole('button', { name: 'Name', exact: true }).click();
    await page.locator('th[aria-sort=descending]', { hasText: 'Name' }).waitFor();
    const descending = await apiNames(true, 1);
    await page.waitForFunction((first) => document.querySelector('#resources tbody td a')?.textContent === first, descending[0]);
    expect(await names()).toEqual(descending);
    expect(lastListRequest().query.sort).toEqual([{ key: 'name', desc: true }]);

    await page.getByRole('button', { name: 'Next →' }).click();
    await hasText(page.locator('.pager .range'), `Showing 26–${Math.min(50, total)} of ${total}`);
    expect(await names()).toEqual(await apiNames(true, 26));
    expect(lastListRequest().query.page).toEqual({ start: 26, limit: 25 });

    await page.getByText('Choose columns').click();
    await page.getByLabel('Instance size').check();
    await page.locator('#resources th', { hasText: 'Instance size' }).waitFor();
    await page.getByLabel('Created', { exact: true }).uncheck();
    await page.waitForFunction(() => ![...document.querySelectorAll('#resources th')].some((th) => th.textContent?.startsWith('Created')));
    expect(lastListRequest().query.only).toEqual(['cloud_service_id', 'name', 'cloud_service_group', 'cloud_service_type', 'provider', 'account', 'region_code', 'state', 'instance_size']);
    const page2 = await readTable(page, '#resources');
    expect(Object.keys(page2[0])).toEqual(['Name', 'Group', 'Type', 'Provider', 'Account', 'Region', 'State', 'Instance size']);
    for (const row of page2) {
      expect(['us-east-1', 'eu-west-1']).toContain(row['Region']);
      expect(row['Provider']).toBe('synthetic');
      expect(row['Instance size']).toMatch(/^\d/);
    }
    await screenshot('resources');

    // the view lives in the address: a reload shows the same filters, sort, page and columns
    await page.reload();
    await hasText(page.locator('.pager .range'), `Showing 26–${Math.min(50, total)} of ${total}`);
    expect(await page.locator('.filter-row [name=value]').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value))).toEqual(['synthetic', 'us-east-1, eu-west-1']);
    expect((await readTable(page, '#resources')).map((row) => row['Name'])).toEqual(page2.map((row) => row['Name']));

    const first = page.locator('#resources tbody td a').first();
    const firstName = await first.textContent();
    await first.click();
    await page.getByRole('heading', { name: firstName! }).waitFor();
    const id = decodeURIComponent(page.url().split('#/resources/')[1]);
    const resource = await api('inventory/v1/cloud-service/get', { cloud_service_id: id });
    expect(JSON.parse((await page.locator('#resource-data').textContent())!)).toEqual(resource.data);
    expect(JSON.parse((await page.locator('#resource-tags').textContent())!)).toEqual(resource.tags);
    expect(resource.region_code).toMatch(/^(us-east-1|eu-west-1)$/);
    await screenshot('resource');
    await page.getByRole('link', { name: 'Resources', exact: true }).last().click();
    await hasText(page.locator('.pager .range'), `Showing 26–${Math.min(50, total)} of ${total}`); // back to the same view
  });

  it('says plainly what the API refused: its code and message', async () => {
    const badFilter = [{ k: 'no_such_key', v: 'x', o: 'eq' }];
    const refused = await stack.post('/inventory/v1/cloud-service/list', { query: { filter: badFilter, page: { start: 1, limit: 25 } } });
    expect(refused.status).toBe(400);
    await open(`#/resources?filter=${encodeURIComponent(JSON.stringify(badFilter))}`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.locator('.code').textContent()).toBe(refused.body.code);
    expect(await alert.locator('.message').textContent()).toBe(refused.body.message);
    expect(await alert.textContent()).toContain('HTTP 400');
    await screenshot('resources-error');
  });

  it('charts: resources by type and by region, the numbers of cloud-service stat', async () => {
    await open('#/charts');
    await page.locator('#chart-by-region').waitFor();
    const chartData = (id: string) =>
      page.evaluate((canvasId) => {
        const chart = (window as LooseJson).Chart.getChart(document.getElementById(canvasId));
        return { labels: chart.data.labels, counts: chart.data.datasets[0].data };
      }, id);

    const byType = await api('inventory/v1/cloud-service/stat', {
      query: {
        aggregate: [
          { group: { keys: [{ key: 'cloud_service_group', name: 'group' }, { key: 'cloud_service_type', name: 'type' }], fields: [{ operator: 'count', name: 'count' }] } },
          { sort: [{ key: 'count', desc: true }, { key: 'group' }, { key: 'type' }] },
        ],
      },
    });
    expect(byType.results.reduce((sum: number, row: JsonRecord) => sum + row.count, 0)).toBe(2 * FLEET_COUNT + 2 * FAULTY_COUNT);
    expect(await chartData('chart-by-type')).toEqual({ labels: byType.results.map((r: JsonRecord) => `${r.group} / ${r.type}`), counts: byType.results.map((r: JsonRecord) => r.count) });
    expect(await readTable(page, '#chart-table-by-type')).toEqual(byType.results.map((r: JsonRecord) => ({ Group: r.group, Type: r.type, Resources: String(r.count) })));

    const byRegion = await chartData('chart-by-region');
    const regionTotals = Object.fromEntries(byRegion.labels.map((label: string, i: number) => [label, byRegion.counts[i]]));
    expect(Object.values(regionTotals).reduce((a: number, b) => a + (b as number), 0)).toBe(2 * FLEET_COUNT + 2 * FAULTY_COUNT);
    await screenshot('charts');

    // one provider: the fleet's regions, as the synthetic plugin places them
    await page.getByLabel('Provider').selectOption('synthetic');
    await page.waitForFunction(() => location.hash === '#/charts?provider=synthetic');
    await page.waitForFunction(
      (expected) => {
        const chart = (window as LooseJson).Chart.getChart(document.getElementById('chart-by-region'));
        return chart && chart.data.datasets[0].data.reduce((a: number, b: number) => a + b, 0) === expected;
      },
      2 * FLEET_COUNT,
    );
    const synthetic = await chartData('chart-by-region');
    expect(Object.fromEntries(synthetic.labels.map((label: string, i: number) => [label, synthetic.counts[i]]))).toEqual(
      Object.fromEntries(REGIONS.map((region) => [region, ACCOUNTS.length * regionCount(region, FLEET_COUNT)])),
    );
  });

  it('charts: a metric over the last 30 days, per region and per account, the numbers of metric-data analyze', async () => {
    // the fleet again, now also sending its namespaces and metrics: the same resources, metric data after the job
    await stack.grpc.call('Collector', 'update_plugin', { collector_id: fleetId, options: { count: FLEET_COUNT, seed: 3, namespaces: true, metrics: true } });
    const started = await api('inventory/v1/collector/collect', { collector_id: fleetId });
    expect(await waitForJob(stack, started.job_id)).toMatchObject({ status: 'SUCCESS' });
    const instances = (
      await api('inventory/v1/cloud-service/list', {
        query: { filter: [{ k: 'provider', v: 'synthetic', o: 'eq' }, { k: 'cloud_service_type', v: 'Instance', o: 'eq' }], count_only: true },
      })
    ).total_count;
    expect(instances).toBeGreaterThan(0);
    // metric data is computed once the job has ended: wait for today's values to count every instance
    for (;;) {
      const today = await api('inventory/v1/metric-data/list', { metric_id: COUNT_METRIC, query: { filter: [{ k: 'created_date', v: daysAgo(0), o: 'eq' }] } });
      if (today.results.reduce((sum: number, row: JsonRecord) => sum + row.value, 0) === instances) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // earlier days, as those days' runs would have left them: half the values 10 days ago, the same 40 days ago (out of range)
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      await db.query(
        `INSERT INTO metric_data (metric_id, value, unit, labels, domain_id, workspace_id, project_id, service_account_id, namespace_id, created_year, created_month, created_date)
         SELECT metric_id, value / 2, unit, labels, domain_id, workspace_id, project_id, service_account_id, namespace_id, left(d, 4), left(d, 7), d
           FROM metric_data, unnest($2::text[]) AS d
          WHERE metric_id = $1 AND created_date = $3`,
        [COUNT_METRIC, [daysAgo(10), daysAgo(40)], daysAgo(0)],
      );
    } finally {
      await db.end();
    }

    const days = Array.from({ length: 30 }, (_, index) => daysAgo(29 - index));
    const analyze = (labelKey: string) => ({
      metric_id: COUNT_METRIC,
      query: {
        granularity: 'DAILY',
        start: days[0],
        end: days[29],
        group_by: [{ key: labelKey, name: 'group' }],
        fields: { value: { key: 'value', operator: 'sum' } },
        sort: [{ key: 'date' }, { key: 'group' }],
      },
    });
    const chartOverTime = () =>
      page.evaluate(() => {
        const chart = (window as LooseJson).Chart.getChart(document.getElementById('chart-over-time'));
        return chart && { type: chart.config.type, labels: chart.data.labels, datasets: chart.data.datasets.map((set: LooseJson) => ({ label: set.label, data: set.data })) };
      });
    const lastAnalyzeRequest = () => {
      const sent = apiRequests.filter((request) => request.url().endsWith('/inventory/v1/metric-data/analyze'));
      return JSON.parse(sent[sent.length - 1].postData() ?? '{}');
    };
    const format = (value: number) => new Intl.NumberFormat('en').format(value);
    /** What the page must show for analyze's rows: one line per group (null on days without data), a table row per day with data. */
    const expectedView = (rows: JsonRecord[]) => {
      const groups = [...new Set(rows.map((row) => row.group as string))].sort();
      const valueOf = (group: string, day: string) => rows.find((row) => row.group === group && row.date === day)?.value ?? null;
      return {
        chart: { type: 'line', labels: days, datasets: groups.map((group) => ({ label: group, data: days.map((day) => valueOf(group, day)) })) },
        table: [daysAgo(10), daysAgo(0)].map((day) => ({ Date: day, ...Object.fromEntries(groups.map((group) => [group, format(valueOf(group, day) as number)])) })),
      };
    };

    await open('#/charts');
    await page.locator('#series-metric option[value="' + COUNT_METRIC + '"]').waitFor({ state: 'attached' });
    await page.getByLabel('Metric', { exact: true }).selectOption(COUNT_METRIC);
    await page.waitForFunction((metric) => location.hash === `#/charts?metric=${metric}&group=labels.Region`, COUNT_METRIC);
    await page.locator('#chart-over-time').waitFor();

    const byRegion = await api('inventory/v1/metric-data/analyze', analyze('labels.Region'));
    expect(lastAnalyzeRequest()).toEqual(analyze('labels.Region'));
    // today's values count every instance, by the synthetic plugin's regions; 10 days ago half of them; 40 days ago is out of range
    expect(byRegion.results.filter((row: JsonRecord) => row.date === daysAgo(0)).reduce((sum: number, row: JsonRecord) => sum + row.value, 0)).toBe(instances);
    expect(new Set(byRegion.results.map((row: JsonRecord) => row.date))).toEqual(new Set([daysAgo(10), daysAgo(0)]));
    expect(new Set(byRegion.results.map((row: JsonRecord) => row.group))).toEqual(new Set(REGIONS));
    const regionView = expectedView(byRegion.results);
    expect(await chartOverTime()).toEqual(regionView.chart);
    expect(await readTable(page, '#chart-table-over-time')).toEqual(regionView.table);
    await screenshot('charts-over-time');

    // grouped by another of the metric's labels: one line per account
    await page.getByLabel('Group by', { exact: true }).selectOption('labels.Account');
    await page.waitForFunction((metric) => location.hash === `#/charts?metric=${metric}&group=labels.Account`, COUNT_METRIC);
    await page.waitForFunction(() => (window as LooseJson).Chart.getChart(document.getElementById('chart-over-time'))?.data.datasets[0]?.label === '111111111111');
    const byAccount = await api('inventory/v1/metric-data/analyze', analyze('labels.Account'));
    expect(lastAnalyzeRequest()).toEqual(analyze('labels.Account'));
    expect(new Set(byAccount.results.map((row: JsonRecord) => row.group))).toEqual(new Set(ACCOUNTS));
    const accountView = expectedView(byAccount.results);
    expect(await chartOverTime()).toEqual(accountView.chart);
    expect(await readTable(page, '#chart-table-over-time')).toEqual(accountView.table);
  });

  it('sends the chosen domain as x-domain-id (a system token acts for it): another domain sees none of these collectors; signing out forgets the token', async () => {
    const system = (await stack.as({ domain: 'domain-elsewhere', role: 'SYSTEM' })).token;
    await open('#/collectors');
    await hasText(page.locator('#collectors tbody tr'), 'fleet');
    await page.getByRole('link', { name: 'Change' }).click();
    await page.getByRole('heading', { name: 'Sign in to the console' }).waitFor();
    expect(await page.getByLabel('API token').inputValue()).toBe(TOKEN);
    await page.getByLabel('API token').fill(system);
    await page.getByLabel('Domain').fill('domain-elsewhere');
    await page.getByLabel('Remember me on this device').check();
    const from = apiRequests.length;
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/#\/collectors$/);
    await hasText(page.locator('#collectors'), 'No collectors in this domain');
    expect(await page.locator('#session-domain').textContent()).toBe('domain-elsewhere');
    const sent = await Promise.all(apiRequests.slice(from).map((request) => request.allHeaders()));
    expect(sent.length).toBeGreaterThan(1);
    for (const headers of sent) expect([headers['x-domain-id'], headers['authorization']]).toEqual(['domain-elsewhere', `Bearer ${system}`]);
    expect(await page.evaluate(() => [sessionStorage.length, localStorage.length])).toEqual([0, 1]);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to the console' }).waitFor();
    expect(await page.evaluate(() => [sessionStorage.length, localStorage.length])).toEqual([0, 0]);
    await open('#/jobs');
    await page.waitForURL(/#\/sign-in\?next=/);
  });

  it('fits a phone-sized screen: no sideways scrolling of the page (wide tables scroll in their box)', async () => {
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.setViewportSize({ width: 390, height: 844 });
    for (const hash of ['#/jobs', '#/collectors', '#/resources', '#/charts']) {
      await open(hash);
      await page.locator('main table').first().waitFor();
      expect([hash, await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)]).toEqual([hash, true]);
    }
    await open('#/jobs');
    await hasText(page.locator('#jobs tbody tr'), fleetJobId);
    await screenshot('jobs-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('Cancel job on a running job\u2019s page and in the collectors list: the job ends CANCELED (Job.cancel), its tasks too, and the page shows it', async () => {
    // one message every 500 ms: the jobs still run when they are canceled
    const slow = await api('inventory/v1/collector/create', {
      name: 'slow',
      provider: 'synthetic',
      plugin_info: { plugin_id: 'synthetic', options: { count: 60, delay_ms: 500, seed: 9, include_types: false } },
      secret_filter: { state: 'ENABLED', secrets: [secretIds[0]] },
    });
    const first = (await api('inventory/v1/collector/collect', { collector_id: slow.collector_id })).job_id;
    await open(`#/jobs/${encodeURIComponent(first)}`);
    await hasText(page.locator('#job-summary .badge'), /^IN_PROGRESS$/);
    await page.getByRole('button', { name: 'Cancel job' }).click();
    await hasText(page.locator('#job-summary .badge'), /^CANCELED$/);
    await hasText(page.locator('#job-tasks tbody tr'), 'CANCELED');
    expect(await page.locator('[data-action=job-cancel]').count()).toBe(0);
    expect(await api('inventory/v1/job/get', { job_id: first })).toMatchObject({ status: 'CANCELED', remained_tasks: 0, failure_tasks: 1 });
    expect(apiRequests.some((request) => request.url().endsWith('/inventory/v1/job/cancel') && JSON.parse(request.postData() ?? '{}').job_id === first)).toBe(true);
    await hasText(page.locator('#job-errors'), 'ERROR_COLLECT_CANCELED');
    await screenshot('job-canceled');

    const second = (await api('inventory/v1/collector/collect', { collector_id: slow.collector_id })).job_id;
    await open('#/collectors');
    await page.getByRole('button', { name: `Cancel job ${second}` }).click();
    await hasText(page.locator('#collectors tbody tr').filter({ hasText: second }), 'CANCELED');
    expect(await api('inventory/v1/job/get', { job_id: second })).toMatchObject({ status: 'CANCELED', remained_tasks: 0 });
  });

  it('ran without a script error or a Content-Security-Policy violation', () => {
    expect(pageProblems).toEqual([]);
  });
});
