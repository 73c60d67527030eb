// A "<type>:<uuid>" reference (actor, subject, requester) shortened to "user:7e6d1686…", with the
// full reference as its title and for screen readers.

/** "user:7e6d1686…" for "user:<uuid>"; other references as they are. */
export function shortRef(ref: string): string {
  const match = /^([a-zA-Z]+):([0-9a-f]{8})-[0-9a-f-]{27}$/.exec(ref);
  return match ? `${match[1]}:${match[2]}…` : ref;
}

export function RefCode({ value }: { value: string }) {
  const short = shortRef(value);
  if (short === value) return <code>{value}</code>;
  return (
    <code title={value}>
      <span aria-hidden="true">{short}</span>
      <span className="visually-hidden">{value}</span>
    </code>
  );
}
