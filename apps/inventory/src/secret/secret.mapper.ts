import { secretV1 } from '@cloud-inventory/proto';
import { isoOrEmpty } from '../common/time';
import { SecretEntity } from './secret.entity';

/** SecretInfo never carries the data: it is write-only. */
export function toSecretInfo(entity: SecretEntity): secretV1.SecretInfo {
  return {
    secret_id: entity.secret_id,
    name: entity.name,
    state: entity.state as secretV1.SecretInfo_State,
    schema_id: entity.schema_id,
    provider: entity.provider,
    tags: entity.tags,
    resource_group: entity.resource_group as secretV1.SecretInfo_ResourceGroup,
    domain_id: entity.domain_id,
    workspace_id: entity.workspace_id,
    project_id: entity.project_id,
    service_account_id: entity.service_account_id,
    trusted_secret_id: entity.trusted_secret_id,
    created_at: isoOrEmpty(entity.created_at),
  };
}
