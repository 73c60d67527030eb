'use client';

// Bulk import: a CSV (externalId, name, photo: one file name or several separated by ;) and the photos (several files or one zip) into a
// gallery, run as a background job: a progress bar polled every second, the result of every row,
// and the error report as CSV.
import { useSearchParams } from 'next/navigation';
import { Suspense, useState } from 'react';
import { Field } from '../../components/field';
import { JobProgress } from '../../components/job-progress';
import { JobUploadForm } from '../../components/job-upload-form';
import { RecentJobs } from '../../components/recent-jobs';
import { useImportJob, useStartImport } from '../../queries/jobs';

const PAGE_SIZE = 50;

const OUTCOME_CLASS: Record<string, string> = {
  ENROLLED: 'badge-ok',
  PARTIALLY_ENROLLED: 'badge-warn',
  DUPLICATE: 'badge-warn',
  LIKELY_SAME_AS: 'badge-warn',
  MISSING_PHOTO: 'badge-bad',
  INVALID_ROW: 'badge-bad',
};

function outcomeLabel(outcome: string): string {
  return outcome.toLowerCase().replaceAll('_', ' ');
}

function ImportResults({ jobId }: { jobId: string }) {
  const [onlyProblems, setOnlyProblems] = useState(false);
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const after = cursors.at(-1) ?? null;
  const { data: job, error, isPending } = useImportJob(jobId, { first: PAGE_SIZE, after, onlyProblems });

  if (isPending) return <p role="status">Loading the import…</p>;
  if (error)
    return (
      <p role="alert" className="error">
        {error.message}
      </p>
    );
  const items = job.items;
  return (
    <section aria-labelledby="import-job-title" className="panel job-panel">
      <h2 id="import-job-title">Import</h2>
      <JobProgress job={job} noun="rows" />
      {job.importSummary && job.importSummary.length > 0 && (
        <ul className="badges outcome-summary" aria-label="Rows per outcome">
          {job.importSummary.map((s) => (
            <li key={s.outcome} className={`badge ${OUTCOME_CLASS[s.outcome] ?? 'badge-muted'}`}>
              {outcomeLabel(s.outcome)}: {s.count}
            </li>
          ))}
        </ul>
      )}
      <div className="actions">
        <label className="field-check">
          <input
            type="checkbox"
            checked={onlyProblems}
            onChange={(e) => {
              setOnlyProblems(e.target.checked);
              setCursors([null]);
            }}
          />
          Only rows that were not enrolled
        </label>
        {job.errorReportUrl && (
          <a className="button button-quiet button-small" href={job.errorReportUrl} download>
            Download error report (CSV)
          </a>
        )}
      </div>
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">Result of each CSV row</caption>
          <thead>
            <tr>
              <th scope="col" className="num">
                Line
              </th>
              <th scope="col">External ID</th>
              <th scope="col">Name</th>
              <th scope="col">Photo</th>
              <th scope="col">Result</th>
              <th scope="col">Message</th>
            </tr>
          </thead>
          <tbody>
            {items.edges.map(({ node }) => (
              <tr key={node.index}>
                <td className="num">{node.line ?? node.index + 2}</td>
                <td>
                  <code>{node.externalId}</code>
                </td>
                <td>
                  {node.identityId ? <a href={`/identities/${node.identityId}`}>{node.name}</a> : node.name}
                </td>
                <td className="import-photo">{node.photo}</td>
                <td>
                  {node.outcome ? (
                    <span className={`badge ${OUTCOME_CLASS[node.outcome] ?? 'badge-warn'}`}>
                      {outcomeLabel(node.outcome)}
                    </span>
                  ) : (
                    <span className="badge badge-muted">pending</span>
                  )}
                </td>
                <td className="small">{node.message}</td>
              </tr>
            ))}
            {items.edges.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  {onlyProblems ? 'No problems so far.' : 'No rows.'}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <div className="pager">
        <span className="muted small">{items.totalCount} rows</span>
        <div className="actions">
          <button
            type="button"
            className="button button-quiet button-small"
            disabled={cursors.length <= 1}
            onClick={() => setCursors((c) => c.slice(0, -1))}
          >
            Previous
          </button>
          <button
            type="button"
            className="button button-quiet button-small"
            disabled={!items.pageInfo.hasNextPage}
            onClick={() => setCursors((c) => [...c, items.pageInfo.endCursor])}
          >
            Next
          </button>
        </div>
      </div>
    </section>
  );
}

function ImportForm() {
  const galleryId = useSearchParams().get('gallery') ?? '';
  const start = useStartImport();
  const [jobId, setJobId] = useState<string | null>(null);
  const [started, setStarted] = useState<string | null>(null);

  function submit(form: FormData) {
    start.mutate(form, {
      onSuccess: (result) => {
        setJobId(result.jobId);
        setStarted(
          `Import started: ${result.rows} rows, ${result.photos} photos${result.missingPhotos ? `, ${result.missingPhotos} ${result.missingPhotos === 1 ? 'photo' : 'photos'} named but not uploaded` : ''}.`,
        );
      },
    });
  }

  return (
    <section aria-labelledby="imports-title">
      <div className="page-head">
        <h1 id="imports-title">Bulk import</h1>
      </div>
      <p className="muted">
        A CSV with the columns <code>externalId</code>, <code>name</code> and <code>photo</code> (the
        photo&apos;s file name, or several separated by <code>;</code>, such as{' '}
        <code>ann-1.jpg;ann-2.jpg;ann-3.jpg</code>), and the photos as files or one zip. People are created or
        found by their external ID (the <code>externalId</code> column) and each photo enrolled; 3 good photos per person are recommended. The import keeps
        going across server restarts.
      </p>
      <JobUploadForm
        idPrefix="import"
        galleryLabel="Gallery"
        initialGalleryId={galleryId}
        optionalFiles={['archive', 'photos']}
        submitLabel="Start import"
        upload={start}
        started={started}
        describedBy="import-help"
        onSubmit={submit}
      >
        <Field id="import-csv" label="CSV file" hint="UTF-8, comma-separated, with a header line.">
          <input
            id="import-csv"
            name="csv"
            type="file"
            accept=".csv,text/csv"
            required
            aria-describedby="import-csv-hint"
          />
        </Field>
        <Field
          id="import-photos"
          label="Photo files"
          hint="Select several JPEG or PNG files, or give one zip below."
        >
          <input
            id="import-photos"
            name="photos"
            type="file"
            accept="image/*"
            multiple
            aria-describedby="import-photos-hint"
          />
        </Field>
        <Field
          id="import-archive"
          label="Zip of all photos"
          hint="Folders inside the zip are ignored; file names must match the CSV."
        >
          <input
            id="import-archive"
            name="archive"
            type="file"
            accept=".zip,application/zip"
            aria-describedby="import-archive-hint"
          />
        </Field>
        <div className="field field-check">
          <input
            id="import-largest-face"
            name="largestFaceIfClear"
            type="checkbox"
            value="true"
            aria-describedby="import-largest-face-hint"
          />
          <label htmlFor="import-largest-face">Enroll the largest face when a photo shows bystanders</label>
          <p id="import-largest-face-hint" className="hint">
            Only when that face is at least twice the size of the next; photos of two people of similar size are
            still refused.
          </p>
        </div>
        <p id="import-help" className="hint">
          Rows with a photo that cannot be enrolled (no face, low quality, duplicate, missing photo) are listed
          with the photo and the reason, and in the error report.
        </p>
      </JobUploadForm>

      {jobId && <ImportResults key={jobId} jobId={jobId} />}

      <RecentJobs
        kind="BULK_IMPORT"
        titleId="recent-imports-title"
        title="Recent imports"
        emptyText="No imports yet."
        noun="rows"
        selectedId={jobId}
        onSelect={setJobId}
      />
    </section>
  );
}

export default function ImportsPage() {
  return (
    <Suspense fallback={<p role="status">Loading…</p>}>
      <ImportForm />
    </Suspense>
  );
}
