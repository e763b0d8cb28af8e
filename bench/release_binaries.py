"""The release binaries the Python benchmarks start, built once unless SCIMSYNC_BIN_DIR names them."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def ensure_binaries() -> None:
    """Builds scimsync-fcgi and scimsync in release mode and points SCIMSYNC_BIN_DIR at them."""
    if os.environ.get("SCIMSYNC_BIN_DIR"):
        return
    for product in ("scimsync-fcgi", "scimsync"):  # one product per call: swift build keeps only the last
        subprocess.run(["swift", "build", "-c", "release", "--product", product], cwd=REPO, check=True)
    out = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=REPO, check=True,
                         capture_output=True, text=True)
    os.environ["SCIMSYNC_BIN_DIR"] = out.stdout.strip()
