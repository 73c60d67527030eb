// The end of a form in a dialog: the API's error, then the submit button (its pending label while
// the request runs) and Cancel.

export function FormActions({
  mutation: { error, isPending },
  submitLabel,
  pendingLabel,
  onCancel,
}: {
  /** The request the form sends: Submit waits for it, its error is shown. */
  mutation: { error: { message: string } | null; isPending: boolean };
  submitLabel: string;
  pendingLabel: string;
  onCancel: () => void;
}) {
  return (
    <>
      {error && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button" disabled={isPending}>
          {isPending ? pendingLabel : submitLabel}
        </button>
        <button type="button" className="button button-quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </>
  );
}
