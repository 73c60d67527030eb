/** True when `value` is a UUID in its canonical text form. */
export declare function isUuid(value: string): boolean;
