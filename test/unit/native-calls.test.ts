import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadReaperAddon } from '../../src/engine/child-reaper.js';
import { nativeCalls } from '../../src/features/native-calls.js';

describe('the native addon loader', () => {
  it('says which feature needs the addon, why it did not load and what to do, with a stable code', () => {
    const missing = loadReaperAddon('/nonexistent/taskmaster_reaper.node');
    assert.ok('error' in missing);
    assert.throws(() => nativeCalls('ready: notify', 'E_NOTIFY_UNAVAILABLE', ['bindDatagram'], missing), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'E_NOTIFY_UNAVAILABLE');
      assert.match(error.message, /^ready: notify needs the native addon: Cannot find module '\/nonexistent\/taskmaster_reaper\.node'.*; build it with npm rebuild/);
      return true;
    });
  });

  it('names the calls an addon built from an older source lacks', () => {
    const stale = { addon: { setChildSubreaper: () => true, reapPid: () => null } };
    assert.throws(() => nativeCalls('sockets', 'E_SOCKETS_UNAVAILABLE', ['listenTcp', 'closeFd'], stale), /^Error: sockets needs the native addon: the addon predates it \(no listenTcp, closeFd\): run npm rebuild$/);
  });

  it('hands back the built addon with every call the feature needs', () => {
    const calls = nativeCalls<{ listenTcp: unknown; listenUnix: unknown; bindDatagram: unknown }>('sockets', 'E_SOCKETS_UNAVAILABLE', ['listenTcp', 'listenUnix', 'bindDatagram']);
    assert.equal(typeof calls.listenTcp, 'function');
  });
});
