"""Keep the README's shown command output true: run each marked command and compare, or rewrite.

    .venv/bin/python scripts/readme.py            # check: exit 1 and a diff when a block is stale
    .venv/bin/python scripts/readme.py --update   # rerun every command and rewrite its block

A block is marked in README.md like this (the lines between the markers are generated):

    <!-- run: nianbao extract samples/reports/2023/qinglan_2023.docx -->
    ```console
    $ nianbao extract samples/reports/2023/qinglan_2023.docx
    …output…
    ```
    <!-- end -->

Commands run in a fresh temporary folder holding a link to samples/, with no NIANBAO_* or Prefect
variables, 100 columns wide. Volatile parts (seconds, elapsed clocks, the temporary folder) are
normalised before comparing, so a block goes stale only when what the command says changes.
"""

from __future__ import annotations

import difflib
import os
import re
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
BIN = Path(sys.executable).parent
BLOCK = re.compile(
    r"(?P<head><!-- run: (?P<cmd>.+?) -->\n```console\n)(?P<body>.*?)(?P<tail>```\n<!-- end -->)", re.S
)
VOLATILE = [
    (re.compile(r"\b\d+\.\d+ s\b"), "N s"),  # timings
    (re.compile(r"\b\d+:\d\d:\d\d\b"), "H:MM:SS"),  # progress bar clocks
    (re.compile(r"━+"), "━"),  # progress bar widths
    (re.compile(r"\b[0-9a-f]{64}\b"), "SHA256"),
]


@dataclass
class Block:
    """One marked block: the command, what the README shows, and where it sits."""

    command: str
    shown: str
    start: int
    end: int


def blocks(text: str) -> list[Block]:
    """The marked blocks of `text`, in order."""
    return [Block(m["cmd"], m["body"], m.start("body"), m.end("body")) for m in BLOCK.finditer(text)]


def normalise(text: str, workdir: str = "") -> str:
    """`text` with timings, clocks and the temporary folder replaced by placeholders."""
    if workdir:
        text = text.replace(workdir + "/", "").replace(workdir, ".")
    for pattern, placeholder in VOLATILE:
        text = pattern.sub(placeholder, text)
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def run(command: str, workdir: Path) -> str:
    """The block body for `command` run in `workdir`: "$ command" then stdout and stderr."""
    argv = shlex.split(command)
    if argv[0] == "nianbao":
        argv[0] = str(BIN / "nianbao")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NIANBAO_", "PREFECT_"))}
    env.update(COLUMNS="100", TERM="dumb", NO_COLOR="1", PYTHONPATH=str(REPO))
    done = subprocess.run(argv, cwd=workdir, env=env, capture_output=True, text=True, timeout=600)
    out = (done.stdout + done.stderr).replace(str(workdir) + "/", "").replace(str(workdir), ".")
    return f"$ {command}\n" + "\n".join(line.rstrip() for line in out.splitlines()) + "\n"


def check(update: bool = False) -> list[str]:
    """Run every marked command; return a diff per stale block (and rewrite them when `update`).

    Args:
        update: write the fresh output into README.md.
    """
    text = README.read_text("utf-8")
    stale: list[str] = []
    pieces: list[str] = []
    last = 0
    with tempfile.TemporaryDirectory(prefix="nianbao-readme-") as tmp:
        workdir = Path(tmp)
        (workdir / "samples").symlink_to(REPO / "samples")
        for block in blocks(text):
            fresh = run(block.command, workdir)
            if normalise(fresh) != normalise(block.shown):
                diff = difflib.unified_diff(
                    normalise(block.shown).splitlines(),
                    normalise(fresh).splitlines(),
                    "README",
                    "now",
                    lineterm="",
                )
                stale.append(f"{block.command}:\n" + "\n".join(diff))
            pieces += [text[last : block.start], fresh]
            last = block.end
    if update:
        README.write_text("".join(pieces) + text[last:], "utf-8")
    return stale


def main() -> int:
    """Check (default) or `--update`; exit 1 when a block is stale and not updated."""
    update = "--update" in sys.argv[1:]
    stale = check(update)
    for item in stale:
        print(item)
    if stale and not update:
        print("README.md is stale: run `.venv/bin/python scripts/readme.py --update`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
