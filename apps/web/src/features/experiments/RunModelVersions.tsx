'use client';

import Link from 'next/link';
import { hasRole, useSession } from '@/features/auth/session';
import { RegisterVersionForm, StageChip } from '@/features/models';
import { formatDateTime } from '@/shared/format/format';
import { Card } from '@/shared/ui/Card';
import { Empty } from '@/shared/ui/States';
import type { RunDetail } from './operations';
import styles from './experiments.module.css';

/** Versions registered from this run (lineage into the registry) and, for quant/pm/admin, the register form. */
export function RunModelVersions({ run, onRegistered }: { run: RunDetail; onRegistered: () => void }) {
  const user = useSession();
  const canRegister = hasRole(user, 'quant', 'pm', 'admin');
  return (
    <Card title="Model versions from this run" testId="run-model-versions">
      {run.modelVersions.length === 0 ? (
        <Empty>No model version was registered from this run.</Empty>
      ) : (
        <table className="table" aria-label="Model versions from this run">
          <thead>
            <tr>
              <th>Model</th>
              <th className="num">Version</th>
              <th>Stage</th>
              <th>Registered by</th>
              <th>At</th>
            </tr>
          </thead>
          <tbody>
            {run.modelVersions.map((v) => (
              <tr key={v.id}>
                <td>
                  <Link
                    href={`/models?${new URLSearchParams({ model: v.modelName, version: String(v.version) }).toString()}`}
                  >
                    {v.modelName}
                  </Link>
                </td>
                <td className="num">v{v.version}</td>
                <td>
                  <StageChip stage={v.stage} />
                </td>
                <td>{v.createdBy}</td>
                <td className="mono">{formatDateTime(v.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canRegister && (
        <section className={styles.registerSection} aria-labelledby="register-heading">
          <h3 id="register-heading" className={styles.subhead}>
            Register model version
          </h3>
          {run.artifacts.length === 0 ? (
            <p className={styles.note}>
              A version is registered from one of the run&apos;s artifacts (its ONNX model); this run has
              logged none.
            </p>
          ) : (
            <RegisterVersionForm
              key={run.id}
              runId={run.id}
              artifactPaths={run.artifacts.map((a) => a.path)}
              onRegistered={onRegistered}
            />
          )}
        </section>
      )}
    </Card>
  );
}
