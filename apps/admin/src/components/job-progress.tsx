'use client';

// A background job's state: status badge, a progress bar (done / total) and, while it runs, Cancel.
import type { JobFieldsFragment } from '@faceledger/schema/client';
import { formatDateTime } from '../lib/format';
import { isActive, useCancelJob } from '../queries/jobs';

const STATUS_CLASS: Record<string, string> = {
  QUEUED: 'badge-muted',
  RUNNING: 'badge-role',
  SUCCEEDED: 'badge-ok',
  FAILED: 'badge-bad',
  CANCELLED: 'badge-warn',
};

export function JobProgress({ job, noun }: { job: JobFieldsFragment; noun: string }) {
  const cancel = useCancelJob();
  const percent = Math.round(job.progress.fraction * 100);
  return (
    <div className="job-progress">
      <div className="page-head">
        <p className="job-status">
          <span className={`badge ${STATUS_CLASS[job.status] ?? 'badge-muted'}`}>
            {job.status.toLowerCase()}
          </span>{' '}
          <strong>{job.label}</strong>{' '}
          <span className="muted small">
            started {formatDateTime(job.createdAt)}
            {job.attempts > 1 && `, resumed ${job.attempts - 1}×`}
          </span>
        </p>
        {isActive(job.status) && (
          <button
            type="button"
            className="button button-quiet button-small"
            onClick={() => cancel.mutate(job.id)}
            disabled={cancel.isPending}
          >
            Cancel
          </button>
        )}
      </div>
      <div
        className="progress-track"
        role="progressbar"
        aria-label={`${noun} done`}
        aria-valuemin={0}
        aria-valuemax={job.progress.total}
        aria-valuenow={job.progress.done}
        aria-valuetext={`${job.progress.done} of ${job.progress.total} ${noun} (${percent}%)`}
      >
        <div className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <p className="small" aria-live="polite">
        {job.progress.done} of {job.progress.total} {noun} ({percent}%)
      </p>
      {job.error && (
        <p
          role={job.status === 'FAILED' ? 'alert' : 'status'}
          className={job.status === 'FAILED' ? 'error' : 'muted'}
        >
          {job.error}
        </p>
      )}
      {cancel.error && (
        <p role="alert" className="error">
          {cancel.error.message}
        </p>
      )}
    </div>
  );
}
