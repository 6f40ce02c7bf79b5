import { createHash } from 'node:crypto';
import { RawJson } from '@cloud-inventory/wire';

/** A plugin's match rules in priority order: {"1": ["reference.resource_id", "provider", ...], "2": [...]}. */
export type MatchRules = string[][];

export class MatchRuleError extends Error {}

/**
 * Parses ResourceInfo.match_rules. Rule names are priorities ("1" before "2"; numeric order when
 * they are numbers, as Cloudforet sorts them); each rule is a non-empty list of dotted keys.
 */
export function parseMatchRules(raw: unknown): MatchRules {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw) || Object.keys(raw).length === 0) {
    throw new MatchRuleError('Match rule is not defined.');
  }
  const entries = Object.entries(raw as Record<string, unknown>).sort(([a], [b]) => {
    const [na, nb] = [Number(a), Number(b)];
    if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  return entries.map(([name, keys]) => {
    if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => typeof k === 'string' && k.length > 0)) {
      throw new MatchRuleError(`Match rule "${name}" must be a non-empty list of keys.`);
    }
    return keys as string[];
  });
}

/** The value at a dotted path of a resource ("reference.resource_id"); nested RawJson is decoded on the way. */
export function valueAt(resource: Record<string, unknown>, path: string): unknown {
  let node: unknown = resource;
  for (const part of path.split('.')) {
    if (node instanceof RawJson) node = node.value();
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node instanceof RawJson ? node.value() : node;
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

export interface MatchKeys {
  /** The first rule whose every key has a value. */
  identity: string;
  /** The later usable rules, in priority order. */
  secondary: string[];
}

/** Where a resource lives: matching never crosses a domain or a workspace. */
export interface MatchScope {
  domain_id: string;
  workspace_id: string;
}

function usableKeys(resource: Record<string, unknown>, rules: readonly (readonly string[])[], scope: MatchScope): string[] {
  const keys: string[] = [];
  for (const rule of rules) {
    const values = rule.map((path) => valueAt(resource, path));
    if (!values.every(isPresent)) continue;
    keys.push(createHash('md5').update(JSON.stringify([scope.domain_id, scope.workspace_id, rule, values])).digest('hex'));
  }
  return keys;
}

/**
 * The keys of a row written through the API, computed as a collect computes them for a plugin that
 * sends the kind's usual rules (`manualMatchRules`): its identity is the first usable rule's key,
 * its secondary keys the others, so that a later collect whose first rule is any of them finds the
 * row (ingest probes the identity, then the rows' secondary keys). A row none of them applies to
 * (no reference.resource_id) gets an identity of its own, `manual:<id>`, that no collect computes.
 */
export function manualMatchKeys(resource: Record<string, unknown>, rules: readonly (readonly string[])[], scope: MatchScope, id: string): MatchKeys {
  const keys = usableKeys(resource, rules, scope);
  return keys.length === 0 ? { identity: `manual:${id}`, secondary: [] } : { identity: keys[0], secondary: keys.slice(1) };
}

/**
 * One key per usable rule: a hash of the scope, the rule's key names and the resource's values
 * for them, so that a key alone finds its rows through one index. Unlike Cloudforet, which drops
 * keys with empty values and so widens the match, a rule with a missing value is skipped as a
 * whole. No usable rule at all is an error.
 */
export function matchKeysOf(resource: Record<string, unknown>, rules: MatchRules, scope: MatchScope): MatchKeys {
  const keys = usableKeys(resource, rules, scope);
  if (keys.length === 0) {
    const wanted = rules.map((rule) => rule.join(', ')).join(' | ');
    throw new MatchRuleError(`No match rule can be applied: every rule has a key without a value (${wanted}).`);
  }
  return { identity: keys[0], secondary: keys.slice(1) };
}
