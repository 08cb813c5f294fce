import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { loadCliConfig } from '../config';
import { engineApiKey, parseSpeed, parseSymbols } from './replay.command';
import { CliInputError } from './price-file';

describe('tradeplane replay options', () => {
  it('reads --speed as max or a multiple of real time', () => {
    expect(parseSpeed('max')).toBe('max');
    expect(parseSpeed('500x')).toBe(500);
    expect(parseSpeed('2.5')).toBe(2.5);
    for (const bad of ['0x', '-3x', 'fast', '1e400x', ''])
      expect(() => parseSpeed(bad)).toThrow(InvalidArgumentError);
  });

  it('reads --symbols with the one symbol rule: upper-cased, no repeats, at most 50', () => {
    expect(parseSymbols('aapl, MSFT,brk.b')).toEqual(['AAPL', 'MSFT', 'BRK.B']);
    expect(() => parseSymbols('AAPL,aapl')).toThrow(/listed twice/);
    expect(() => parseSymbols('AAPL,;DROP')).toThrow(/';DROP' must match/);
    expect(() => parseSymbols('AAPL,,MSFT')).toThrow(/'' must match/);
    expect(() => parseSymbols(Array.from({ length: 51 }, (_, i) => `S${i}`).join(','))).toThrow(/at most 50/);
  });

  it('takes the engine key from ENGINE_API_KEY, else from the file npm start wrote, else says how to get one', () => {
    expect(engineApiKey(loadCliConfig({ ENGINE_API_KEY: 'tp_from_env' }).replay)).toBe('tp_from_env');
    const stack = mkdtempSync(path.join(tmpdir(), 'tp-replay-key-'));
    mkdirSync(path.join(stack, 'app'));
    writeFileSync(path.join(stack, 'app', 'engine-api-key'), 'tp_from_file\n');
    expect(engineApiKey(loadCliConfig({ TP_STACK_DIR: stack }).replay)).toBe('tp_from_file');
    const empty = mkdtempSync(path.join(tmpdir(), 'tp-replay-none-'));
    expect(() => engineApiKey(loadCliConfig({ TP_STACK_DIR: empty }).replay)).toThrow(CliInputError);
    expect(() => engineApiKey(loadCliConfig({ TP_STACK_DIR: empty }).replay)).toThrow(/ENGINE_API_KEY/);
  });
});
