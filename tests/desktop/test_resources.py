"""The package's copy of resources/ is the same as the repository's, and reads through importlib.resources."""

from __future__ import annotations

from pathlib import Path

from pricewatch import resources

SOURCE = Path(__file__).resolve().parents[2] / "resources"


def test_the_package_ships_every_file_of_the_resources_folder_unchanged() -> None:
    source = sorted(p.name for p in SOURCE.iterdir() if p.is_file())
    assert sorted(resources.SHIPPED) == source, "add the new file to pricewatch/resources and SHIPPED"
    for name in source:
        assert resources.read_bytes(name) == (SOURCE / name).read_bytes(), (
            f"pricewatch/resources/{name} differs from resources/{name}: copy it over"
        )


def test_paths_are_real_files_inside_the_package() -> None:
    icon = resources.path(resources.ICON_PNG)
    assert icon.is_file() and icon.parent.name == "resources" and icon.parent.parent.name == "pricewatch"
    assert icon.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
