"""This tree's request path against another checkout's, in one run: is a change faster?

    .venv/bin/python bench/bench_ab.py --base /path/to/other/checkout [--rounds 300]

Runs minutes apart on the shared 2-core VM differed by more than the changes being measured (the
bare view alone moved between 2.6 and 3.4 ms). Here both trees serve the same database, Redis and
client at once, one daphne each; every round sends each request to both, the order alternating,
so the machine's drift falls on both alike. The base tree calls at window 1, this one at window 2
(the hall of bench_request.py: 14 windows alike, 300 waiting). Reported: p50 per tree and the
median of the paired differences (this tree minus base). Results: bench/results/ab.json.

The base checkout must share this tree's schema (its migrations): e.g. `git worktree add
/tmp/base <commit>`.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_request import Conn, one_round, setup_script  # noqa: E402
from common import daphne_servers, django_env, manage, pg_database, run_script, write_results  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True, type=Path)
    ap.add_argument("--rounds", type=int, default=300)
    ap.add_argument("--devices", action="store_true", help="LED strips, pads and a printer, as a hall has")
    args = ap.parse_args()
    names = ("bare", "issue", "call_next", "load", "services")  # in this order each round
    samples = {tree: {k: [] for k in names} for tree in ("base", "this")}
    with pg_database() as db_url:
        env = django_env(db_url, DJANGO_SETTINGS_MODULE="bench.bench_settings")
        manage(env, "migrate", "--noinput", "-v", "0")
        info = json.loads(run_script(env, setup_script(args.devices)).strip().splitlines()[-1])
        with daphne_servers(env, count=1, root=args.base.resolve()) as (base_ports, _), \
                daphne_servers(env, count=1) as (this_ports, _):
            conns = {"base": Conn(base_ports[0]), "this": Conn(this_ports[0])}
            windows = {"base": info["windows"][0], "this": info["windows"][1]}
            for i in range(args.rounds + 20):  # the first 20 rounds warm up
                for tree in (("base", "this") if i % 2 else ("this", "base")):
                    got = one_round(conns[tree], info, windows[tree], names)
                    if i >= 20:
                        for k, v in got.items():
                            samples[tree][k].append(v * 1000)
    results = {"date": time.strftime("%Y-%m-%d %H:%M"), "rounds": args.rounds, "base": str(args.base),
               "devices": args.devices, "p50_ms": {}}
    for k in names:
        base, this = samples["base"][k], samples["this"][k]
        results["p50_ms"][k] = {
            "base": round(statistics.median(base), 2), "this": round(statistics.median(this), 2),
            "paired_difference": round(statistics.median(t - b for t, b in zip(this, base)), 2),
        }
    write_results("ab", results)
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
