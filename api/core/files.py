"""Where the content files are: `data/` (the facts and the message catalogue) and
`dpa_templates/` (the DPA's Word templates), wherever the code runs.

In order:

1. a setting: ``TRUSTCENTER_DATA_DIR`` / ``TRUSTCENTER_TEMPLATES_DIR``;
2. the checkout the code was loaded from (an editable install, or code run from the tree), so
   that editing ``data/`` in a checkout keeps working;
3. the checkout the process runs in (the current directory), for a non-editable install used
   from inside a checkout, e.g. ``mkdocs build`` after ``pip install .``;
4. the copies the wheel carries (``api/_content/``), for an installed API (a Lambda package, a
   container) running from any directory.

Only the environment is read here (no pydantic-settings): the static site build imports this.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path
from typing import Literal

ContentKind = Literal["data", "dpa_templates"]

ENV_VARS: dict[ContentKind, str] = {
    "data": "TRUSTCENTER_DATA_DIR",
    "dpa_templates": "TRUSTCENTER_TEMPLATES_DIR",
}
# A file every checkout of this project has and no other directory is likely to: the content
# of record the data was written from.
CHECKOUT_MARKER = Path("data") / "source.de.txt"
SOURCE_ROOT = Path(__file__).resolve().parents[2]


def is_checkout(directory: Path) -> bool:
    return (directory / "pyproject.toml").is_file() and (directory / CHECKOUT_MARKER).is_file()


def checkout_root() -> Path | None:
    """The project checkout in use: the one holding this code, else the current directory."""
    for candidate in (SOURCE_ROOT, Path.cwd()):
        if is_checkout(candidate):
            return candidate
    return None


def packaged_dir(kind: ContentKind) -> Path:
    """The copy of `kind` inside the installed package (see pyproject.toml's package-dir)."""
    # An installed wheel is unpacked on disk (pip, Lambda's zip is extracted), so the
    # Traversable is a real directory.
    return Path(str(files("api") / "_content" / kind))


def content_dir(kind: ContentKind, override: Path | None = None) -> Path:
    """The directory holding `kind`; `override` (a setting's value) wins over everything."""
    if override is not None:
        return override
    if value := os.environ.get(ENV_VARS[kind], "").strip():
        return Path(value)
    root = checkout_root()
    if root is not None:
        return root / kind
    return packaged_dir(kind)
