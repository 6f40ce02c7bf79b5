import { CLOUD_SERVICE_KIND } from '../cloud-service/cloud-service.kind';
import { describeResource } from './resource-description';

describe('describeResource', () => {
  const resource = {
    name: 'web-1',
    provider: 'aws',
    cloud_service_group: 'EC2',
    cloud_service_type: 'Instance',
    region_code: '',
    account: '123',
    reference: { resource_id: 'i-1', external_link: 'https://console/i-1' },
    data: { secret: 'not described' },
  };

  it('names the resource by its naming fields and resource id, leaving out empty ones', () => {
    expect(describeResource(resource)).toEqual({ name: 'web-1', provider: 'aws', cloud_service_group: 'EC2', cloud_service_type: 'Instance', resource_id: 'i-1' });
  });

  it('describes the row a resource became as it describes the resource', () => {
    expect(describeResource(CLOUD_SERVICE_KIND.readRow(resource))).toEqual(describeResource(resource));
  });

  it('reads the resource id at the top for a resource without a reference', () => {
    expect(describeResource({ resource_id: 'r-1', region_code: 'us-east-1' })).toEqual({ region_code: 'us-east-1', resource_id: 'r-1' });
  });
});
