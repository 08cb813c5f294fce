import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { readJsonBody, refusedInJson } from './json-body';
import { ParameterError } from './params';

const refused = (text: string) => {
  JSON.parse(text); // the scan runs on text JSON.parse has accepted
  const err = refusedInJson(text);
  return err && { field: err.field, message: err.message };
};

const request = (body: string, contentType?: string) =>
  Object.assign(Readable.from([Buffer.from(body)]), {
    headers: contentType === undefined ? {} : { 'content-type': contentType },
  }) as unknown as IncomingMessage;

const rejection = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return err instanceof ParameterError ? { field: err.field, code: err.code } : err;
  }
  return null;
};

describe('refusedInJson', () => {
  it('passes ordinary bodies, escapes that are not control characters included', () => {
    expect(
      refused('{"symbols":["SPY","AAPL"],"timeframe":"1d","portfolio":{"SPY":0.1,"AAPL":-0.2}}'),
    ).toBeNull();
    expect(
      refused('{"a":"say \\"hi\\" \\\\ \\/ \\u00e9 \\u0041","b":[{"a":1},{"a":2}],"c":{"a":{"a":1}}}'),
    ).toBeNull();
    expect(refused('[1,"x",{"k":null}]')).toBeNull();
    expect(refused('"text"')).toBeNull();
    expect(refused('{}')).toBeNull();
  });

  it('names a key given twice, escaped spellings of one key included', () => {
    expect(refused('{"timeframe":"1d","timeframe":"1h"}')).toMatchObject({ field: 'timeframe' });
    expect(refused('{"portfolio":{"SPY":0.1,"AAPL":0,"SPY":0.3}}')).toMatchObject({ field: 'portfolio.SPY' });
    expect(refused('{"orders":[{"symbol":"A"},{"symbol":"B","symbol":"C"}]}')).toMatchObject({
      field: 'orders[1].symbol',
    });
    expect(refused('{"a":1,"\\u0061":2}')).toMatchObject({ field: 'a' });
    // The same key in sibling objects is not a duplicate.
    expect(refused('{"x":{"k":1},"y":{"k":1}}')).toBeNull();
  });

  it('names prototype keys instead of dropping them', () => {
    expect(refused('{"portfolio":{"__proto__":{"SPY":1}}}')).toMatchObject({ field: 'portfolio.__proto__' });
    expect(refused('{"constructor":1}')).toMatchObject({ field: 'constructor' });
    expect(refused('{"orders":[{"prototype":1}]}')).toMatchObject({ field: 'orders[0].prototype' });
  });

  it('names a string field with a control character', () => {
    expect(refused('{"symbol":"SP\\u0000Y"}')).toMatchObject({ field: 'symbol' });
    expect(refused('{"requestKey":"a\\nb"}')).toMatchObject({ field: 'requestKey' });
    expect(refused('{"symbols":["SPY","A\\u001fB"]}')).toMatchObject({ field: 'symbols[1]' });
    expect(refused('{"x":"\\u007F"}')).toMatchObject({ field: 'x' });
    expect(refused('{"x":"raw \u007f"}')).toMatchObject({ field: 'x' });
    expect(refused('{"portfolio":{"S\\u0000":1}}')).toMatchObject({ field: 'portfolio.S\u0000' });
    expect(refused('"\\t"')).toMatchObject({ field: 'body' });
  });
});

describe('readJsonBody', () => {
  it('reads a body declared application/json, with parameters and in any case', async () => {
    expect(await readJsonBody(request('{"a":1}', 'application/json'), 100)).toEqual({ a: 1 });
    expect(await readJsonBody(request('{"a":1}', 'Application/JSON; charset=utf-8'), 100)).toEqual({ a: 1 });
  });

  it('answers 415 on content-type for any other media type or none', async () => {
    for (const type of [undefined, 'text/plain', 'application/jsonx', 'application/x-www-form-urlencoded'])
      expect(await rejection(readJsonBody(request('{"a":1}', type), 100)), String(type)).toEqual({
        field: 'content-type',
        code: 'UNSUPPORTED_MEDIA_TYPE',
      });
  });

  it('refuses malformed, oversized and refused JSON naming the field', async () => {
    expect(await rejection(readJsonBody(request('{"a":', 'application/json'), 100))).toMatchObject({
      field: 'body',
    });
    expect(
      await rejection(readJsonBody(request(`"${'x'.repeat(200)}"`, 'application/json'), 100)),
    ).toMatchObject({
      field: 'body',
    });
    expect(await rejection(readJsonBody(request('{"a":1,"a":2}', 'application/json'), 100))).toEqual({
      field: 'a',
      code: 'INVALID_PARAMETER',
    });
  });
});
