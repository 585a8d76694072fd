import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cronToCalendar } from '../../src/export/cron-to-calendar.js';
import { execLine, environmentAssignment } from '../../src/export/systemd-quote.js';

describe('cronToCalendar', () => {
  it('writes five-field expressions as OnCalendar=', () => {
    assert.deepEqual(cronToCalendar('0 2 * * *'), { ok: true, calendar: '*-*-* 02:00:00' });
    assert.deepEqual(cronToCalendar('*/15 2-4 * * 1-5', 'Europe/Paris'), { ok: true, calendar: 'Mon..Fri *-*-* 02..04:00/15:00 Europe/Paris' });
    assert.deepEqual(cronToCalendar('30 6 1,15 jan *'), { ok: true, calendar: '*-01-01,15 06:30:00' });
    assert.deepEqual(cronToCalendar('0 0 * * 0,7'), { ok: true, calendar: 'Sun *-*-* 00:00:00' });
  });

  it('takes seconds first in six fields, and the nicknames', () => {
    assert.deepEqual(cronToCalendar('*/5 * * * * *'), { ok: true, calendar: '*-*-* *:*:00/5' });
    assert.deepEqual(cronToCalendar('@hourly'), { ok: true, calendar: '*-*-* *:00:00' });
    assert.deepEqual(cronToCalendar('@weekly'), { ok: true, calendar: 'Sun *-*-* 00:00:00' });
  });

  it('says why an expression has no OnCalendar form', () => {
    const cases = ['0 0 1 * 1', '0 0 L * *', '0 0 * * 1#2', '0 1-5/2 * * *', '@reboot', '0 0 *', '61 * * * *'];
    for (const expression of cases) {
      const result = cronToCalendar(expression);
      assert.equal(result.ok, false, expression);
      assert.ok(!result.ok && result.reason.length > 0);
    }
    assert.match((cronToCalendar('0 0 1 * 1') as { reason: string }).reason, /day of month OR day of week/);
  });
});

describe('systemd quoting', () => {
  it('keeps an argv exact: quotes, escapes, doubles $ and %, and escapes a lone semicolon', () => {
    assert.equal(execLine(['/bin/echo', 'plain', 'two words', '', 'a"b\\c', '$HOME', '50%', ';']), '/bin/echo plain "two words" "" "a\\"b\\\\c" "$$HOME" "50%%" \\;');
    assert.equal(execLine(['-weird', '-x']), '"-weird" -x');
  });

  it('writes Environment= without doubling $, which it does not expand', () => {
    assert.equal(environmentAssignment('A', 'x "y" $HOME 5%'), '"A=x \\"y\\" $HOME 5%%"');
  });
});
