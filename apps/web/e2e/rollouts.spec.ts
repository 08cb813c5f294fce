import { expect, request as apiRequest, test, type APIRequestContext, type Page } from '@playwright/test';
import { LOGIN } from '../src/features/auth/operations';
import {
  MOVE_MODEL_STAGE,
  REGISTER_MODEL_VERSION,
  REGISTERED_MODEL,
} from '../src/features/models/operations';
import { ABORT_ROLLOUT, ROLLOUT, ROLLOUTS, START_ROLLOUT } from '../src/features/rollouts/operations';
import type { RolloutUsers } from './fixtures/rollout-users';
import { signIn } from './fixtures/sign-in';
import { runFixtureScript } from './fixtures/fixture-script';

// The Rollouts page on a rollout of the real platform: a pm registers a candidate version of
// one decision model (the production version's own run and ONNX artifact, as a new version in
// staging, the way a version is registered from a run), starts a rollout of it through the API
// with the default plan, then pauses, resumes and aborts it on the page, each with a reason,
// while a quant follows the same rollout live and is offered no action.

const outputDir = process.env.E2E_OUTPUT_DIR ?? 'test-results';
const baseURL = process.env.E2E_BASE_URL ?? 'http://localhost:3000';
/** The decision model the candidate changes (the others keep their production version). */
const MODEL = 'defensive';
const STAMP = Date.now();

function rolloutUsers(): RolloutUsers {
  return runFixtureScript<RolloutUsers>('rollout-users');
}

type Gql = (op: { query: string }, variables?: Record<string, unknown>) => Promise<any>;

/** The console's own operations (the gateway's trusted documents) through /graphql, signed in. */
async function api(context: APIRequestContext, user: { email: string; password: string }): Promise<Gql> {
  const gql: Gql = async (op, variables = {}) => {
    const res = await context.post('/graphql', { data: { query: op.query, variables } });
    const body = (await res.json()) as { data?: any; errors?: Array<{ message: string }> };
    if (body.errors) throw new Error(body.errors[0]!.message);
    return body.data;
  };
  await gql(LOGIN, { email: user.email, password: user.password });
  return gql;
}

test.describe.configure({ mode: 'serial' });

let users: RolloutUsers;
let context: APIRequestContext;
let pmApi: Gql;
let candidateVersion: number;
let rolloutId: string;

/** The controller runs one rollout at a time: one left by an earlier run is aborted first. */
async function abortActive(reason: string): Promise<void> {
  const { activeRollout } = await pmApi(ROLLOUTS, { status: null, first: 1, after: null });
  if (activeRollout) await pmApi(ABORT_ROLLOUT, { id: activeRollout.id, reason });
}

test.beforeAll(async () => {
  users = rolloutUsers();
  context = await apiRequest.newContext({ baseURL });
  pmApi = await api(context, users.pm);
  await abortActive('e2e: clear the way for rollouts.spec');

  const { registeredModel } = await pmApi(REGISTERED_MODEL, { name: MODEL });
  const production = registeredModel.versions.find((v: any) => v.stage === 'production');
  expect(production, `${MODEL} has a production version`).toBeTruthy();
  const { registerModelVersion } = await pmApi(REGISTER_MODEL_VERSION, {
    input: {
      modelName: MODEL,
      runId: production.run.id,
      artifactPath: production.artifact.path,
      signature: production.signature,
      description: `e2e rollout candidate ${STAMP}`,
    },
  });
  candidateVersion = registerModelVersion.version;
  await pmApi(MOVE_MODEL_STAGE, {
    input: { modelName: MODEL, version: candidateVersion, to: 'staging', reason: 'e2e rollout candidate' },
  });
  const { startRollout } = await pmApi(START_ROLLOUT, {
    input: { candidate: [{ name: MODEL, version: candidateVersion }], reason: `e2e rollout ${STAMP}` },
  });
  rolloutId = startRollout.id;
});

test.afterAll(async () => {
  await abortActive('e2e clean-up').catch(() => undefined);
  await context.dispose();
});

async function act(page: Page, button: string, reason: string) {
  const actions = page.getByTestId('rollout-actions');
  await actions.getByTestId(`rollout-action-${button}`).click();
  await actions.locator('button[type="submit"]').click();
  await expect(actions.getByRole('alert')).toContainText('Give a reason');
  await actions.getByLabel('Reason').fill(reason);
  await actions.locator('button[type="submit"]').click();
}

