"""The spec subpackage re-exports every module's public names, and nothing else."""

from __future__ import annotations

import importlib
import pkgutil

import e2ekit._standard


def test_the_spec_package_reexports_every_name_its_modules_declare() -> None:
    declared = set()
    for module in pkgutil.iter_modules(e2ekit._standard.__path__):
        declared |= set(importlib.import_module(f"e2ekit._standard.{module.name}").__all__)

    assert declared == set(e2ekit._standard.__all__)
    assert all(hasattr(e2ekit._standard, name) for name in e2ekit._standard.__all__)
    assert sorted(e2ekit._standard.__all__) == sorted(set(e2ekit._standard.__all__))
