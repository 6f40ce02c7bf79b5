// Charts of the inventory: resources by cloud service type and by region, from cloud-service
// stat (group by, count), and a metric's daily values over the last 30 days, per group of one of
// its labels, from metric-data analyze; drawn with Chart.js, each listed in a table too.
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

/** Days of the chart over time, today included (DAILY analyze covers at most one month). */
export const SERIES_DAYS = 30;
/** Line colours, one per group, in order (repeated past the last). */
const SERIES_COLOURS = ['#1f5fbf', '#c2410c', '#15803d', '#7e22ce', '#b91c1c', '#0e7490', '#a16207', '#be185d', '#4d7c0f', '#475569'];

/** A UTC day (YYYY-MM-DD, as metric data's created_date) `days` before now. */
export function dayBefore(days, now = Date.now()) {
  return new Date(now - days * 86_400_000).toISOString().slice(0, 10);
}

/** The last SERIES_DAYS days, oldest first. */
export function seriesDays(now = Date.now()) {
  return Array.from({ length: SERIES_DAYS }, (_, index) => dayBefore(SERIES_DAYS - 1 - index, now));
}

/** The analyze request behind the chart over time: the metric's value summed per day and per group of `labelKey`. */
export function seriesQuery(metricId, labelKey, days) {
  return {
    metric_id: metricId,
    query: {
      granularity: 'DAILY',
      start: days[0],
      end: days[days.length - 1],
      group_by: [{ key: labelKey, name: 'group' }],
      fields: { value: { key: 'value', operator: 'sum' } },
      sort: [{ key: 'date' }, { key: 'group' }],
    },
  };
}

/** Analyze rows as one series per group: a value for each day, null where the day has none (a gap, not a zero). */
export function seriesOf(rows, days) {
  const groups = [...new Set(rows.map((row) => groupName(row.group)))].sort();
  const values = new Map(groups.map((group) => [group, new Map()]));
  for (const row of rows) values.get(groupName(row.group)).set(row.date, row.value);
  return groups.map((group) => ({ group, data: days.map((day) => values.get(group).get(day) ?? null) }));
}

function groupName(value) {
  return value === null || value === undefined || value === '' ? '(none)' : String(value);
}

