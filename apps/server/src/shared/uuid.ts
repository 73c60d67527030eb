// Ids are UUIDs in the database; anything else cannot name a row, so lookups answer "not found"
// before PostgreSQL would reject the cast.

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` is a UUID in its canonical text form. */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}
