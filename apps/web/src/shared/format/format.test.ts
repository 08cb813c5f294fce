import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration } from './format';

describe('formatDuration', () => {
  it('keeps two units at most, the smaller one padded', () => {
    expect(formatDuration(42.9)).toBe('42s');
    expect(formatDuration(185)).toBe('3m 05s');
    expect(formatDuration(2 * 3600 + 14 * 60 + 59)).toBe('2h 14m');
    expect(formatDuration(3 * 86_400 + 4 * 3600 + 1)).toBe('3d 4h');
  });

  it('shows a dash for no, negative or non-finite durations', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(-1)).toBe('—');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('—');
  });
});

describe('formatBytes', () => {
  it('uses binary units with one decimal below ten', () => {
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(2867)).toBe('2.8 KiB');
    expect(formatBytes(1.5 * 1024 * 1024)).toBe('1.5 MiB');
    expect(formatBytes(300 * 1024 ** 3)).toBe('300 GiB');
  });
});
