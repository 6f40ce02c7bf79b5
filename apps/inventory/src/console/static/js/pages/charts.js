// Charts of the inventory: resources by cloud service type and by region, from cloud-service
// stat (group by, count), drawn with Chart.js and listed in a table beside each chart.
import { api } from '../api.js';
import { errorAlert, updatedNow } from '../components.js';
import { h } from '../dom.js';
import { formatNumber } from '../format.js';

const CHART_LIBRARY = '/console/vendor/chart.umd.min.js';

export const GROUPINGS = [
  {
    id: 'by-type',
    title: 'Resources by cloud service type',
    keys: [
      { key: 'cloud_service_group', name: 'group' },
      { key: 'cloud_service_type', name: 'type' },
    ],
    columns: ['Group', 'Type'],
    label: (row) => `${row.group ?? '(none)'} / ${row.type ?? '(none)'}`,
    cells: (row) => [row.group ?? '(none)', row.type ?? '(none)'],
    horizontal: true,
  },
  {
    id: 'by-region',
    title: 'Resources by region',
    keys: [{ key: 'region_code', name: 'region' }],
    columns: ['Region'],
    label: (row) => row.region ?? '(none)',
    cells: (row) => [row.region ?? '(none)'],
    horizontal: false,
  },
];

/** The stat query behind a chart: count per group, largest first (then by name, so ties keep an order). */
export function statQuery(grouping, provider) {
  return {
    query: {
      filter: provider ? [{ k: 'provider', v: provider, o: 'eq' }] : [],
      aggregate: [
        { group: { keys: grouping.keys, fields: [{ operator: 'count', name: 'count' }] } },
        { sort: [{ key: 'count', desc: true }, ...grouping.keys.map((key) => ({ key: key.name }))] },
      ],
    },
  };
}

let chartLibrary;

/** Chart.js is loaded on the first visit to this page only (it is the console's largest file). */
function loadChartLibrary() {
  chartLibrary ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = CHART_LIBRARY;
    script.onload = () => resolve(window.Chart);
    script.onerror = () => {
      chartLibrary = undefined;
      reject(new Error(`The chart library (${CHART_LIBRARY}) could not be loaded.`));
    };
    document.head.append(script);
  });
  return chartLibrary;
}

function cssColor(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

function drawChart(Chart, canvas, grouping, rows) {
  const text = cssColor('--text');
  const grid = cssColor('--border');
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: rows.map(grouping.label),
      datasets: [{ label: 'Resources', data: rows.map((row) => row.count), backgroundColor: cssColor('--accent'), borderRadius: 3 }],
    },
    options: {
      indexAxis: grouping.horizontal ? 'y' : 'x',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: false }, tooltip: { callbacks: { label: (item) => `${formatNumber(item.raw)} resources` } } },
      scales: {
        x: { ticks: { color: text, precision: 0 }, grid: { color: grid }, beginAtZero: true },
        y: { ticks: { color: text, precision: 0 }, grid: { color: grid }, beginAtZero: true },
      },
    },
  });
}

export async function render({ main, query, signal, setTitle, unauthenticated }) {
  setTitle('Charts');
  let provider = query.get('provider') ?? '';
  const errors = h('div', {});
  const updated = h('span', { class: 'updated' });
  const figures = h('div', { class: 'charts' });
  const charts = [];
  signal.addEventListener('abort', () => charts.forEach((chart) => chart.destroy()));

  const providerSelect = h('select', { id: 'chart-provider', onChange: (event) => {
    provider = event.target.value;
    history.pushState(null, '', provider ? `#/charts?provider=${encodeURIComponent(provider)}` : '#/charts');
    void draw();
  } }, h('option', { value: '' }, 'All providers'));

  main.append(
    h('div', { class: 'page-head' }, h('h1', { tabindex: -1 }, 'Charts'), h('div', { class: 'actions' }, updated, h('button', { type: 'button', onClick: () => void draw() }, 'Refresh'))),
    h('div', { class: 'toolbar' }, h('div', { class: 'field' }, h('label', { for: 'chart-provider' }, 'Provider'), providerSelect)),
    h('p', { class: 'muted' }, 'Resources in the inventory now (deleted ones left out). Charts over time come with metric data.'),
    errors,
    figures,
  );

  async function draw() {
    try {
      const [Chart, providers, ...answers] = await Promise.all([
        loadChartLibrary(),
        api.cloudServices.stat({ query: { distinct: 'provider' } }, { signal }),
        ...GROUPINGS.map((grouping) => api.cloudServices.stat(statQuery(grouping, provider), { signal })),
      ]);
      providerSelect.replaceChildren(h('option', { value: '' }, 'All providers'), ...(providers.results ?? []).map((name) => h('option', { value: name, selected: name === provider }, name)));
      charts.splice(0).forEach((chart) => chart.destroy());
      figures.replaceChildren();
      GROUPINGS.forEach((grouping, index) => {
        const rows = answers[index].results ?? [];
        const total = rows.reduce((sum, row) => sum + row.count, 0);
        const canvas = h('canvas', { id: `chart-${grouping.id}`, role: 'img', 'aria-label': `${grouping.title}: bar chart of ${rows.length} groups, ${total} resources; the table below lists the same numbers.` });
        figures.append(
          h(
            'figure',
            { class: 'card', 'aria-labelledby': `chart-title-${grouping.id}` },
            h('figcaption', { id: `chart-title-${grouping.id}` }, grouping.title),
            rows.length ? h('div', { class: 'chart-box' }, canvas) : h('p', { class: 'empty' }, 'No resources yet.'),
            h(
              'div',
              { class: 'table-wrap' },
              h(
                'table',
                { id: `chart-table-${grouping.id}` },
                h('caption', { class: 'visually-hidden' }, grouping.title),
                h('thead', {}, h('tr', {}, grouping.columns.map((label) => h('th', { scope: 'col' }, label)), h('th', { scope: 'col', class: 'num' }, 'Resources'))),
                h('tbody', {}, rows.map((row) => h('tr', {}, grouping.cells(row).map((value) => h('td', {}, value)), h('td', { class: 'num' }, formatNumber(row.count))))),
              ),
            ),
          ),
        );
        if (rows.length) charts.push(drawChart(Chart, canvas, grouping, rows));
      });
      errors.replaceChildren();
      updated.textContent = updatedNow();
    } catch (error) {
      if (error?.name === 'AbortError') return;
      if (error?.unauthenticated) return void unauthenticated(error);
      errors.replaceChildren(errorAlert(error));
    }
  }
  await draw();
}
