"""Where the shipped data folders (knowledge/, prompts/) live, installed or in a checkout."""

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The folder `name`, from the wheel's bundled copy or else from the source checkout."""
    bundled = _PACKAGE_DIR / "_resources" / name
    if bundled.is_dir():
        return bundled
    return _PACKAGE_DIR.parent / name
