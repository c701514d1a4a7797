import sys

from e2ekit._cli import main

sys.exit(main())
