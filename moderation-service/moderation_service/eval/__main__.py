"""``python -m moderation_service.eval [--split all|dev|test] [--errors] [--json]``."""

import sys

from moderation_service.eval import main

if __name__ == "__main__":
    sys.exit(main())
