"""Build hook: the default index is built when the package is built, so a fresh install answers at once.

``pip install .`` (or building a wheel) runs the checkout's own code on the embedded catalog
(``data/``) with the packaged encoder and ships the index as ``recommender/_data/default-index``;
``store.live.locate_index`` opens it where it was installed (verified on load like any index) and
falls back to building one in the user's data folder only when it is missing or stale. An editable
install (``pip install -e .``) builds it into that folder of the checkout (git-ignored), and keeps it
while it is current. The build needs torch and sentence-transformers, which ``[build-system]`` lists;
``RECOMMENDER_SKIP_DEFAULT_INDEX=1`` skips it (the first query then builds the default index instead).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SKIP_ENV = "RECOMMENDER_SKIP_DEFAULT_INDEX"
PACKAGED = "recommender/_data/default-index"
BUILD = """
import sys
from recommender.store.live import build_packaged_index
print(build_packaged_index(sys.argv[1]), flush=True)
"""


class DefaultIndexHook(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        if os.environ.get(SKIP_ENV) == "1":
            self.app.display_warning(f"{SKIP_ENV}=1: no default index in this build (the first query builds it)")
            return
        root = Path(self.root)
        if version == "editable":
            target = root / PACKAGED
        else:
            self._scratch = Path(tempfile.mkdtemp(prefix="recommender-build-"))
            target = self._scratch / "default-index"
            build_data["force_include"][str(target)] = PACKAGED
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")])}
        if not env.get("RECOMMENDER_CACHE_DIR"):  # never write to the user's cache while building a package
            scratch = Path(tempfile.mkdtemp(prefix="recommender-build-cache-"))
            env["RECOMMENDER_CACHE_DIR"] = str(scratch)
            self._cache = scratch
        self.app.display_info(f"building the default index from the embedded catalog into {target} (~2 min)")
        done = subprocess.run([sys.executable, "-c", BUILD, str(target)], env=env, cwd=root, check=False)
        if done.returncode != 0:
            raise RuntimeError(
                f"building the default index failed (exit {done.returncode}); see the output above, "
                f"or set {SKIP_ENV}=1 to build the package without it"
            )

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        for name in ("_scratch", "_cache"):
            folder = getattr(self, name, None)
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
