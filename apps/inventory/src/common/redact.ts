/** Every string in a secret's data, so that text coming back from a plugin can be scrubbed of them. */
export function secretStrings(data: unknown, out: string[] = []): string[] {
  if (typeof data === 'string') {
    if (data.length >= 4) out.push(data);
  } else if (Array.isArray(data)) {
    for (const item of data) secretStrings(item, out);
  } else if (data && typeof data === 'object') {
    for (const value of Object.values(data)) secretStrings(value, out);
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
