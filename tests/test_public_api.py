"""The package's public surface is exactly what __all__ declares."""

from __future__ import annotations

import e2ekit


def test_every_name_in_all_is_importable_from_the_package() -> None:
    assert all(hasattr(e2ekit, name) for name in e2ekit.__all__)
    assert sorted(e2ekit.__all__) == sorted(set(e2ekit.__all__))


def test_every_public_class_and_function_of_the_package_is_in_all() -> None:
    public = {
        name for name, value in vars(e2ekit).items() if not name.startswith("_") and not isinstance(value, type(e2ekit))
    }
    assert public - {"annotations"} == set(e2ekit.__all__)
