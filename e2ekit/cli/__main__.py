import sys

from e2ekit.cli import main

sys.exit(main())
