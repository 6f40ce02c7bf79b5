import { status } from '@grpc/grpc-js';
import { AppError, ErrorCode, statusOf } from '@cloud-inventory/grpc';
import { SYNTHETIC_DEFAULTS, parseSyntheticAccount, parseSyntheticOptions, parseTaskSlice } from './synthetic-options';

function errorOf(action: () => unknown): AppError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect(statusOf((error as AppError).code).grpc).toBe(status.INVALID_ARGUMENT);
    return error as AppError;
  }
  throw new Error('expected an INVALID_ARGUMENT error');
}

describe('synthetic options', () => {
  it('fills every default when options are empty or absent', () => {
    expect(parseSyntheticOptions({})).toEqual(SYNTHETIC_DEFAULTS);
    expect(parseSyntheticOptions(undefined)).toEqual(SYNTHETIC_DEFAULTS);
    expect(SYNTHETIC_DEFAULTS).toMatchObject({
      count: 100, seed: 1, version: 1, change_every: 10, provider: 'synthetic', include_types: true,
      invalid: 0, error_resources: 0, delay_ms: 0, fail_after: -1, tasks: 1, resource_bytes: 1200, json_data: false,
      namespaces: false, metrics: false, metrics_version: '1.0', drift_every_seconds: 0,
      hang_before_first_ms: 0, stall_after: -1, stall_ms: 3_600_000,
    });
    expect(SYNTHETIC_DEFAULTS.mix.map((entry) => `${entry.cloud_service_group}/${entry.cloud_service_type}`)).toEqual([
      'EC2/Instance', 'S3/Bucket', 'RDS/Database', 'VPC/Subnet', 'IAM/Role',
    ]);
  });

  it('keeps given values and defaults a mix weight to 1', () => {
    const options = parseSyntheticOptions({
      count: 0, seed: -5, version: 3, change_every: 1, provider: 'aws', include_types: false, invalid: 2,
      error_resources: 1, delay_ms: 5, fail_after: 0, tasks: 4, resource_bytes: 0,
      mix: [{ cloud_service_group: 'EC2', cloud_service_type: 'Instance' }],
    });
    expect(options).toMatchObject({ count: 0, seed: -5, version: 3, provider: 'aws', include_types: false, fail_after: 0, tasks: 4 });
    expect(options.mix).toEqual([{ cloud_service_group: 'EC2', cloud_service_type: 'Instance', weight: 1 }]);
  });

  it.each([
    [{ count: -1 }, 'options.count must be an integer between 0 and 1000000000 (got -1).'],
    [{ count: 1.5 }, 'options.count must be an integer between 0 and 1000000000 (got 1.5).'],
    [{ count: '100' }, 'options.count must be an integer between 0 and 1000000000 (got "100").'],
    [{ seed: 0.5 }, 'options.seed must be an integer (a safe integer) (got 0.5).'],
    [{ version: 0 }, 'options.version must be an integer >= 1 (got 0).'],
    [{ change_every: 0 }, 'options.change_every must be an integer >= 1 (got 0).'],
    [{ provider: '' }, 'options.provider must be a non-empty string of at most 100 characters (got "").'],
    [{ include_types: 'yes' }, 'options.include_types must be true or false (got "yes").'],
    [{ invalid: -2 }, 'options.invalid must be an integer between 0 and 1000000000 (got -2).'],
    [{ error_resources: true }, 'options.error_resources must be an integer between 0 and 1000000000 (got true).'],
    [{ delay_ms: 60_001 }, 'options.delay_ms must be an integer between 0 and 60000 (got 60001).'],
    [{ fail_after: -2 }, 'options.fail_after must be an integer >= -1 (got -2).'],
    [{ tasks: 0 }, 'options.tasks must be an integer between 1 and 1000 (got 0).'],
    [{ resource_bytes: -1 }, 'options.resource_bytes must be an integer between 0 and 4194304 (got -1).'],
    [{ namespaces: 1 }, 'options.namespaces must be true or false (got 1).'],
    [{ metrics: 'true' }, 'options.metrics must be true or false (got "true").'],
    [{ metrics_version: 2 }, 'options.metrics_version must be a non-empty string of at most 100 characters (got 2).'],
    [{ metrics_version: ' ' }, 'options.metrics_version must be a non-empty string of at most 100 characters (got " ").'],
    [{ drift_every_seconds: -1 }, 'options.drift_every_seconds must be an integer between 0 and 1000000000 (got -1).'],
    [{ drift_every_seconds: 0.5 }, 'options.drift_every_seconds must be an integer between 0 and 1000000000 (got 0.5).'],
    [{ hang_before_first_ms: -1 }, 'options.hang_before_first_ms must be an integer between 0 and 3600000 (got -1).'],
    [{ hang_before_first_ms: 3_600_001 }, 'options.hang_before_first_ms must be an integer between 0 and 3600000 (got 3600001).'],
    [{ stall_after: -2 }, 'options.stall_after must be an integer >= -1 (got -2).'],
    [{ stall_ms: 1.5 }, 'options.stall_ms must be an integer between 0 and 3600000 (got 1.5).'],
    [
      { metrics: true, provider: 'aws.com' },
      'options.provider must not contain "." when namespaces or metrics are sent (their resource_type is inventory.CloudService:<provider>.<group>.<type>) (got "aws.com").',
    ],
    [
      { namespaces: true, mix: [{ cloud_service_group: 'EC2', cloud_service_type: 'Instance.v2' }] },
      'options.mix[0].cloud_service_type must not contain "." when namespaces or metrics are sent (their resource_type is inventory.CloudService:<provider>.<group>.<type>) (got "Instance.v2").',
    ],
    [
      { metrics: true, mix: [{ cloud_service_group: 'EC2', cloud_service_type: 'Instance' }, { cloud_service_group: 'ec2', cloud_service_type: 'instance' }] },
      'options.mix[1] gives the same namespace and metric ids as options.mix[0] (ns-synthetic-ec2-instance); ids are lower-cased, with "-" for other characters than a-z and 0-9.',
    ],
    [{ mix: [] }, 'options.mix must be a list of 1 to 100 {cloud_service_group, cloud_service_type, weight?} entries (got a list).'],
    [{ mix: [{ cloud_service_group: 'EC2' }] }, 'options.mix[0].cloud_service_type must be a non-empty string of at most 100 characters (got a value of type undefined).'],
    [{ mix: [{ cloud_service_group: 'A', cloud_service_type: 'B', weight: 0 }] }, 'options.mix[0].weight must be a number > 0 (got 0).'],
    [{ mix: [{ cloud_service_group: 'A', cloud_service_type: 'B', colour: 'red' }] }, 'options.mix[0].colour is not a mix field (known: cloud_service_group, cloud_service_type, weight).'],
    [
      { mix: [{ cloud_service_group: 'A', cloud_service_type: 'B' }, { cloud_service_group: 'A', cloud_service_type: 'B' }] },
      'options.mix[1] repeats A/B; each group/type pair may appear once.',
    ],
    [{ cout: 5 }, 'options.cout is not a synthetic option (known: count, seed, version, change_every, mix, provider, include_types, invalid, error_resources, delay_ms, fail_after, tasks, resource_bytes, json_data, namespaces, metrics, metrics_version, drift_every_seconds, concurrency, hang_before_first_ms, stall_after, stall_ms).'],
  ])('rejects %j with INVALID_ARGUMENT naming the option', (options, message) => {
    expect(errorOf(() => parseSyntheticOptions(options)).message).toBe(message);
  });

  it('checks names for namespace and metric ids only when they are sent', () => {
    const dotted = { provider: 'aws.com', mix: [{ cloud_service_group: 'EC2', cloud_service_type: 'Instance' }, { cloud_service_group: 'ec2', cloud_service_type: 'INSTANCE' }] };
    expect(parseSyntheticOptions(dotted)).toMatchObject({ provider: 'aws.com', namespaces: false, metrics: false });
    expect(parseSyntheticOptions({ namespaces: true, metrics: true, metrics_version: '2.1', drift_every_seconds: 60 })).toMatchObject({
      namespaces: true,
      metrics: true,
      metrics_version: '2.1',
      drift_every_seconds: 60,
    });
  });

  it('reads task_options {part, parts}, and none as the whole stream', () => {
    expect(parseTaskSlice(undefined)).toEqual({ part: 0, parts: 1 });
    expect(parseTaskSlice(null)).toEqual({ part: 0, parts: 1 });
    expect(parseTaskSlice({})).toEqual({ part: 0, parts: 1 });
    expect(parseTaskSlice({ part: 2, parts: 3 })).toEqual({ part: 2, parts: 3 });
    expect(errorOf(() => parseTaskSlice({ part: 3, parts: 3 })).message).toBe('task_options.part must be an integer between 0 and 2 (got 3).');
    expect(errorOf(() => parseTaskSlice({ part: 0 })).message).toMatch(/^task_options\.parts must be an integer >= 1/);
  });

  it('requires secret_data.account_id and never echoes secret values', () => {
    expect(parseSyntheticAccount({ account_id: '123456789012', secret_key: 'x' })).toBe('123456789012');
    for (const secretData of [undefined, {}, { account_id: '' }, { account_id: '   ' }, { account_id: 42 }, { access_key: 'AKIA-SECRET-VALUE' }]) {
      const error = errorOf(() => parseSyntheticAccount(secretData));
      expect(error.code).toBe(ErrorCode.INVALID_ARGUMENT);
      expect(error.message).toBe('secret_data.account_id must be a non-empty string.');
    }
  });
});
