// The screen sizes the admin must be usable at (issue 5): a laptop and a phone.
export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

/** One of {@link VIEWPORTS}' names. */
export type ViewportName = keyof typeof VIEWPORTS;
