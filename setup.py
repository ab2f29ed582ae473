"""Build hook: a wheel carries the generated JSON Schemas as package data.

The schemas live at the repository root (``schemas/``, generated and reviewed there, see
docs/schemas.md); an installed wheel has no repository, so ``build_py`` copies them to
``ondc_harness/data/schemas``, where ``ondc_harness.resources`` looks second.  Editable installs
skip the copy: they read the repository's own folder.  Everything else is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithSchemas(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        source = ROOT / "schemas"
        if source.is_dir():
            target = Path(self.build_lib) / "ondc_harness" / "data" / "schemas"
            shutil.copytree(source, target, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithSchemas})
