/**
 * Terminal columns of a string, for the layout of yargs' help (cliui and
 * wrap-ansi call it). The CLI bundle aliases the `string-width` package to this
 * module (scripts/bundle-options.mjs): string-width creates an Intl.Segmenter
 * as soon as it is imported, which loads ICU segmentation data, about 50 ms of
 * every `scan` and `history` run whether or not help is shown.
 *
 * Without grapheme segmentation this counts code points: none for control
 * characters, combining marks and variation selectors, two for East Asian wide
 * and fullwidth ones (and the common emoji blocks), one otherwise. Help text is
 * ASCII, for which both agree.
 */

// SGR and other CSI sequences, and OSC sequences (hyperlinks) ended by BEL or ST.
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

/** [first, last] code points (inclusive) two columns wide. */
const WIDE: readonly [number, number][] = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f680, 0x1f6ff],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x3fffd],
];

function columns(cp: number): number {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (cp < 0x300) return 1;
  if (
    (cp >= 0x300 && cp <= 0x36f) || // combining diacritical marks
    (cp >= 0x200b && cp <= 0x200f) || // zero-width space, joiners, direction marks
    (cp >= 0xfe00 && cp <= 0xfe0f) || // variation selectors
    (cp >= 0x20d0 && cp <= 0x20ff) // combining marks for symbols
  )
    return 0;
  for (const [first, last] of WIDE) if (cp >= first && cp <= last) return 2;
  return 1;
}

export default function stringWidth(text: string): number {
  if (typeof text !== "string" || text.length === 0) return 0;
  let width = 0;
  for (const ch of text.replace(ANSI, "")) width += columns(ch.codePointAt(0) as number);
  return width;
}
