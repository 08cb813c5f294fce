/**
 * The register form's signature text: the JSON the gateway stores as the version's ONNX
 * signature ({inputs, outputs} of named, typed tensors; null for a dynamic dimension). Checked
 * here so a typo is named before the request, the gateway checks it again.
 */

export const DEFAULT_SIGNATURE = `{
  "inputs": [{ "name": "features", "type": "float32", "shape": [null, null] }],
  "outputs": [{ "name": "score", "type": "float32", "shape": [null, 1] }]
}`;

export type SignatureCheck = { ok: true; value: unknown } | { ok: false; error: string };

function checkTensors(list: unknown, where: 'inputs' | 'outputs'): string | null {
  if (!Array.isArray(list) || list.length === 0) return `${where} must be a non-empty array`;
  for (let i = 0; i < list.length; i++) {
    const t = list[i] as { name?: unknown; type?: unknown; shape?: unknown } | null;
    const at = `${where}[${i}]`;
    if (typeof t !== 'object' || t === null) return `${at} must be an object`;
    if (typeof t.name !== 'string' || t.name.trim() === '') return `${at}.name must be a non-empty string`;
    if (typeof t.type !== 'string' || t.type.trim() === '') return `${at}.type must be a non-empty string`;
    if (
      !Array.isArray(t.shape) ||
      !t.shape.every((d) => d === null || (Number.isInteger(d) && (d as number) >= -1))
    ) {
      return `${at}.shape must be an array of integers (null or -1 for a dynamic dimension)`;
    }
  }
  return null;
}

export function checkSignature(text: string): SignatureCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `not valid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'must be an object with inputs and outputs' };
  }
  const v = value as { inputs?: unknown; outputs?: unknown };
  const error = checkTensors(v.inputs, 'inputs') ?? checkTensors(v.outputs, 'outputs');
  return error ? { ok: false, error } : { ok: true, value };
}
