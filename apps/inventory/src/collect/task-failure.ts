import type { ErrorCode } from '@cloud-inventory/grpc';
import type { JobTaskError } from '../job-task/job-task.entity';
import { TaskErrorCode } from '../job-task/task-error-code';

/** A task failure with the error code Cloudforet would record on the task. */
export class TaskFailure extends Error {
  constructor(
    readonly code: TaskErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** An entry of a task's errors: a task's own code, or the ErrorCode of an API call it made. */
export function taskError(code: TaskErrorCode | ErrorCode, message: string): JobTaskError {
  return { error_code: code, message, additional: {} };
}
