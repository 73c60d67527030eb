// A table in the scrolling frame every list uses: a caption for screen readers, column headers, and
// the rows the caller renders; and the small buttons of a row, named after it for screen readers.
import type { ReactNode } from 'react';

/** One column header; `label` is read aloud even when `hidden`. */
export interface DataColumn {
  label: string;
  className?: string;
  hidden?: boolean;
}

export function DataTable({
  caption,
  columns,
  className,
  children,
}: {
  caption: string;
  columns: readonly DataColumn[];
  className?: string;
  /** The body's rows. */
  children: ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table className={className}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.label} scope="col" className={column.className}>
                {column.hidden ? <span className="visually-hidden">{column.label}</span> : column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** A small button of a table row; `about` (read aloud only) says which row, e.g. "Delete" + " https://…". */
export function RowButton({
  label,
  about,
  danger = false,
  onClick,
}: {
  label: string;
  about: string;
  danger?: boolean;
  onClick: () => void;
}) {
  return (
    <button
      type="button"
      className={danger ? 'button button-quiet button-small danger-text' : 'button button-quiet button-small'}
      onClick={onClick}
    >
      {label}
      <span className="visually-hidden"> {about}</span>
    </button>
  );
}
