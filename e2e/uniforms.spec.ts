import { expect, test } from '@playwright/test';
import { callHarness, openHarness, watchErrors } from './helpers';

/** The structs the check covers: each kernel's parameters, the probe's grid, the layout exercise. */
const STRUCTS = [
  'AttentionParams',
  'BlockMaskParams',
  'PictureParams',
  'ProbeGrid',
  'LayoutExercise',
];

test('every uniform struct reads back on the GPU, field by field, as the host packed it', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openHarness(page);
  const { fields, errors: gpuErrors } = await callHarness(page, 'readBackUniformStructs');
  expect.soft(gpuErrors).toEqual([]);
  expect([...new Set(fields.map((f) => f.struct))]).toEqual(STRUCTS);
  for (const struct of STRUCTS) {
    const packed = fields.filter((f) => f.struct === struct).flatMap((f) => f.expected);
    // Distinct values, so that a field read at a neighbour's offset cannot match by chance.
    expect(new Set(packed).size, `${struct}: every packed word distinct`).toBe(packed.length);
    expect(packed).not.toContain(0);
  }
  for (const f of fields) {
    expect
      .soft(f.actual, `${f.struct}.${f.field} (${f.type} at byte ${f.offset})`)
      .toEqual(f.expected);
  }
  expect(errors).toEqual([]);
});
