import { z } from 'zod';

/**
 * Failed sign-ins allowed before sign-in is refused for a while, counted in the queue Redis so
 * every gateway replica sees the same counts. A fixed window opens at the first failure and
 * closes `LOGIN_THROTTLE_WINDOW_S` later; a successful sign-in clears the account's count.
 */
export const loginThrottleConfigSchema = z.object({
  /** Failed sign-ins for one email (known or not) per window before that email is locked out. */
  LOGIN_THROTTLE_ACCOUNT_FAILURES: z.coerce.number().int().min(1).default(5),
  /** Failed sign-ins from one client address (an IPv6 client by its /64) per window before it is locked out. */
  LOGIN_THROTTLE_IP_FAILURES: z.coerce.number().int().min(1).default(50),
  /** Length of the window, seconds (15 min). */
  LOGIN_THROTTLE_WINDOW_S: z.coerce.number().int().min(1).default(900),
});
export type LoginThrottleConfig = z.infer<typeof loginThrottleConfigSchema>;
