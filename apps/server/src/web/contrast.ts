/** WCAG 2.1 colour contrast, used to turn a tenant's branding colours into accessible ones. */

export type Hex = `#${string}`;

function channels(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`Not a #rrggbb colour: ${hex}`);
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}

function toHex(rgb: number[]): Hex {
  return `#${rgb
    .map((c) =>
      Math.round(Math.min(255, Math.max(0, c)))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

/** Relative luminance as defined by WCAG 2.1. */
export function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * The colour itself when it reaches `min` against `background`, otherwise the same hue mixed
 * towards black (or white, on a dark background) just far enough. Tenants keep their identity;
 * citizens keep legible text.
 */
export function ensureContrast(color: string, background: string, min: number): Hex {
  if (contrastRatio(color, background) >= min) return color.toLowerCase() as Hex;
  const target = luminance(background) > 0.18 ? [0, 0, 0] : [255, 255, 255];
  const rgb = channels(color);
  for (let step = 1; step <= 20; step += 1) {
    const mixed = toHex(rgb.map((c, i) => c + ((target[i] - c) * step) / 20));
    if (contrastRatio(mixed, background) >= min) return mixed;
  }
  return toHex(target);
}

/** Black or white, whichever reads better on `background`. */
export function textOn(background: string): Hex {
  return contrastRatio('#ffffff', background) >= contrastRatio('#000000', background) ? '#ffffff' : '#000000';
}

export interface AccessiblePalette {
  /** Header and button background; `onPrimary` (black or white) on it reaches 4.5:1. */
  primary: Hex;
  onPrimary: Hex;
  /** Links and focus rings on the white page (4.5:1, so also ≥ 3:1 for non-text). */
  link: Hex;
  /** Decorative stripe under the header; only used where it reaches 3:1 against the header. */
  accent: Hex;
  /** Focus ring inside the header (≥ 3:1 against the header background). */
  focusOnPrimary: Hex;
}

const PAGE = '#ffffff';

export function accessiblePalette(primaryColor: string, accentColor: string): AccessiblePalette {
  // Every colour reaches at least 4.58:1 against black or white, so the header keeps the tenant's colour.
  const primary = primaryColor.toLowerCase() as Hex;
  const onPrimary = textOn(primary);
  const link = ensureContrast(primaryColor, PAGE, 4.5);
  const accent = contrastRatio(accentColor, primary) >= 3 ? (accentColor.toLowerCase() as Hex) : onPrimary;
  return { primary, onPrimary, link, accent, focusOnPrimary: accent };
}
