// Building DOM from data: text always goes in as text (never as HTML), so nothing a resource
// carries can become markup or script.

/**
 * h('a', { href: '#/jobs', class: 'x', onClick: fn, 'aria-label': '…' }, 'text', otherNode, [more])
 * Attributes that are false, null or undefined are left out; true gives an empty attribute.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (name in element && typeof value !== 'string' && name !== 'list') {
      element[name] = value; // properties such as value, checked, selected
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/**
 * Replaces an element's children; the element that had the focus (known by its data-focus-key)
 * gets it back, so that a refresh every second does not take the keyboard away from the user.
 */
export function replaceChildren(parent, ...children) {
  const active = document.activeElement;
  const key = active && parent.contains(active) ? active.dataset?.focusKey : undefined;
  parent.replaceChildren();
  append(parent, children);
  if (key) parent.querySelector(`[data-focus-key="${CSS.escape(key)}"]`)?.focus();
}

/** A table with a caption, column headers and rows (each a list of cells: nodes, text, or { content, class }). */
export function table({ caption, columns, rows, empty, id, className }) {
  const head = h('thead', {}, h('tr', {}, columns.map((column) => (column instanceof Node ? column : h('th', { scope: 'col', class: column.class }, column.label ?? column)))));
  const body = h('tbody', {});
  if (rows.length === 0) {
    body.append(h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, empty ?? 'Nothing to show.')));
  }
  for (const row of rows) {
    const cells = row.cells ?? row;
    body.append(
      h(
        'tr',
        { dataset: row.key ? { key: row.key } : undefined },
        cells.map((cell, index) => {
          const tag = index === 0 && row.headerFirst ? 'th' : 'td';
          if (cell && typeof cell === 'object' && !(cell instanceof Node) && 'content' in cell) {
            return h(tag, { class: cell.class, scope: tag === 'th' ? 'row' : undefined }, cell.content);
          }
          return h(tag, { scope: tag === 'th' ? 'row' : undefined }, cell);
        }),
      ),
    );
  }
  return h('div', { class: 'table-wrap' }, h('table', { id, class: className }, caption ? h('caption', {}, caption) : null, head, body));
}

export function badge(status) {
  const text = status || 'NONE';
  return h('span', { class: `badge status-${text}` }, text);
}

/** Announces a short message to screen readers (the page's polite live region). */
export function announce(message) {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.textContent = '';
  // a new text node in a later task is what makes assistive technology read it again
  setTimeout(() => (region.textContent = message), 50);
}
