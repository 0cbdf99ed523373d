import sys
from pathlib import Path

# `support` holds the test helpers (tools, servers); make it importable as a top-level package.
sys.path.insert(0, str(Path(__file__).parent))
