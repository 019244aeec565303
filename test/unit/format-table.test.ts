import { describe, expect, it } from 'vitest';
import { displayWidth, formatHeader, formatRow, layoutColumns, renderTable, truncate } from '../../src/cli/format/table.js';

describe('displayWidth and truncate', () => {
  it('counts wide characters twice and combining marks not at all', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('東京')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('76.99°')).toBe(6);
  });
  it('cuts with an ellipsis only when needed, and flattens line breaks', () => {
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('exactly10!', 10)).toBe('exactly10!');
    expect(truncate('a longer title', 8)).toBe('a longe…');
    expect(truncate('東京東京', 5)).toBe('東京…');
    expect(truncate('two\nlines', 20)).toBe('two lines');
    expect(truncate('anything', 0)).toBe('');
  });
});

describe('layoutColumns', () => {
  const specs = [
    { header: 'TICKER', width: 12 },
    { header: 'N', width: 3, align: 'right' as const },
    { header: 'TITLE', width: 100, flex: true, minWidth: 10 },
  ];
  it('gives the flexible column what is left of the line', () => {
    const layout = layoutColumns(specs, 40);
    expect(layout.columns.map((c) => c.width)).toEqual([12, 3, 40 - 12 - 3 - 4]);
  });
  it('never makes the flexible column narrower than its minimum, nor wider than it needs', () => {
    expect(layoutColumns(specs, 20).columns[2]!.width).toBe(10);
    expect(layoutColumns([{ header: 'A', width: 2 }, { header: 'TITLE', width: 8, flex: true }], 200).columns[1]!.width).toBe(8);
  });
  it('widens a column to its header', () => {
    expect(layoutColumns([{ header: 'CATEGORY', width: 2 }], 80).columns[0]!.width).toBe(8);
  });
  it('pads, right-aligns, cuts and drops trailing spaces', () => {
    const layout = layoutColumns(specs, 40);
    expect(formatHeader(layout)).toBe('TICKER          N  TITLE');
    expect(formatRow(layout, ['KX-1', '7', 'A title that is far too long for the line'])).toBe('KX-1            7  A title that is far…');
    expect(formatRow(layout, ['KX-2', '123', ''])).toBe('KX-2          123');
  });
});

describe('renderTable', () => {
  it('sizes columns from the cells', () => {
    expect(renderTable([{ header: 'A' }, { header: 'COUNT', align: 'right' }], [['x', '1'], ['longer', '22']], 80)).toEqual([
      'A       COUNT',
      'x           1',
      'longer     22',
    ]);
  });
});
