"""e2ekit's test suite (a regular package: a dependency of chainlit installs a top-level "tests" package)."""