test('the list shows the new rollout as the active one, at shadow, with the start form for the pm', async ({
  page,
}) => {
  await signIn(page, users.pm);
  await page.goto('/rollouts');
  const row = page.locator(`[data-testid="rollout-row"][data-rollout-id="${rolloutId}"]`);
  await expect(row).toHaveAttribute('data-active', 'true');
  await expect(row.getByTestId('rollout-status')).toHaveAttribute('data-status', 'RUNNING');
  await expect(row).toContainText('shadow · step 1 of 5');
  await expect(row).toContainText(users.pm.email);
  await expect(row).toContainText(`${MODEL}@v${candidateVersion}`);

  // The status filter: an aborted-only list does not hold the running rollout.
  await page.getByTestId('rollout-status-filter').getByRole('button', { name: 'aborted' }).click();
  await expect(row).toHaveCount(0);
  await page.getByTestId('rollout-status-filter').getByRole('button', { name: 'all' }).click();
  await expect(row).toBeVisible();

  // The start form is prefilled from the plan defaults and checks the plan before sending it.
  const form = page.getByRole('form', { name: 'Start rollout' });
  await expect(form.getByTestId('plan-step')).toHaveCount(5);
  await form.getByLabel('Step 3 percent').fill('5');
  await form.getByRole('button', { name: 'Start rollout' }).click();
  await expect(form.locator('#start-rollout-steps-2-percent-error')).toContainText(
    "must be greater than step 1's 5",
  );
  await expect(form.locator('#start-rollout-candidate-error')).toContainText('pick a candidate version');
  await page.screenshot({ path: `${outputDir}/rollouts-list.png`, fullPage: true });
});

test('a pm pauses, resumes and aborts the rollout with reasons; a quant follows it live without actions', async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const quantContext = await browser.newContext();
  const quant = await quantContext.newPage();
  try {
    await signIn(quant, users.quant);
    await quant.goto(`/rollouts/${rolloutId}`);
    await expect(quant.getByTestId('rollout-detail')).toHaveAttribute('data-status', 'RUNNING');
    await expect(quant.getByTestId('rollout-actions-withheld')).toBeVisible();
    await expect(quant.getByTestId('rollout-actions')).toHaveCount(0);
    await expect(quant.getByTestId('rollout-live')).toHaveAttribute('data-state', 'live');
    await quant.goto('/rollouts');
    await expect(quant.getByTestId('start-rollout')).toHaveCount(0);
    await quant.goto(`/rollouts/${rolloutId}`);

    await signIn(page, users.pm);
    await page.goto(`/rollouts/${rolloutId}`);
    const detail = page.getByTestId('rollout-detail');
    await expect(detail).toHaveAttribute('data-status', 'RUNNING');
    await expect(page.getByTestId('rollout-current-step')).toHaveText('shadow · step 1 of 5');
    await expect(page.getByTestId('rollout-step')).toHaveCount(5);
    await expect(page.locator('[data-testid="rollout-step"][data-index="0"]')).toHaveAttribute(
      'data-state',
      'CURRENT',
    );
    const start = page.locator('[data-testid="rollout-event"][data-action="START"]');
    await expect(start).toHaveAttribute('data-actor', users.pm.email);
    await expect(start).toContainText(`e2e rollout ${STAMP}`);

    await act(page, 'pause', `e2e pause ${STAMP}`);
    await expect(detail).toHaveAttribute('data-status', 'PAUSED');
    await expect(page.getByTestId('rollout-status-reason')).toBeVisible();
    await expect(page.locator('[data-testid="rollout-event"][data-action="PAUSE"]')).toContainText(
      `e2e pause ${STAMP}`,
    );
    // The quant's page follows without a reload (rolloutChanged).
    await expect(quant.getByTestId('rollout-detail')).toHaveAttribute('data-status', 'PAUSED');

    await act(page, 'resume', `e2e resume ${STAMP}`);
    await expect(detail).toHaveAttribute('data-status', 'RUNNING');
    await expect(page.locator('[data-testid="rollout-event"][data-action="RESUME"]')).toHaveAttribute(
      'data-actor',
      users.pm.email,
    );

    await act(page, 'abort', `e2e abort ${STAMP}`);
    const confirm = page.getByTestId('rollout-confirm');
    await expect(confirm).toContainText('Abort this rollout?');
    await confirm.getByRole('button', { name: 'Yes, abort' }).click();
    await expect(detail).toHaveAttribute('data-status', 'ABORTED');
    await expect(page.getByTestId('rollout-actions')).toHaveCount(0);
    await expect(page.getByTestId('rollout-status-reason')).toHaveAttribute('data-status', 'ABORTED');
    await expect(page.locator('[data-testid="rollout-event"][data-action="ABORT"]')).toContainText(
      `e2e abort ${STAMP}`,
    );
    await expect(quant.getByTestId('rollout-detail')).toHaveAttribute('data-status', 'ABORTED');
    await page.screenshot({ path: `${outputDir}/rollout-aborted.png`, fullPage: true });

    // The gateway agrees, and the candidate is back in staging.
    const { rollout } = await pmApi(ROLLOUT, { id: rolloutId });
    expect(rollout.status).toBe('ABORTED');
    expect(rollout.events.map((e: { action: string }) => e.action)).toEqual([
      'START',
      'PAUSE',
      'RESUME',
      'ABORT',
    ]);
    const { registeredModel } = await pmApi(REGISTERED_MODEL, { name: MODEL });
    expect(registeredModel.versions.find((v: any) => v.version === candidateVersion).stage).toBe('staging');
  } finally {
    await quantContext.close();
  }
});

test('an unknown rollout id says so', async ({ page }) => {
  await signIn(page, users.quant);
  await page.goto('/rollouts/00000000-0000-4000-8000-000000000000');
  await expect(page.getByTestId('rollout-not-found')).toBeVisible();
});
