/** decodeURIComponent that answers null instead of throwing on malformed percent-encoding (client input). */
export function safeDecode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}
