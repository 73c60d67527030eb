// Small display helpers shared by pages.

/** "30 days", "1 day", "none kept". */
export function formatRetention(days: number): string {
  if (days === 0) return 'none kept';
  return days === 1 ? '1 day' : `${days} days`;
}

/** A date and time in the reader's locale, from an ISO string. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}
