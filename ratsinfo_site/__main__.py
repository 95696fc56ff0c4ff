"""Allow ``python -m ratsinfo_site``."""

from ratsinfo_site.cli import main

raise SystemExit(main())
