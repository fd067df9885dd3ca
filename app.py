"""The dashboard from a checkout: `streamlit run app.py` (the same app as `technique app`)."""

import sys
from pathlib import Path

try:
    import technique  # noqa: F401  (installed, e.g. pip install -e .)
except ImportError:  # a bare checkout: use the source folder
    sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from technique.apps.dashboard import main

main()
