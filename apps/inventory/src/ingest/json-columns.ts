/**
 * The JSON text of a row's object columns (a json_data parsed by the reader, tags given as a
 * list), rendered once when a resource is checked and reused when its batch is written.
 */
const rendered = new WeakMap<object, string>();

/** The JSON text of `value`; throws RangeError when it is too deep to render. */
export function renderJsonColumn(value: object): string {
  let text = rendered.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    rendered.set(value, text);
  }
  return text;
}
