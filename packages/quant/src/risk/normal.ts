/**
 * Standard normal helpers. The quantile is M. J. Wichura, "Algorithm AS 241: The Percentage
 * Points of the Normal Distribution", Applied Statistics 37(3), 477–484 (1988), PPND16:
 * rational minimax approximations with relative error about 1e-16 over (0, 1). The published
 * 20-digit coefficients are written below as the doubles they round to.
 */

// Central region |p − 0.5| ≤ 0.425: x = q·A(r)/B(r), r = 0.180625 − q². Coefficients lowest order first.
const A = [
  3.3871328727963665, 133.14166789178438, 1971.5909503065513, 13731.69376550946, 45921.95393154987,
  67265.7709270087, 33430.57558358813, 2509.0809287301227,
];
const B = [
  1, 42.31333070160091, 687.1870074920579, 5394.196021424751, 21213.794301586597, 39307.89580009271,
  28729.085735721943, 5226.495278852854,
];
// Intermediate tail, r = √(−ln min(p, 1−p)) ≤ 5: x = C(r − 1.6)/D(r − 1.6).
const C = [
  1.4234371107496835, 4.630337846156546, 5.769497221460691, 3.6478483247632045, 1.2704582524523684,
  0.2417807251774506, 0.022723844989269184, 0.0007745450142783414,
];
const D = [
  1, 2.053191626637759, 1.6763848301838038, 0.6897673349851, 0.14810397642748008, 0.015198666563616457,
  0.0005475938084995345, 1.0507500716444169e-9,
];
// Far tail, r > 5: x = E(r − 5)/F(r − 5).
const E = [
  6.657904643501103, 5.463784911164114, 1.7848265399172913, 0.29656057182850487, 0.026532189526576124,
  0.0012426609473880784, 0.000027115555687434876, 2.0103343992922881e-7,
];
const F = [
  1, 0.599832206555888, 0.1369298809227358, 0.014875361290850615, 0.0007868691311456133,
  0.000018463183175100548, 1.421511758316446e-7, 2.0442631033899397e-15,
];

/** Horner evaluation of Σ c_k·x^k. */
function poly(c: readonly number[], x: number): number {
  let v = 0;
  for (let k = c.length - 1; k >= 0; k--) v = v * x + c[k]!;
  return v;
}

/**
 * Φ⁻¹(p), the standard normal quantile (AS 241). Returns −∞ at 0 and +∞ at 1; throws a
 * RangeError outside [0, 1].
 */
export function inverseNormalCdf(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`probability must be in [0, 1], got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * poly(A, r)) / poly(B, r);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let x: number;
  if (r <= 5) {
    r -= 1.6;
    x = poly(C, r) / poly(D, r);
  } else {
    r -= 5;
    x = poly(E, r) / poly(F, r);
  }
  return q < 0 ? -x : x;
}

/** φ(x) = e^(−x²/2)/√(2π), the standard normal density. */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

// erfc(x) = t·exp(−x² + P(t)), t = 1/(1 + x/2), x ≥ 0: Numerical Recipes' erfcc (Chebyshev
// fit, relative error < 1.2e-7 everywhere). Lowest order first.
const ERFC = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587,
  -0.82215223, 0.17087277,
];

/** ln erfc(x) for x ≥ 0, in log space so the far tail never underflows. */
function logErfcNonNegative(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  return Math.log(t) - x * x + poly(ERFC, t);
}

/**
 * ln Φ(z), the log of the standard normal distribution function, finite for every finite z
 * (Φ(−40) ≈ e^−804.6 underflows as a double; its log does not). Relative error of Φ < 1.2e-7.
 */
export function logNormalCdf(z: number): number {
  if (Number.isNaN(z)) throw new RangeError('z must be a number, got NaN');
  if (z === Infinity) return 0;
  if (z === -Infinity) return -Infinity;
  const x = -z / Math.SQRT2;
  // Φ(z) = erfc(x)/2; for z ≥ 0 take 1 − erfc(|x|)/2 so the small term keeps its precision.
  return x >= 0 ? Math.log(0.5) + logErfcNonNegative(x) : Math.log1p(-0.5 * Math.exp(logErfcNonNegative(-x)));
}
