"""`python -m plugins.search_index OUTPUT_PATH` runs the feeder (feeder.py)."""

import sys

from .feeder import main

sys.exit(main())
