"""The house's layers (pyproject.toml's import-linter contract): each domain imports only the layers below it."""

import os
import shutil
import subprocess
import sys

from tests.support.databases import ROOT

LINT_IMPORTS = os.path.join(os.path.dirname(sys.executable), "lint-imports")


def lint(root):
    """Run import-linter on the project at `root`; return its exit status and report."""
    env = {**os.environ, "PYTHONPATH": root}
    done = subprocess.run([LINT_IMPORTS, "--config", os.path.join(root, "pyproject.toml"), "--no-cache"], cwd=root,
                          env=env, capture_output=True, text=True)
    return done.returncode, done.stdout + done.stderr


def test_every_arrow_points_down():
    status, report = lint(ROOT)
    assert status == 0, report


def test_an_arrow_pointing_up_breaks_the_contract(tmp_path):
    """The contract is not vacuous: accounts importing organisations (an arrow up) is caught."""
    shutil.copytree(os.path.join(ROOT, "portal"), tmp_path / "portal", ignore=shutil.ignore_patterns("translations"))
    shutil.copy(os.path.join(ROOT, "pyproject.toml"), tmp_path)
    with open(tmp_path / "portal" / "auth" / "services.py", "a") as source:
        source.write("\nfrom portal.organisations import models  # noqa: E402, F401\n")
    status, report = lint(str(tmp_path))
    assert status != 0 and "portal.auth.services -> portal.organisations.models" in report, report
