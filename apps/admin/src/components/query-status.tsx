// What a list shows before its data: a loading line while the first answer is awaited, then the
// API's message if the request failed.

export function QueryStatus({
  query: { isPending, error },
  loading,
}: {
  /** The react-query result the list reads. */
  query: { isPending: boolean; error: { message: string } | null };
  /** Said while loading, such as "Loading webhooks…". */
  loading: string;
}) {
  return (
    <>
      {isPending && <p role="status">{loading}</p>}
      {error && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
    </>
  );
}
