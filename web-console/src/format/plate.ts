import { describePlate } from "@vigil/contracts";

/**
 * A plate as operators read it: display form and province, e.g. "51F-123.45 · TP. Hồ Chí Minh".
 * The shared plate module does the work; when it can't place the plate (unknown province, odd
 * OCR), the display form the server sent is shown as is rather than nothing.
 */
export function plateWithProvince(display: string | undefined, key?: string): string {
  const text = display || key || "";
  if (!text) return "—";
  try {
    return describePlate(text) || text;
  } catch {
    return text;
  }
}
