/** Cloudforet sends times as ISO-8601 strings, and '' for "not yet". */
export function isoOrEmpty(value: Date | string | null | undefined): string {
  if (!value) return '';
  return (value instanceof Date ? value : new Date(value)).toISOString();
}
