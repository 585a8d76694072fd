import assert from 'node:assert/strict';
import { ConfigError, formatIssue } from '../../src/config/config-error.js';

/** The issues a config is refused with, as the user reads them (file:line:col: key: message); fails when it is accepted. */
export function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.code, 'E_CONFIG_INVALID');
    return error.issues.map(formatIssue);
  }
  assert.fail('expected the config to be rejected');
}
