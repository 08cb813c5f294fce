import { Kind, type DocumentNode, type OperationDefinitionNode, type ValueNode } from 'graphql';

/**
 * Characters a PostgreSQL text (or jsonb) value cannot hold: NUL, and UTF-16 surrogates
 * without their pair (they have no UTF-8 form, so the driver would store U+FFFD instead).
 */
// eslint-disable-next-line no-control-regex -- NUL is the character this looks for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

interface UnstorableString {
  /** The argument path: `name`, `input.tags[2]`, `config.params.note`. */
  field: string;
  message: string;
}

const found = (field: string): UnstorableString => ({
  field,
  message: `${field} contains a character that cannot be stored (NUL or an unpaired surrogate)`,
});

const join = (base: string, key: string | number) =>
  typeof key === 'number' ? `${base}[${key}]` : base ? `${base}.${key}` : key;

/** The first bad string (or object key) in a JSON value, by path under `base`. */
function inJson(value: unknown, base: string): UnstorableString | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? found(base) : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = inJson(value[i], join(base, i));
      if (bad) return bad;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (UNSTORABLE.test(key)) return found(base);
      const bad = inJson(item, join(base, key));
      if (bad) return bad;
    }
  }
  return null;
}

/**
 * The first string in an operation's arguments (literals, and the variables they use, however
 * nested in input objects and lists) that PostgreSQL could not store, named by argument path;
 * a variable is named where the operation passes it. Runs before any resolver.
 */
export function unstorableString(
  document: DocumentNode,
  operation: OperationDefinitionNode | null | undefined,
  variables: Record<string, unknown>,
): UnstorableString | null {
  /** Where each variable is first passed, as an argument path. */
  const usedAt = new Map<string, string>();
  let bad: UnstorableString | null = null;
  const walk = (node: ValueNode, path: string): void => {
    if (bad) return;
    switch (node.kind) {
      case Kind.STRING:
        if (UNSTORABLE.test(node.value)) bad = found(path);
        return;
      case Kind.LIST:
        node.values.forEach((item, i) => walk(item, join(path, i)));
        return;
      case Kind.OBJECT:
        for (const f of node.fields) walk(f.value, join(path, f.name.value));
        return;
      case Kind.VARIABLE:
        if (!usedAt.has(node.name.value)) usedAt.set(node.name.value, path);
        return;
      default:
        return;
    }
  };
  // Arguments anywhere: fields, directives, fragments (the whole document, as execution may reach any of it).
  const visitArguments = (node: unknown): void => {
    if (bad || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visitArguments);
    const record = node as { kind?: string; name?: { value: string }; value?: ValueNode };
    if (record.kind === Kind.ARGUMENT && record.name && record.value) {
      walk(record.value, record.name.value);
      return;
    }
    for (const [key, child] of Object.entries(record)) if (key !== 'loc') visitArguments(child);
  };
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION && definition !== operation) continue;
    visitArguments(definition);
  }
  if (bad) return bad;
  for (const definition of operation?.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (variables[name] === undefined && definition.defaultValue) {
      walk(definition.defaultValue, usedAt.get(name) ?? `$${name}`);
      if (bad) return bad;
    }
    const fromVariable = inJson(variables[name], usedAt.get(name) ?? `$${name}`);
    if (fromVariable) return fromVariable;
  }
  return null;
}
