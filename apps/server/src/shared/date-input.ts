// Dates in requests: ISO-8601 with an offset, and within the years both databases store
// (PostgreSQL's timestamptz has no year 0, and JavaScript writes years past 9999 as +010000).

/** Whether `date` is a real time the database can store: years 1 to 9999. */
export function isStorableDate(date: Date): boolean {
  const year = date.getUTCFullYear();
  return !Number.isNaN(date.getTime()) && year >= 1 && year <= 9999;
}

/** What every refused date is told: the form and the range. */
export function dateInputMessage(field: string): string {
  return `${field} must be an ISO-8601 date and time between the years 0001 and 9999, such as 2026-01-31T09:00:00Z.`;
}

/** `text` as a Date when it is an ISO-8601 time the database can store, else null. */
export function parseStorableDate(text: string): Date | null {
  const date = new Date(text);
  return isStorableDate(date) ? date : null;
}
