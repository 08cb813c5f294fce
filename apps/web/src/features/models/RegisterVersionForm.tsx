'use client';

import { useState, type FormEvent } from 'react';
import Link from 'next/link';
import { errorField, errorMessage, request } from '@/shared/graphql/client';
import { useQuery } from '@/shared/hooks/useGraphQL';
import { ErrorState } from '@/shared/ui/States';
import { MODEL_NAMES, REGISTER_MODEL_VERSION } from './operations';
import { checkSignature, DEFAULT_SIGNATURE } from './signature';
import styles from './models.module.css';

type Field = 'modelName' | 'artifactPath' | 'description' | 'signature';
type Errors = Partial<Record<Field, string>>;

/** As the gateway checks it: no `@`, which separates name and version in `name@v3`. */
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** The form field a gateway `extensions.field` (`input.modelName`, `artifactPath`, …) names, if any. */
function fieldOf(path: string | undefined): Field | null {
  const last = path?.split('.').at(-1);
  return last === 'modelName' || last === 'artifactPath' || last === 'description' || last === 'signature'
    ? last
    : null;
}

function preferredArtifact(paths: readonly string[]): string {
  return paths.find((p) => p.toLowerCase().endsWith('.onnx')) ?? paths[0] ?? '';
}

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return message ? (
    <span id={id} className={styles.fieldError} role="alert">
      {message}
    </span>
  ) : null;
}

/** Registers a new version of a model from one of the run's artifacts (quant, pm or admin). */
export function RegisterVersionForm(props: {
  runId: string;
  artifactPaths: readonly string[];
  onRegistered: () => void;
}) {
  const { runId, artifactPaths, onRegistered } = props;
  const names = useQuery(MODEL_NAMES, {});
  const [modelName, setModelName] = useState('');
  const [artifactPath, setArtifactPath] = useState(() => preferredArtifact(artifactPaths));
  const [description, setDescription] = useState('');
  const [signature, setSignature] = useState(DEFAULT_SIGNATURE);
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [registered, setRegistered] = useState<{ modelName: string; version: number; stage: string } | null>(
    null,
  );

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const name = modelName.trim();
    const next: Errors = {};
    if (!name) next.modelName = 'Name the model.';
    else if (!MODEL_NAME.test(name)) {
      next.modelName = '1 to 100 letters, digits, _ . - starting with a letter or digit.';
    }
    if (!artifactPath) next.artifactPath = 'Pick the artifact to register.';
    const sig = checkSignature(signature);
    if (!sig.ok) next.signature = `Signature ${sig.error}.`;
    setErrors(next);
    setFormError(null);
    if (Object.keys(next).length > 0 || !sig.ok) return;

    setBusy(true);
    setRegistered(null);
    try {
      const { registerModelVersion: v } = await request(REGISTER_MODEL_VERSION, {
        input: {
          modelName: name,
          runId,
          artifactPath,
          signature: sig.value,
          description: description.trim() || null,
        },
      });
      setRegistered({ modelName: v.modelName, version: v.version, stage: v.stage });
      names.reload();
      onRegistered();
    } catch (err) {
      // A BAD_USER_INPUT naming a field shows at that field; anything else (FORBIDDEN…) above the button.
      const field = fieldOf(errorField(err));
      if (field) setErrors({ [field]: errorMessage(err) });
      else setFormError(err);
    } finally {
      setBusy(false);
    }
  };

  const describedBy = (f: Field) => (errors[f] ? `register-${f}-error` : undefined);

  return (
    <form className={styles.form} onSubmit={submit} aria-label="Register model version" noValidate>
      <div className={styles.formRow}>
        <div className={styles.field}>
          <label className="field-label" htmlFor="register-modelName">
            Model name
          </label>
          <input
            id="register-modelName"
            className="input"
            list="register-model-names"
            value={modelName}
            onChange={(e) => setModelName(e.target.value)}
            aria-invalid={errors.modelName ? true : undefined}
            aria-describedby={describedBy('modelName')}
            placeholder="new or existing, e.g. spy-trend"
            autoComplete="off"
          />
          <datalist id="register-model-names">
            {(names.data?.registeredModels ?? []).map((m) => (
              <option key={m.name} value={m.name} />
            ))}
          </datalist>
          <FieldError id="register-modelName-error" message={errors.modelName} />
        </div>
        <div className={styles.field}>
          <label className="field-label" htmlFor="register-artifactPath">
            Artifact
          </label>
          <select
            id="register-artifactPath"
            className="input"
            value={artifactPath}
            onChange={(e) => setArtifactPath(e.target.value)}
            aria-invalid={errors.artifactPath ? true : undefined}
            aria-describedby={describedBy('artifactPath')}
          >
            {artifactPaths.length === 0 && <option value="">the run has no artifacts</option>}
            {artifactPaths.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
          <FieldError id="register-artifactPath-error" message={errors.artifactPath} />
        </div>
      </div>
      <div className={styles.field}>
        <label className="field-label" htmlFor="register-description">
          Description
        </label>
        <input
          id="register-description"
          className="input"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          aria-invalid={errors.description ? true : undefined}
          aria-describedby={describedBy('description')}
          placeholder="optional"
        />
        <FieldError id="register-description-error" message={errors.description} />
      </div>
      <div className={styles.field}>
        <label className="field-label" htmlFor="register-signature">
          Signature (JSON)
        </label>
        <textarea
          id="register-signature"
          className={`input ${styles.textarea}`}
          rows={6}
          spellCheck={false}
          value={signature}
          onChange={(e) => setSignature(e.target.value)}
          aria-invalid={errors.signature ? true : undefined}
          aria-describedby={describedBy('signature')}
        />
        <FieldError id="register-signature-error" message={errors.signature} />
      </div>
      {formError !== null && <ErrorState error={formError} compact />}
      {registered && (
        <div className={styles.success} role="status">
          Registered{' '}
          <Link
            href={`/models?${new URLSearchParams({ model: registered.modelName, version: String(registered.version) }).toString()}`}
          >
            {registered.modelName} v{registered.version}
          </Link>{' '}
          (stage {registered.stage}).
        </div>
      )}
      <div className={styles.actions}>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Registering…' : 'Register version'}
        </button>
      </div>
    </form>
  );
}
