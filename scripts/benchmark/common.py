"""What every part of the benchmark shares: paths, sizes, logging, memory, Odoo."""

import os
import resource
import sys
import time
from datetime import date

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # scripts/
ROOT = os.path.dirname(HERE)
if HERE not in sys.path:
    sys.path.insert(0, HERE)  # the data generator (datagen)

DEFAULT_TODAY = date(2026, 11, 23)
NAIVE_PARTNERS = 5000
INCREMENTAL_MOVES = 1000
LIST_ROWS = 80
SKIP_HOOK = os.environ.get("BENCH_SKIP_CLASS_HOOK") == "1"
TIMEOUT = int(os.environ.get("BENCH_TIMEOUT", "900"))


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def peak_rss_mb():
    """This process's peak memory (RSS high-water mark) in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def odoo_env(db_name, extra_args=()):
    """Open a registry for ``db_name`` with the repository's add-ons; returns (odoo,
    registry). The add-ons are importable (``odoo.addons.<module>``) from then on."""
    import odoo

    odoo.tools.config.parse_config(
        [
            "-c",
            os.path.join(ROOT, "odoo.conf"),
            "--addons-path",
            os.path.join(ROOT, "addons"),
            "-d",
            db_name,
            "--log-level=warn",
            *extra_args,
        ]
    )
    registry = odoo.modules.registry.Registry(db_name)
    return odoo, registry
