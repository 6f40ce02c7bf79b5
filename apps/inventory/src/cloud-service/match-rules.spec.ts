import { MatchRuleError, matchKeysOf as keysIn, parseMatchRules, valueAt } from './match-rules';

const SCOPE = { domain_id: 'domain-1', workspace_id: 'ws-1' };
const matchKeysOf = (resource: Record<string, unknown>, rules: string[][]) => keysIn(resource, rules, SCOPE);

const AWS_RULE = { '1': ['reference.resource_id', 'provider', 'cloud_service_type', 'cloud_service_group', 'account'] };

const instance = {
  provider: 'aws',
  cloud_service_group: 'EC2',
  cloud_service_type: 'Instance',
  account: '123456789012',
  name: 'web-1',
  reference: { resource_id: 'i-0abc' },
};

describe('parseMatchRules', () => {
  it('orders rules by numeric priority, not by text', () => {
    expect(parseMatchRules({ '10': ['c'], '2': ['b'], '1': ['a'] })).toEqual([['a'], ['b'], ['c']]);
  });

  it('rejects missing, empty and malformed rules with the reason', () => {
    expect(() => parseMatchRules(undefined)).toThrow('Match rule is not defined.');
    expect(() => parseMatchRules({})).toThrow('Match rule is not defined.');
    expect(() => parseMatchRules({ '1': [] })).toThrow('"1" must be a non-empty list');
    expect(() => parseMatchRules({ '1': ['ok', 3] })).toThrow(MatchRuleError);
  });
});

describe('valueAt', () => {
  it('follows dotted paths and stops at non-objects', () => {
    expect(valueAt(instance, 'reference.resource_id')).toBe('i-0abc');
    expect(valueAt(instance, 'name.length')).toBeUndefined();
    expect(valueAt(instance, 'missing.deep.path')).toBeUndefined();
  });
});

describe('matchKeysOf', () => {
  it('gives the same identity to the same values and another to different ones', () => {
    const rules = parseMatchRules(AWS_RULE);
    const a = matchKeysOf(instance, rules);
    expect(matchKeysOf({ ...instance, name: 'renamed' }, rules)).toEqual(a);
    expect(matchKeysOf({ ...instance, account: '999' }, rules).identity).not.toEqual(a.identity);
    expect(a.identity).toMatch(/^[0-9a-f]{32}$/);
    expect(a.secondary).toEqual([]);
  });

  it('keys by rule as well as by values, so equal values under another rule do not collide', () => {
    const one = matchKeysOf({ a: 'x', b: 'x' }, [['a']]);
    const other = matchKeysOf({ a: 'x', b: 'x' }, [['b']]);
    expect(one.identity).not.toEqual(other.identity);
  });

  it('keys by domain and workspace too, so the same resource elsewhere is another resource', () => {
    const rules = parseMatchRules(AWS_RULE);
    expect(keysIn(instance, rules, { ...SCOPE, workspace_id: 'ws-2' }).identity).not.toEqual(matchKeysOf(instance, rules).identity);
    expect(keysIn(instance, rules, { ...SCOPE, domain_id: 'domain-2' }).identity).not.toEqual(matchKeysOf(instance, rules).identity);
  });

  it('skips a rule with an empty value instead of widening it, and uses the next rule', () => {
    const rules = parseMatchRules({ '1': ['reference.resource_id', 'provider'], '2': ['name', 'provider'] });
    const withoutId = matchKeysOf({ provider: 'aws', name: 'web-1', reference: { resource_id: '' } }, rules);
    const byName = matchKeysOf({ provider: 'aws', name: 'web-1' }, [['name', 'provider']]);
    expect(withoutId.identity).toEqual(byName.identity);
    expect(withoutId.secondary).toEqual([]);

    const both = matchKeysOf({ provider: 'aws', name: 'web-1', reference: { resource_id: 'i-1' } }, rules);
    expect(both.secondary).toEqual([byName.identity]);
  });

  it('fails when no rule can be applied, naming the rules', () => {
    expect(() => matchKeysOf({ provider: 'aws' }, parseMatchRules(AWS_RULE))).toThrow(/No match rule can be applied.*reference.resource_id/);
  });
});
