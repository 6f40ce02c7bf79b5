/**
 * The codes a job task records in its `errors` (JobTaskError.error_code), Cloudforet's where it has
 * one. A failure of an API call made by the task (resolving a plugin, say) keeps that call's
 * ErrorCode (libs/grpc) instead.
 */
export enum TaskErrorCode {
  /** The job was canceled (Job.cancel), superseded by a new collect, or the task deleted, before the task ended. */
  COLLECT_CANCELED = 'ERROR_COLLECT_CANCELED',
  /** Started TASK_MAX_ATTEMPTS times; its worker stopped each time before it ended. */
  TASK_ABANDONED = 'ERROR_TASK_ABANDONED',
  /** The task's collector was deleted meanwhile. */
  NO_COLLECTOR = 'ERROR_NO_COLLECTOR',
  /** The task's secret was deleted or disabled meanwhile. */
  COLLECTOR_SECRET = 'ERROR_COLLECTOR_SECRET',
  /** The collector plugin's collect stream failed. */
  COLLECTOR_PLUGIN = 'ERROR_COLLECTOR_PLUGIN',
  /** The storage plugin refused or failed an export. */
  STORAGE_PLUGIN = 'ERROR_STORAGE_PLUGIN',
  /** The collect stream did not end within COLLECT_DEADLINE_SECONDS (the task ends TIMEOUT). */
  COLLECT_TIMEOUT = 'ERROR_COLLECT_TIMEOUT',
  /** The collector plugin sent nothing for COLLECT_IDLE_TIMEOUT_SECONDS (the task ends TIMEOUT). */
  COLLECT_IDLE = 'ERROR_COLLECT_IDLE',
  /** The job ran past its timeout (JOB_TIMEOUT_SECONDS or the collector's job_timeout): it and its unfinished tasks end TIMEOUT. */
  JOB_TIMEOUT = 'ERROR_JOB_TIMEOUT',
  /** The plugin reported a failure for one resource (ErrorResource, or state FAILURE). */
  PLUGIN = 'ERROR_PLUGIN',
  /** A resource without usable match rules. */
  MATCH_RULE = 'ERROR_MATCH_RULE',
  /** A resource that matches several stored ones by its lower-priority rules. */
  TOO_MANY_MATCH = 'ERROR_TOO_MANY_MATCH',
  /** A resource_type the inventory does not store. */
  UNSUPPORTED_RESOURCE_TYPE = 'ERROR_UNSUPPORTED_RESOURCE_TYPE',
  /** A resource without a field it must have. */
  REQUIRED_PARAMETER = 'ERROR_REQUIRED_PARAMETER',
  /** A resource field of the wrong type. */
  INVALID_PARAMETER_TYPE = 'ERROR_INVALID_PARAMETER_TYPE',
  /**
   * A frame of the collect stream the inventory cannot read or store: malformed protobuf, text
   * that is not UTF-8 or holds a NUL, a Struct nested too deeply, a resource over the size limit.
   */
  INVALID_RESOURCE = 'ERROR_INVALID_RESOURCE',
  /** Anything else; the message carries an error_id that is in the log. */
  INTERNAL = 'ERROR_INTERNAL',
}
