"""The Streamlit script that `technique app` runs (inside the package, so it works after pip install)."""

from technique.apps.dashboard import main

main()
