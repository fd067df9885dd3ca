"""The Streamlit script that `technique app` runs (inside the package, so it works after pip install)."""

from technique.dashboard import main

main()
