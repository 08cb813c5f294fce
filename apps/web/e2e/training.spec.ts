import { expect, test } from '@playwright/test';
import { signIn } from './fixtures/sign-in';

// The "Train models" panel of /experiments (issue 6). The admin is a trainer (quant/admin).

test('the training form shows its defaults and refuses overlapping splits, a bad seed and negative costs', async ({
  page,
}) => {
  await signIn(page);
  await page.goto('/experiments');
  const form = page.getByRole('form', { name: 'Start training' });
  await expect(form.getByLabel('Market')).toHaveValue('SPY');
  await expect(form.getByLabel('Train from')).toHaveValue('1994-01-01');
  await expect(form.getByLabel('Test to')).toHaveValue('2018-12-31');
  await expect(form.getByLabel('Seed')).toHaveValue('42');

  await form.getByLabel('Validation from').fill('2005-06-01');
  await form.getByLabel('Seed').fill('1.5');
  await form.getByLabel('Costs (bps per unit turnover)').fill('-1');
  await form.getByRole('button', { name: 'Start training' }).click();
  await expect(form.getByLabel('Validation from')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByRole('alert').filter({ hasText: 'must start after train ends' })).toBeVisible();
  await expect(form.getByLabel('Seed')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByLabel('Costs (bps per unit turnover)')).toHaveAttribute('aria-invalid', 'true');
});

test('a training run started in the console ends with its tracking run and a registered version', async ({
  page,
}) => {
  await signIn(page);
  await page.goto('/experiments');
  const form = page.getByRole('form', { name: 'Start training' });
  await form.getByLabel('Experiment').fill(`e2e-training-${Date.now()}`);
  await form.getByRole('button', { name: 'Start training' }).click();
  const queued = form.getByRole('status').filter({ hasText: 'queued' });
  await expect(queued).toBeVisible({ timeout: 15_000 });
  const jobId = await queued.locator('.mono').textContent();

  const job = page.locator(`[data-testid="training-job"][data-job-id="${jobId}"]`);
  await expect(job).toBeVisible();
  await expect(job).toHaveAttribute('data-state', 'completed', { timeout: 90_000 });
  await expect(job.getByRole('progressbar')).toHaveAttribute('aria-valuenow', /\d/);
  // The versions are registered under the names the engine serves, labelled with the set.
  await expect(job.getByText('Registered (tradeplane-blend):')).toBeVisible();
  for (const name of ['momentum', 'mean-reversion', 'defensive', 'meta-controller'])
    await expect(job.getByRole('link', { name: new RegExp(`^${name} v\\d+$`) })).toHaveAttribute(
      'href',
      new RegExp(`^/models\\?model=${name}&version=\\d+$`),
    );
  await job.getByRole('link', { name: 'Tracking run' }).click();
  await expect(page).toHaveURL(/\/experiments\/runs\//);
  await expect(page.getByText('model/meta-controller.onnx').first()).toBeVisible({ timeout: 15_000 });
});
