import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('Helm chart, alerts, dashboard and Dockerfile', () => {
  it('pass scripts/chart-check.sh (lint, template, unittest, kubeconform, promtool, metric names, hadolint)', () => {
    const run = spawnSync('bash', ['scripts/chart-check.sh'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 300_000,
      env: { ...process.env, NO_COLOR: '1' },
    });
    const output = `${run.stdout ?? ''}${run.stderr ?? ''}`;
    if (run.error) throw new Error(`could not run scripts/chart-check.sh: ${run.error.message}\n${output}`);
    if (run.status === 2 && output.includes('missing tools')) {
      // CI runs scripts/install-tools.sh before the tests; locally, run it once.
      throw new Error(`chart tools are not installed: ${output.trim()}`);
    }
    expect(run.status, output).toBe(0);
    expect(output).toMatch(/chart-check: 7 passed, 0 failed/);
  }, 320_000);
});
