import { CLOUD_SERVICE_TYPE_KIND } from './cloud-service-type.kind';
import { CLOUD_SERVICE_KIND } from './cloud-service.kind';
import { METRIC_KIND } from './metric.kind';
import { NAMESPACE_KIND } from './namespace.kind';
import { REGION_KIND } from './region.kind';
import { ResourceKindDeclaration } from './resource-kind';

/** Every kind of resource a collect stores. A new kind is one declaration (`*.kind.ts`) added here. */
export const RESOURCE_KINDS = [CLOUD_SERVICE_KIND, CLOUD_SERVICE_TYPE_KIND, REGION_KIND, NAMESPACE_KIND, METRIC_KIND] as const;

export type ResourceKind = (typeof RESOURCE_KINDS)[number]['kind'];

export const RESOURCE_KIND = Object.fromEntries(RESOURCE_KINDS.map((kind) => [kind.kind, kind])) as Readonly<
  Record<ResourceKind, ResourceKindDeclaration<ResourceKind>>
>;

/** ResourceInfo.resource_type of each kind. */
export const RESOURCE_TYPE_OF_KIND = Object.fromEntries(RESOURCE_KINDS.map((kind) => [kind.kind, kind.resourceType])) as Readonly<
  Record<ResourceKind, string>
>;

/** The inverse of RESOURCE_TYPE_OF_KIND. */
export const KIND_OF_TYPE: ReadonlyMap<string, ResourceKind> = new Map(RESOURCE_KINDS.map((kind) => [kind.resourceType, kind.kind]));
