// The resource browser: cloud services with Cloudforet filters (key, operator, value), keyword,
// sort by any column, pages with the total, and the columns to fetch (`only`).
import { api } from '../api.js';
import { errorAlert, pager, timeCell } from '../components.js';
import { announce, badge, h, replaceChildren } from '../dom.js';
import { formatNumber } from '../format.js';
import { COLUMNS, FILTER_KEYS, OPERATORS, PAGE_SIZES, readState, rememberView, toRequest, valueAt, writeState } from './resource-query.js';

function cell(column, resource) {
  const value = valueAt(resource, column.key);
  if (column.key === 'name') {
    return h('a', { href: `#/resources/${encodeURIComponent(resource.cloud_service_id)}` }, value || resource.cloud_service_id);
  }
  if (column.key === 'state') return badge(value);
  if (column.time) return timeCell(value);
  if (value === undefined || value === null || value === '') return h('span', { class: 'muted' }, '–');
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  if (column.numeric) return { content: formatNumber(value), class: 'num' };
  return String(value);
}

export async function render({ main, query, signal, setTitle, unauthenticated }) {
  setTitle('Resources');
  const state = readState(query);
  let conditionIds = 0;
  let inFlight;

  const errors = h('div', {});
  const results = h('div', { id: 'resources-results' });
  const total = h('p', { id: 'resources-total', class: 'muted', role: 'status' });
  const conditions = h('div', { class: 'filters', id: 'filter-rows' });

  const keyList = h('datalist', { id: 'filter-keys' }, FILTER_KEYS.map((key) => h('option', { value: key })));

  const removeCondition = (row) => {
    row.remove();
    (conditions.querySelector('input') ?? form.querySelector('button'))?.focus();
  };

  const conditionRow = (condition) => {
    const id = ++conditionIds;
    const key = h('input', { type: 'text', id: `filter-key-${id}`, name: 'key', list: 'filter-keys', value: condition.k, autocomplete: 'off', spellcheck: 'false', placeholder: 'e.g. region_code or data.compute.az' });
    const operator = h('select', { id: `filter-operator-${id}`, name: 'operator' }, OPERATORS.map(([code, label]) => h('option', { value: code, selected: code === condition.o }, `${code} — ${label}`)));
    const value = h('input', { type: 'text', id: `filter-value-${id}`, name: 'value', value: condition.v, autocomplete: 'off', spellcheck: 'false' });
    const row = h(
      'div',
      { class: 'filter-row', dataset: { condition: String(id) } },
      h('div', { class: 'field' }, h('label', { for: key.id }, 'Key'), key),
      h('div', { class: 'field' }, h('label', { for: operator.id }, 'Operator'), operator),
      h('div', { class: 'field' }, h('label', { for: value.id }, 'Value'), value),
      h('button', { type: 'button', 'aria-label': `Remove condition ${id}`, onClick: () => removeCondition(row) }, 'Remove'),
    );
    return row;
  };

  const readConditions = () =>
    [...conditions.querySelectorAll('.filter-row')]
      .map((row) => ({
        k: row.querySelector('[name=key]').value.trim(),
        o: row.querySelector('[name=operator]').value,
        v: row.querySelector('[name=value]').value,
      }))
      .filter((condition) => condition.k);

  const addCondition = () => {
    const row = conditionRow({ k: '', o: 'eq', v: '' });
    conditions.append(row);
    row.querySelector('input').focus();
  };

  const keyword = h('input', { type: 'search', id: 'keyword', name: 'keyword', value: state.keyword, placeholder: 'name, id, type, IP…' });

  const clearFilters = () => {
    conditions.replaceChildren();
    keyword.value = '';
    update({ filter: [], keyword: '', start: 1 });
  };

  const form = h(
    'form',
    { class: 'card', id: 'resource-filters', 'aria-label': 'Filters' },
    h(
      'fieldset',
      {},
      h('legend', {}, 'Filters (all must match)'),
      conditions,
      h('p', { class: 'hint' }, 'Values: text as typed, numbers and true/false as such ("4" in quotes is text); lists are comma-separated.'),
      h('button', { type: 'button', onClick: addCondition }, '+ Add condition'),
    ),
    h(
      'div',
      { class: 'toolbar' },
      h('div', { class: 'field' }, h('label', { for: 'keyword' }, 'Keyword'), keyword),
      h('button', { type: 'submit', class: 'primary' }, 'Apply'),
      h('button', { type: 'button', onClick: clearFilters }, 'Clear filters'),
    ),
    keyList,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    update({ filter: readConditions(), keyword: keyword.value, start: 1 });
  });
  for (const condition of state.filter) conditions.append(conditionRow(condition));

  const chooseColumns = () => {
    const chosen = [...columnsBox.querySelectorAll('input:checked')].map((input) => input.value);
    update({ columns: chosen.length ? chosen : ['name'] });
  };
  const columnsBox = h(
    'fieldset',
    { id: 'resource-columns' },
    h('legend', {}, 'Columns'),
    h(
      'div',
      { class: 'columns' },
      COLUMNS.map((column) =>
        h('label', { class: 'inline' }, h('input', { type: 'checkbox', value: column.key, checked: state.columns.includes(column.key), onChange: chooseColumns }), column.label),
      ),
    ),
  );

  const pageSize = h('select', { id: 'page-size', onChange: (event) => update({ limit: Number(event.target.value), start: 1 }) }, PAGE_SIZES.map((size) => h('option', { value: String(size), selected: size === state.limit }, String(size))));

  main.append(
    h('div', { class: 'page-head' }, h('h1', { tabindex: -1 }, 'Resources'), h('div', { class: 'actions' }, h('button', { type: 'button', onClick: () => void load() }, 'Refresh'))),
    form,
    h('details', { class: 'card' }, h('summary', {}, 'Choose columns'), columnsBox),
    h('div', { class: 'toolbar' }, total, h('div', { class: 'field inline' }, h('label', { for: 'page-size' }, 'Per page'), pageSize)),
    errors,
    results,
  );

  function update(change) {
    Object.assign(state, change);
    history.pushState(null, '', writeState(state));
    void load();
  }

  const sortHeader = (column) => {
    const active = state.sort === column.key;
    const ariaSort = active ? (state.desc ? 'descending' : 'ascending') : undefined;
    if (column.unsortable) return h('th', { scope: 'col' }, column.label);
    return h(
      'th',
      { scope: 'col', 'aria-sort': ariaSort, class: column.numeric ? 'num' : undefined },
      // the button is named by its column; the header's aria-sort says how the list is sorted
      h('button', { type: 'button', class: 'sort', 'data-focus-key': `sort-${column.key}`, onClick: () => update({ sort: column.key, desc: active ? !state.desc : false, start: 1 }) },
        column.label, h('span', { class: 'sort-icon', 'aria-hidden': 'true' }, active ? (state.desc ? '▼' : '▲') : '↕')),
    );
  };

  async function load() {
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    rememberView(writeState(state));
    signal.addEventListener('abort', () => controller.abort(), { once: true });
    results.setAttribute('aria-busy', 'true');
    try {
      const answer = await api.cloudServices.list(toRequest(state), { signal: controller.signal });
      const rows = answer.results ?? [];
      const count = answer.total_count ?? 0;
      const columns = COLUMNS.filter((column) => state.columns.includes(column.key));
      total.textContent = `${formatNumber(count)} resource${count === 1 ? '' : 's'} match`;
      const body = h('tbody', {});
      if (rows.length === 0) body.append(h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, 'No resources match these filters.')));
      for (const resource of rows) {
        body.append(h('tr', { dataset: { key: resource.cloud_service_id } }, columns.map((column) => {
          const content = cell(column, resource);
          return content && typeof content === 'object' && 'content' in content && !(content instanceof Node) ? h('td', { class: content.class }, content.content) : h('td', {}, content);
        })));
      }
      replaceChildren(
        results,
        h('div', { class: 'table-wrap' }, h('table', { id: 'resources' }, h('caption', { class: 'visually-hidden' }, 'Cloud services'), h('thead', {}, h('tr', {}, columns.map(sortHeader))), body)),
        pager({ start: state.start, limit: state.limit, total: count, label: 'Pages of resources', onChange: (start) => update({ start }) }),
      );
      errors.replaceChildren();
      announce(total.textContent);
    } catch (error) {
      if (error?.name === 'AbortError') return;
      if (error?.unauthenticated) return void unauthenticated(error);
      total.textContent = '';
      results.replaceChildren();
      errors.replaceChildren(errorAlert(error));
    } finally {
      if (inFlight === controller) results.removeAttribute('aria-busy');
    }
  }
  await load();
}
