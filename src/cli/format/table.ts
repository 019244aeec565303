/**
 * Aligned text tables for terminals. Pure: a layout is computed once from the column specs and
 * the terminal width, so long listings can be printed row by row as they are read.
 */

export interface ColumnSpec {
  header: string;
  /** @defaultValue 'left' */
  align?: 'left' | 'right';
  /** Width the column needs (its longest cell); the header always fits. */
  width: number;
  /** Takes the space left on the line (at most one column; the last one that says so wins). */
  flex?: boolean;
  /** Narrowest the flexible column may get before the line simply overflows. @defaultValue 10 */
  minWidth?: number;
}

export interface TableLayout {
  columns: readonly { header: string; align: 'left' | 'right'; width: number }[];
  gap: string;
}

const ELLIPSIS = '…';

/** Columns a string takes in a terminal: wide East Asian characters and emoji count two, combining marks none. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += charWidth(ch.codePointAt(0)!);
  return width;
}

function charWidth(cp: number): number {
  if (cp === 0 || (cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** Cuts a single-line text to `width` columns, ending with `…` when something was cut. */
export function truncate(text: string, width: number): string {
  const flat = text.replace(/\s*[\r\n]+\s*/g, ' ');
  if (displayWidth(flat) <= width) return flat;
  if (width <= 0) return '';
  let out = '';
  let used = 0;
  for (const ch of flat) {
    const w = charWidth(ch.codePointAt(0)!);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return out.replace(/\s+$/, '') + ELLIPSIS;
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}

/**
 * Fixes each column's width: every column gets what it needs, the flexible one gets what is left
 * of `totalWidth` (no less than its minimum, no more than it needs).
 */
export function layoutColumns(specs: readonly ColumnSpec[], totalWidth: number, gap = '  '): TableLayout {
  const widths = specs.map((s) => Math.max(s.width, displayWidth(s.header)));
  const flexIndex = specs.map((s) => s.flex === true).lastIndexOf(true);
  if (flexIndex >= 0) {
    const fixed = widths.reduce((sum, w, i) => (i === flexIndex ? sum : sum + w), 0) + gap.length * (specs.length - 1);
    const min = Math.max(displayWidth(specs[flexIndex]!.header), specs[flexIndex]!.minWidth ?? 10);
    widths[flexIndex] = Math.min(widths[flexIndex]!, Math.max(min, totalWidth - fixed));
  }
  return {
    gap,
    columns: specs.map((s, i) => ({ header: s.header, align: s.align ?? 'left', width: widths[i]! })),
  };
}

/** One row, every cell cut or padded to its column; trailing spaces dropped. */
export function formatRow(layout: TableLayout, cells: readonly string[]): string {
  return layout.columns
    .map((c, i) => pad(truncate(cells[i] ?? '', c.width), c.width, c.align))
    .join(layout.gap)
    .replace(/\s+$/, '');
}

export function formatHeader(layout: TableLayout): string {
  return formatRow(layout, layout.columns.map((c) => c.header));
}

/** A whole table from rows in memory: widths from the cells, the flexible column fitted to `totalWidth`. */
export function renderTable(
  specs: readonly Omit<ColumnSpec, 'width'>[],
  rows: readonly (readonly string[])[],
  totalWidth: number,
): string[] {
  const sized = specs.map((s, i) => ({ ...s, width: rows.reduce((m, r) => Math.max(m, displayWidth(r[i] ?? '')), 0) }));
  const layout = layoutColumns(sized, totalWidth);
  return [formatHeader(layout), ...rows.map((r) => formatRow(layout, r))];
}
