'use client';

// The latest jobs of one kind (bulk imports, evaluations) with their status and progress; choosing
// one shows it on the page.
import type { JobKind } from '@faceledger/schema/client';
import { formatDateTime } from '../lib/format';
import { useJobs } from '../queries/jobs';

export function RecentJobs({
  kind,
  titleId,
  title,
  emptyText,
  noun,
  selectedId,
  onSelect,
}: {
  kind: JobKind;
  titleId: string;
  title: string;
  emptyText: string;
  /** What the job's items are, for "done/total <noun>". */
  noun: string;
  selectedId: string | null;
  onSelect: (jobId: string) => void;
}) {
  const recent = useJobs(kind);
  return (
    <section aria-labelledby={titleId} className="recent-jobs">
      <h2 id={titleId}>{title}</h2>
      {recent.error && (
        <p role="alert" className="error">
          {recent.error.message}
        </p>
      )}
      {recent.data && recent.data.length === 0 && <p className="muted">{emptyText}</p>}
      {recent.data && recent.data.length > 0 && (
        <ul className="job-list">
          {recent.data.map((job) => (
            <li key={job.id}>
              <button
                type="button"
                className="button button-quiet button-small"
                onClick={() => onSelect(job.id)}
                aria-pressed={job.id === selectedId}
              >
                {job.label}
              </button>{' '}
              <span className="muted small">
                {job.status.toLowerCase()}, {job.progress.done}/{job.progress.total} {noun},{' '}
                {formatDateTime(job.createdAt)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
