"""Where the tests find their data: the shared worked example beside the checkout, and
the malformed inputs in tests/data."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLE = SHARED / "example"
DATA = ROOT / "tests" / "data"
