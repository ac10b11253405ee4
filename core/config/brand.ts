import * as z from "zod"; // a namespace import lets esbuild drop the parts of zod never used

/** WCAG's relative luminance of an `#rrggbb` colour. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/** Contrast ratio of an `#rrggbb` colour against white (1 to 21). */
export const contrastWithWhite = (hex: string) => 1.05 / (luminance(hex) + 0.05);

/**
 * The pages' brand colour (`BRAND_COLOR`, `#rrggbb`): the header, buttons and links. White text sits on it and it
 * sits on white, so a colour too light to read (under WCAG AA's 4.5:1) is refused at start rather than shipped.
 */
export const brandColor = z
  .string()
  .trim()
  .regex(/^#[0-9a-fA-F]{6}$/, "a colour as #rrggbb")
  .refine((hex) => contrastWithWhite(hex) >= 4.5, "too light: white text on it must reach a contrast of 4.5:1")
  .default("#1a4d8f");
