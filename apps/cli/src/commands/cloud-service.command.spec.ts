import { CliError } from '../exit-codes';
import { buildStatQuery, parseStatField } from './cloud-service.command';

describe('cloud-service stat flags → StatisticsQuery', () => {
  it('groups by keys named by their last segment, counts by default, sorts and pages the groups', () => {
    expect(buildStatQuery({ groupBy: ['cloud_service_type,data.compute.az'], filter: ['provider=aws'], sort: ['-count'], limit: '5' })).toEqual({
      filter: [{ k: 'provider', v: 'aws', o: 'eq' }],
      page: { limit: 5 },
      aggregate: [
        {
          group: {
            keys: [
              { key: 'cloud_service_type', name: 'cloud_service_type' },
              { key: 'data.compute.az', name: 'az' },
            ],
            fields: [{ name: 'count', operator: 'count' }],
          },
        },
        { sort: [{ key: 'count', desc: true }] },
      ],
    });
  });

  it('takes fields as name=operator[:key], and distinct alone', () => {
    expect(parseStatField('size=sum:instance_size')).toEqual({ name: 'size', operator: 'sum', key: 'instance_size' });
    expect(parseStatField('n=count')).toEqual({ name: 'n', operator: 'count' });
    expect(() => parseStatField('n')).toThrow(CliError);
    expect(buildStatQuery({ distinct: 'region_code', filter: ['state=ACTIVE'] })).toEqual({
      filter: [{ k: 'state', v: 'ACTIVE', o: 'eq' }],
      distinct: 'region_code',
    });
    expect(() => buildStatQuery({ distinct: 'region_code', groupBy: ['provider'] })).toThrow(CliError);
  });

  it('adds to the stages of --query instead of replacing them', () => {
    const query = buildStatQuery({ query: '{"aggregate": [{"unwind": {"path": "ip_addresses"}}]}', groupBy: ['ip_addresses'] });
    expect(query['aggregate']).toEqual([
      { unwind: { path: 'ip_addresses' } },
      { group: { keys: [{ key: 'ip_addresses', name: 'ip_addresses' }], fields: [{ name: 'count', operator: 'count' }] } },
    ]);
    // a --query with its own stages and no --group-by is sent as it is
    expect(buildStatQuery({ query: '{"aggregate": [{"count": {"name": "total"}}]}' })).toEqual({ aggregate: [{ count: { name: 'total' } }] });
  });
});
