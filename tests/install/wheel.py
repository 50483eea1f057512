"""A clean virtual environment holding nianbao only as a built wheel, as another machine would have it.

The wheel is built from the checkout with pip (build isolation, as any user would) and installed with
`--no-deps` into a new venv. Its third-party dependencies are borrowed from the test venv through a
`.pth` line naming that venv's site-packages: a `.pth` only adds a folder to sys.path (the editable
install's own `.pth` there is not run), so `nianbao` itself can only come from the wheel. No network
and seconds instead of minutes, and the wheel is what is tested.
"""

from __future__ import annotations

import os
import site
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT = 600


@dataclass(frozen=True)
class WheelVenv:
    root: Path
    wheel: Path

    @property
    def bin(self) -> Path:
        return self.root / "bin"

    @property
    def python(self) -> Path:
        return self.bin / "python"

    @property
    def site_packages(self) -> Path:
        out = subprocess.run(
            [str(self.python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return Path(out.stdout.strip())

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a user of this venv: no PYTHONPATH, nothing pointing at the checkout."""
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("PYTHONPATH", "NIANBAO_", "VIRTUAL_ENV"))
        }
        env["PATH"] = os.pathsep.join([str(self.bin), env.get("PATH", "")])
        return {**env, **extra}


def build_wheel_venv(home: Path) -> WheelVenv:
    """Build the wheel into `home/dist` and install it into the clean venv `home/venv`."""
    dist = home / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(REPO)],
        check=True, timeout=BUILD_TIMEOUT, cwd=home,
    )  # fmt: skip
    (wheel,) = dist.glob("nianbao-*.whl")
    root = home / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True, cwd=home)
    venv = WheelVenv(root, wheel)
    deps = sysconfig.get_paths()["purelib"]
    (venv.site_packages / "_nianbao_test_deps.pth").write_text(
        "\n".join(dict.fromkeys([deps, *site.getsitepackages()])) + "\n", "utf-8"
    )
    # --ignore-installed: the borrowed folder holds the checkout's editable nianbao, which pip must
    # neither count as installed nor touch; the venv gets its own copy from the wheel.
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv.python), "install", "-q", "--no-deps",
         "--ignore-installed", str(wheel)],
        check=True, timeout=BUILD_TIMEOUT, cwd=home, env=venv.env(),
    )  # fmt: skip
    return venv
