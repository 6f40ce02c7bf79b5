// The "Cancel job" button of a running job (Job.cancel: POST /inventory/v1/job/cancel). The job
// ends CANCELED: its pending tasks too, its running tasks stop streaming and keep what they wrote.
// Cancelling is idempotent on the server, so a second click or a job that ended meanwhile is harmless.
import { api } from '../api.js';
import { errorAlert } from '../components.js';
import { h } from '../dom.js';

/**
 * The control for a job, or null when it is not running. compact: the button alone (its errors shown
 * below it), for table rows. onCanceled(job) runs with the server's answer (the job as it now is).
 */
export function cancelJobControl(job, { compact = false, onCanceled = () => undefined } = {}) {
  if (job.status !== 'IN_PROGRESS') return null;
  const problem = h('span', {});
  const button = h(
    'button',
    { type: 'button', class: 'danger', dataset: { action: 'job-cancel' } },
    h('span', {}, 'Cancel job'),
    compact ? h('span', { class: 'visually-hidden' }, ` ${job.job_id}`) : null,
  );
  button.addEventListener('click', async () => {
    button.disabled = true;
    button.firstChild.textContent = 'Cancelling…';
    problem.replaceChildren();
    try {
      const canceled = await api.jobs.cancel({ job_id: job.job_id });
      onCanceled(canceled);
    } catch (error) {
      button.disabled = false;
      button.firstChild.textContent = 'Cancel job';
      problem.replaceChildren(errorAlert(error, { title: 'The job could not be canceled' }));
    }
  });
  return h('span', { class: compact ? 'inline' : 'inline job-cancel' }, button, problem);
}