/** The label to group by at first: the region when the metric has one, else its first label that is not a scope column. */
function defaultLabel(labels) {
  const region = labels.find((label) => /(^|\.)region(_code)?$/i.test(label.key));
  return (region ?? labels.find((label) => label.key.startsWith('labels.')) ?? labels[0])?.key ?? '';
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

function drawSeries(Chart, canvas, days, series, unit) {
  const text = cssColor('--text');
  const grid = cssColor('--border');
  return new Chart(canvas, {
    type: 'line',
    data: {
      labels: days,
      datasets: series.map(({ group, data }, index) => {
        const colour = SERIES_COLOURS[index % SERIES_COLOURS.length];
        return { label: group, data, borderColor: colour, backgroundColor: colour, pointRadius: 3, spanGaps: false };
      }),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        legend: { labels: { color: text } },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${formatNumber(item.raw)}${unit ? ` ${unit}` : ''}` } },
      },
      scales: {
        x: { ticks: { color: text }, grid: { color: grid } },
        y: { ticks: { color: text }, grid: { color: grid }, beginAtZero: true },
      },
    },
  });
}

export async function render({ main, query, signal, setTitle, unauthenticated }) {
  setTitle('Charts');
  let provider = query.get('provider') ?? '';
  let metricId = query.get('metric') ?? '';
  let labelKey = query.get('group') ?? '';
  const errors = h('div', {});
  const updated = h('span', { class: 'updated' });
  const figures = h('div', { class: 'charts' });
  const charts = [];
  signal.addEventListener('abort', () => charts.forEach((chart) => chart.destroy()));

  /** The page's choices live in the address, so a view can be bookmarked. */
  const remember = () => {
    const params = new URLSearchParams();
    if (provider) params.set('provider', provider);
    if (metricId) params.set('metric', metricId);
    if (metricId && labelKey) params.set('group', labelKey);
    const text = params.toString();
    history.pushState(null, '', text ? `#/charts?${text}` : '#/charts');
  };

  const providerSelect = h('select', { id: 'chart-provider', onChange: (event) => {
    provider = event.target.value;
    remember();
    void draw();
  } }, h('option', { value: '' }, 'All providers'));

  // the chart over time: a metric, a label to group by, its daily values
  let metrics = [];
  let seriesChart;
  signal.addEventListener('abort', () => seriesChart?.destroy());
  const seriesErrors = h('div', {});
  const seriesBody = h('div', {});
  const metricSelect = h('select', { id: 'series-metric', onChange: (event) => {
    metricId = event.target.value;
    labelKey = defaultLabel(metrics.find((metric) => metric.metric_id === metricId)?.labels_info ?? []);
    remember();
    void drawOverTime();
  } });
  const labelSelect = h('select', { id: 'series-group', onChange: (event) => {
    labelKey = event.target.value;
    remember();
    void drawOverTime();
  } });
  const overTime = h(
    'figure',
    { class: 'card over-time', 'aria-labelledby': 'series-title' },
    h('figcaption', { id: 'series-title' }, `A metric over the last ${SERIES_DAYS} days`),
    h(
      'div',
      { class: 'toolbar' },
      h('div', { class: 'field' }, h('label', { for: 'series-metric' }, 'Metric'), metricSelect),
      h('div', { class: 'field' }, h('label', { for: 'series-group' }, 'Group by'), labelSelect),
    ),
    seriesErrors,
    seriesBody,
  );

  main.append(
    h('div', { class: 'page-head' }, h('h1', { tabindex: -1 }, 'Charts'), h('div', { class: 'actions' }, updated, h('button', { type: 'button', onClick: () => void draw() }, 'Refresh'))),
    h('div', { class: 'toolbar' }, h('div', { class: 'field' }, h('label', { for: 'chart-provider' }, 'Provider'), providerSelect)),
    h('p', { class: 'muted' }, 'Resources in the inventory now (deleted ones left out), and a metric’s daily values (metric data, computed after each collect).'),
    errors,
    figures,
    overTime,
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

  /** The metrics to pick from (all of them, by name), then the chosen one's chart. */
  async function loadMetrics() {
    try {
      const answer = await api.metrics.list({ query: { sort: [{ key: 'name' }, { key: 'metric_id' }], only: ['metric_id', 'name', 'unit', 'labels_info'] } }, { signal });
      metrics = answer.results ?? [];
      metricSelect.replaceChildren(
        h('option', { value: '' }, metrics.length ? 'Choose a metric' : 'No metrics yet'),
        ...metrics.map((metric) => h('option', { value: metric.metric_id, selected: metric.metric_id === metricId }, metric.name || metric.metric_id)),
      );
      seriesErrors.replaceChildren();
      await drawOverTime();
    } catch (error) {
      if (error?.name === 'AbortError') return;
      if (error?.unauthenticated) return void unauthenticated(error);
      seriesErrors.replaceChildren(errorAlert(error));
    }
  }

  async function drawOverTime() {
    seriesChart?.destroy();
    seriesChart = undefined;
    const metric = metrics.find((candidate) => candidate.metric_id === metricId);
    const labels = metric?.labels_info ?? [];
    if (!labels.some((label) => label.key === labelKey)) labelKey = defaultLabel(labels);
    labelSelect.replaceChildren(...labels.map((label) => h('option', { value: label.key, selected: label.key === labelKey }, label.name || label.key)));
    labelSelect.disabled = !metric;
    if (!metric) {
      seriesBody.replaceChildren(h('p', { class: 'empty' }, metricId ? `No metric ${metricId} here.` : 'Choose a metric to see its daily values.'));
      return;
    }
    const days = seriesDays();
    const groupLabel = labels.find((label) => label.key === labelKey)?.name || labelKey || 'Group';
    try {
      const [Chart, answer] = await Promise.all([loadChartLibrary(), api.metricData.analyze(seriesQuery(metric.metric_id, labelKey, days), { signal })]);
      if (metric.metric_id !== metricId) return; // another metric was chosen meanwhile
      const rows = answer.results ?? [];
      const series = seriesOf(rows, days);
      const title = `${metric.name || metric.metric_id} per ${groupLabel}, daily`;
      const canvas = h('canvas', { id: 'chart-over-time', role: 'img', 'aria-label': `${title}: line chart of ${series.length} groups over ${days.length} days; the table below lists the same numbers.` });
      const daysWithData = days.filter((day, index) => series.some((line) => line.data[index] !== null));
      seriesBody.replaceChildren(
        rows.length ? h('div', { class: 'chart-box' }, canvas) : h('p', { class: 'empty' }, `No data for this metric in the last ${SERIES_DAYS} days.`),
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { id: 'chart-table-over-time' },
            h('caption', { class: 'visually-hidden' }, `${title}${metric.unit ? ` (${metric.unit})` : ''}`),
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Date'), series.map((line) => h('th', { scope: 'col', class: 'num' }, line.group)))),
            h('tbody', {}, daysWithData.map((day) => {
              const index = days.indexOf(day);
              return h('tr', {}, h('th', { scope: 'row' }, day), series.map((line) => h('td', { class: 'num' }, formatNumber(line.data[index]))));
            })),
          ),
        ),
      );
      if (rows.length) seriesChart = drawSeries(Chart, canvas, days, series, metric.unit);
      seriesErrors.replaceChildren();
    } catch (error) {
      if (error?.name === 'AbortError') return;
      if (error?.unauthenticated) return void unauthenticated(error);
      seriesErrors.replaceChildren(errorAlert(error));
    }
  }

  await Promise.all([draw(), loadMetrics()]);
}
