"""``python -m sozialraum`` runs the command line."""

import sys

from sozialraum.cli import main

sys.exit(main())
