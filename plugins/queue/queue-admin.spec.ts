import { describe, expect, it } from '@jest/globals';
import { validateLocationConfig } from './queue.admin.js';

describe('queue location settings in the panel', () => {
  it('refuses overrides the settings schema refuses, with German field messages; empty keeps the tenant value', () => {
    expect(validateLocationConfig({ walkInPrefix: 't1', callCountMax: 0, recallPauseSeconds: -5 })).toEqual({
      walkInPrefix: expect.stringContaining('Großbuchstaben'),
      callCountMax: expect.any(String),
      recallPauseSeconds: expect.any(String),
    });
    expect(validateLocationConfig({ walkInPrefix: 'WA', callCountMax: 3, appointmentPrefix: null, callableMinutesBeforeStart: '' })).toEqual({});
  });
});
