'use client';

import { useCallback } from 'react';
import { useSearchParams } from 'next/navigation';
import { useQuery } from '@/shared/hooks/useGraphQL';
import { Card } from '@/shared/ui/Card';
import { Empty, ErrorState, Loading } from '@/shared/ui/States';
import { ModelsList } from './ModelsList';
import { REGISTERED_MODEL, REGISTERED_MODELS } from './operations';
import { VersionDetail } from './VersionDetail';
import { VersionsTable } from './VersionsTable';
import styles from './models.module.css';

/** `/models[?model=<name>[&version=<n>]]`: the registry, a model's versions, and one version's stages. */
export function ModelsPage() {
  const params = useSearchParams();
  const listQ = useQuery(REGISTERED_MODELS, {});
  const models = listQ.data?.registeredModels;
  const name = params.get('model') ?? models?.[0]?.name ?? null;
  const modelQ = useQuery(REGISTERED_MODEL, name ? { name } : null);
  const model = modelQ.data?.registeredModel;

  const requestedVersion = Number(params.get('version'));
  const version = model?.versions.find((v) => v.version === requestedVersion) ?? model?.versions[0] ?? null;

  const reloadList = listQ.reload;
  const reloadModel = modelQ.reload;
  const onMoved = useCallback(() => {
    reloadModel();
    reloadList();
  }, [reloadModel, reloadList]);

  let detail;
  if (!name) detail = null;
  else if (modelQ.error && !modelQ.data) detail = <ErrorState error={modelQ.error} onRetry={modelQ.reload} />;
  else if (!modelQ.data) detail = <Loading>Loading {name}…</Loading>;
  else if (!model) {
    detail = (
      <Card title="Model">
        <Empty>No model is registered as {name}.</Empty>
      </Card>
    );
  } else {
    detail = (
      <>
        <VersionsTable model={model} selected={version?.version ?? null} />
        {version && <VersionDetail version={version} onMoved={onMoved} />}
      </>
    );
  }

  return (
    <div className={styles.page}>
      <ModelsList q={listQ} selected={name} />
      {detail}
    </div>
  );
}
