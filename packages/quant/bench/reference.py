"""Reference implementations for `npm run bench:quant` (run in a throwaway virtual environment).

Reads a JSON request on stdin, prints one JSON object: PyPortfolioOpt HRPOpt weights and time
on the same CSV, and hmmlearn GaussianHMM EM from the same initial parameters as the
TypeScript fit. Never a dependency of the product.
"""
import json
import sys
import time

import numpy as np
import pandas as pd
from hmmlearn.hmm import GaussianHMM
from pypfopt import HRPOpt

req = json.load(sys.stdin)
out = {}

prices = pd.read_csv(req["pricesCsv"], index_col="date", parse_dates=True)
returns = prices.pct_change(fill_method=None).dropna(how="all")
hrp_times = []
for _ in range(req["repeats"]):
    t0 = time.perf_counter()
    opt = HRPOpt(returns)
    weights = opt.optimize(linkage_method=req["linkage"])
    hrp_times.append((time.perf_counter() - t0) * 1000)
out["hrp_weights"] = {k: float(v) for k, v in weights.items()}
out["hrp_ms"] = float(np.median(hrp_times))

obs = np.array(req["obs"], dtype=float)
init = req["init"]
hmm_times = []
for _ in range(req["hmmRepeats"]):
    # Same start, same number of EM iterations, no priors and no variance floor that would
    # bind (hmmlearn's default min_covar=1e-3 is far above daily-volatility variances).
    model = GaussianHMM(
        n_components=len(init["pi"]), covariance_type="diag", n_iter=req["iterations"], tol=0.0,
        init_params="", params="stmc", min_covar=1e-8, covars_prior=0.0, implementation="scaling",
    )
    model.startprob_ = np.array(init["pi"])
    model.transmat_ = np.array(init["transition"])
    model.means_ = np.array(init["means"])
    model.covars_ = np.array(init["vars"])
    t0 = time.perf_counter()
    model.fit(obs)
    hmm_times.append((time.perf_counter() - t0) * 1000)
out["hmm_ms"] = float(np.median(hmm_times))
out["hmm_log_likelihood"] = float(model.score(obs))
out["hmm_iterations"] = int(model.monitor_.iter)
json.dump(out, sys.stdout)
