// The place for cancelling a job. Job.cancel is not in the API yet (it comes with a later issue),
// so the control is shown disabled and says why; nothing here pretends to cancel.
// TODO(Job.cancel): when POST /inventory/v1/job/cancel exists, enable the button, call it with
// { job_id } and refresh the page (the job then ends CANCELED).
import { h } from '../dom.js';

/** compact: the button alone (its reason read by screen readers and shown as a tooltip), for table rows. */
export function cancelJobControl(job, { compact = false } = {}) {
  if (job.status !== 'IN_PROGRESS') return null;
  const noteId = `cancel-note-${job.job_id}`;
  const reason = 'Cancelling is not available: this server has no Job.cancel yet.';
  return h(
    'span',
    { class: compact ? 'inline' : 'notice inline', dataset: { placeholder: 'job-cancel' } },
    h('button', { type: 'button', disabled: true, 'aria-describedby': noteId, title: compact ? reason : undefined }, 'Cancel job'),
    h('span', { id: noteId, class: compact ? 'visually-hidden' : undefined }, reason),
  );
}
