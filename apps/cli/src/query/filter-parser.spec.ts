import { FILTER_OPERATORS } from '@cloud-inventory/query';
import { CliError, ExitCode } from '../exit-codes';
import { parseFilter, typedScalar } from './filter-parser';

function usageError(expression: string): CliError {
  try {
    parseFilter(expression);
  } catch (error) {
    return error as CliError;
  }
  throw new Error(`"${expression}" was accepted`);
}

describe('parseFilter', () => {
  it.each([
    ['name=web-1', { k: 'name', v: 'web-1', o: 'eq' }],
    ['state!=DELETED', { k: 'state', v: 'DELETED', o: 'not' }],
    ['name~web', { k: 'name', v: 'web', o: 'contain' }],
    ['name!~test', { k: 'name', v: 'test', o: 'not_contain' }],
    ['instance_size<2', { k: 'instance_size', v: 2, o: 'lt' }],
    ['instance_size<=2.5', { k: 'instance_size', v: 2.5, o: 'lte' }],
    ['data.hardware.core>4', { k: 'data.hardware.core', v: 4, o: 'gt' }],
    ['data.hardware.core>=4', { k: 'data.hardware.core', v: 4, o: 'gte' }],
  ])('maps the shorthand %s', (expression, expected) => {
    expect(parseFilter(expression)).toEqual(expected);
  });

  it('maps comparisons with a date to the datetime operators, and with now… to the timediff ones', () => {
    expect(parseFilter('created_at>=2026-01-01')).toEqual({ k: 'created_at', v: '2026-01-01', o: 'datetime_gte' });
    expect(parseFilter('created_at<2026-01-01T12:00:00Z')).toEqual({ k: 'created_at', v: '2026-01-01T12:00:00Z', o: 'datetime_lt' });
    expect(parseFilter('updated_at>now/d-7d')).toEqual({ k: 'updated_at', v: 'now/d-7d', o: 'timediff_gt' });
    expect(parseFilter('updated_at<=now')).toEqual({ k: 'updated_at', v: 'now', o: 'timediff_lte' });
    // equality keeps eq: the server compares the instant
    expect(parseFilter('created_at=2026-01-01')).toEqual({ k: 'created_at', v: '2026-01-01', o: 'eq' });
  });

  it('takes the first operator symbol, so values may hold symbols of their own', () => {
    expect(parseFilter('name=a=b')).toEqual({ k: 'name', v: 'a=b', o: 'eq' });
    expect(parseFilter('name~=x')).toEqual({ k: 'name', v: '=x', o: 'contain' });
    expect(parseFilter('name!=<none>')).toEqual({ k: 'name', v: '<none>', o: 'not' });
    expect(parseFilter('name=')).toEqual({ k: 'name', v: '', o: 'eq' });
  });

  it('takes keys with the characters the query language allows (tags.aws:cloudformation:stack-name, @)', () => {
    expect(parseFilter('tags.aws:cloudformation:stack-name=web')).toEqual({ k: 'tags.aws:cloudformation:stack-name', v: 'web', o: 'eq' });
    expect(parseFilter('collection_info.collector_id=collector-1')).toEqual({ k: 'collection_info.collector_id', v: 'collector-1', o: 'eq' });
  });

  it('takes any Cloudforet operator by name, with lists as a,b,c or JSON', () => {
    expect(parseFilter('region_code[in]=us-east-1,eu-west-1')).toEqual({ k: 'region_code', v: ['us-east-1', 'eu-west-1'], o: 'in' });
    expect(parseFilter('region_code[not_in]=["a,b","c"]')).toEqual({ k: 'region_code', v: ['a,b', 'c'], o: 'not_in' });
    expect(parseFilter('data.hardware.core[in]=1,2')).toEqual({ k: 'data.hardware.core', v: [1, 2], o: 'in' });
    // contains and regular expressions stay text, even when they read as numbers
    expect(parseFilter('account[contain_in]=111,222')).toEqual({ k: 'account', v: ['111', '222'], o: 'contain_in' });
    expect(parseFilter('name[regex]=^i-[0-9a-f]{4}$')).toEqual({ k: 'name', v: '^i-[0-9a-f]{4}$', o: 'regex' });
    expect(parseFilter('tags.env[exists]=')).toEqual({ k: 'tags.env', v: true, o: 'exists' });
    expect(parseFilter('tags.env[exists]=false')).toEqual({ k: 'tags.env', v: false, o: 'exists' });
    expect(parseFilter('data.tags[match]={"key":"env","value":"prod"}')).toEqual({ k: 'data.tags', v: { key: 'env', value: 'prod' }, o: 'match' });
    expect(parseFilter('created_at[datetime_gt]=2026-01-01')).toEqual({ k: 'created_at', v: '2026-01-01', o: 'datetime_gt' });
    expect(parseFilter('created_at[timediff_lt]=now-1h')).toEqual({ k: 'created_at', v: 'now-1h', o: 'timediff_lt' });
    expect(parseFilter('size[gte]=10')).toEqual({ k: 'size', v: 10, o: 'gte' });
  });

  it('knows every operator the query language knows', () => {
    for (const operator of Object.keys(FILTER_OPERATORS)) {
      const value = operator === 'match' ? '{}' : operator === 'exists' ? 'true' : 'x';
      expect(parseFilter(`key[${operator}]=${value}`).o).toBe(operator);
    }
  });

  it('refuses what it cannot read, as a usage error naming the expression', () => {
    for (const expression of ['name', '=x', 'name[bogus]=x', 'a..b=1', '.a=1', 'na me=1', 'tags.env[exists]=maybe', 'x[in]=', 'x[in]=[1', 'x[match]=[1]', 'x[match]=nope']) {
      const error = usageError(expression);
      expect(error).toBeInstanceOf(CliError);
      expect(error.exitCode).toBe(ExitCode.USAGE);
      expect(error.message).toContain(`"${expression}"`);
    }
    expect(usageError('name[bogus]=x').message).toContain('unknown operator "bogus"');
  });
});

describe('typedScalar', () => {
  it('reads JSON literals and leaves the rest as text', () => {
    expect(typedScalar('42')).toBe(42);
    expect(typedScalar('-1.5')).toBe(-1.5);
    expect(typedScalar('1e3')).toBe(1000);
    expect(typedScalar('true')).toBe(true);
    expect(typedScalar('false')).toBe(false);
    expect(typedScalar('null')).toBeNull();
    expect(typedScalar('"42"')).toBe('42');
    expect(typedScalar('"a')).toBe('"a');
    // leading zeros, and integers past 2^53, stay text (ids, account numbers)
    expect(typedScalar('007')).toBe('007');
    expect(typedScalar('12345678901234567890')).toBe('12345678901234567890');
    expect(typedScalar('123456789012')).toBe(123456789012);
    expect(typedScalar('web')).toBe('web');
    expect(typedScalar('')).toBe('');
  });
});
