import { SecretSelection } from '../secret/secret.repository';
import { CollectorEntity } from './collector.entity';

/**
 * The secrets a collector collects with, as Cloudforet picks them: same domain and provider,
 * the collector's workspace (for a workspace collector), its secret filter when enabled, and
 * the one secret a request names; for a workspace member, its projects' secrets only.
 */
export function secretSelectionFor(collector: CollectorEntity, secretId?: string, userProjects?: readonly string[]): SecretSelection {
  const selection: SecretSelection = { domain_id: collector.domain_id };
  // a member collects with the secrets it may see (Cloudforet lists them with the member's token)
  if (userProjects) selection.project_ids = userProjects;
  if (collector.provider) selection.provider = collector.provider;
  if (collector.resource_group === 'WORKSPACE') selection.workspace_id = collector.workspace_id;
  if (secretId) selection.secret_id = secretId;
  const filter = collector.secret_filter;
  if (filter.state === 'ENABLED') {
    if (filter.secrets.length) selection.secret_ids = filter.secrets;
    if (filter.service_accounts.length) selection.service_account_ids = filter.service_accounts;
    if (filter.schemas.length) selection.schema_ids = filter.schemas;
    selection.exclude_secret_ids = filter.exclude_secrets;
    selection.exclude_service_account_ids = filter.exclude_service_accounts;
    selection.exclude_schema_ids = filter.exclude_schemas;
  }
  return selection;
}
