import sys

from technique.apps.cli import main

sys.exit(main())
