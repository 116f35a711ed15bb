"""``python -m pricewatch`` runs the same entry point as the ``pricewatch`` command."""

import sys

from pricewatch.main import main

sys.exit(main())
