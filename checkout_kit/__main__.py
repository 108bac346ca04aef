"""`python -m checkout_kit …` — see checkout_kit.cli."""

from checkout_kit.cli import main

raise SystemExit(main())
