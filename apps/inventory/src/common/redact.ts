const MIN_SECRET_LENGTH = 4;
/** A shorter encoded fragment would match too much unrelated text to be worth removing. */
const MIN_FORM_LENGTH = 4;

/**
 * Every form in which a secret's values could come back from a plugin, so that its text can be
 * scrubbed of them: each string (and each number, as written) of the data, JSON-escaped (once and
 * twice), URL-encoded, hex, and base64 / base64url at each of the three alignments it can have
 * inside a longer encoded text (`Basic base64(user:password)`). Longest first, so that a longer
 * form is replaced before a shorter one that it contains.
 */
export function secretStrings(data: unknown): string[] {
  const values: string[] = [];
  collectValues(data, values);
  const forms = new Set<string>();
  for (const value of values) for (const form of secretForms(value)) if (form.length >= MIN_FORM_LENGTH) forms.add(form);
  return [...forms].sort((a, b) => b.length - a.length);
}

function collectValues(data: unknown, out: string[]): void {
  if (typeof data === 'string') {
    if (data.length >= MIN_SECRET_LENGTH) out.push(data);
  } else if (typeof data === 'number' || typeof data === 'bigint') {
    const text = String(data);
    if (text.length >= MIN_SECRET_LENGTH) out.push(text);
  } else if (Array.isArray(data)) {
    for (const item of data) collectValues(item, out);
  } else if (data && typeof data === 'object') {
    for (const value of Object.values(data)) collectValues(value, out);
  }
}

function secretForms(value: string): string[] {
  const escaped = JSON.stringify(value).slice(1, -1);
  const forms = [value, escaped, JSON.stringify(escaped).slice(1, -1), encodeURIComponent(value)];
  const bytes = Buffer.from(value, 'utf8');
  forms.push(bytes.toString('hex'), bytes.toString('hex').toUpperCase());
  // a number a plugin parsed and printed back: "000123456789" comes back as 123456789
  if (/^[+-]?\d+(\.\d+)?$/.test(value)) forms.push(String(Number(value)));
  const whole = bytes.toString('base64');
  for (const base64 of [whole, whole.replace(/=+$/, ''), ...alignedBase64(bytes)]) forms.push(base64, base64.replace(/\+/g, '-').replace(/\//g, '_'));
  return forms;
}

/**
 * The base64 characters that encode `bytes` whatever precedes them: for each offset k of the
 * value inside a 3-byte group, encode k filler bytes + the value and keep only the characters that
 * depend on the value alone (whole groups: the first one is shared with what precedes when k > 0,
 * the last one with what follows when it is incomplete).
 */
function alignedBase64(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64').replace(/=+$/, '');
    const total = offset + bytes.length;
    const start = offset === 0 ? 0 : 4;
    const end = total % 3 === 0 ? encoded.length : Math.floor(total / 3) * 4;
    if (end > start) out.push(encoded.slice(start, end));
  }
  return out;
}

/** A plugin's error text with any secret value it echoed replaced, and bounded in size. */
export function redactText(text: string, secrets: string[], maxLength = 2000): string {
  let result = text;
  for (const secret of secrets) {
    if (result.includes(secret)) result = result.split(secret).join('***');
  }
  return result.length > maxLength ? `${result.slice(0, maxLength)}…` : result;
}
