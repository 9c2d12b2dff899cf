"""Settings for the servers that join_load.py starts: config.settings exactly as production has
them, with two changes that only move things around.

- STATIC_ROOT is a temporary folder (BENCH_STATIC_ROOT), so the benchmark's ``collectstatic``
  leaves the checkout's var/static alone.
- ROOT_URLCONF can be swapped (BENCH_ROOT_URLCONF) for the bare "hello" baseline
  (benchmarks/hello_urls.py), which then runs through the same middleware and server.
"""

import os
from pathlib import Path

from config.settings import *  # noqa: F403
from config.settings import ROOT_URLCONF

STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
ROOT_URLCONF = os.environ.get("BENCH_ROOT_URLCONF", ROOT_URLCONF)
