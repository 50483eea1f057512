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

A session of several commands (the analysts' block) is marked `<!-- run-each -->`: its commands
are the block's `$ ` lines, run one after the other, each followed by what it prints. A block
marked `<!-- generated: NAME -->` … `<!-- end -->` is text made by GENERATORS[NAME] (the list of
views, from the data dictionary).

Commands run in a fresh temporary folder holding a link to samples/, in README order (so the
analysts' commands read the warehouse the first block's `nianbao run` built), with no NIANBAO_* or
Prefect variables, 100 columns wide. Volatile parts (seconds, elapsed clocks, the temporary folder) are
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
EACH = re.compile(r"(?P<head><!-- run-each -->\n```console\n)(?P<body>.*?)(?P<tail>```\n<!-- end -->)", re.S)
GENERATED = re.compile(
    r"(?P<head><!-- generated: (?P<name>\w+) -->\n)(?P<body>.*?)(?P<tail><!-- end -->)", re.S
)
DICTIONARY = REPO / "docs" / "data-dictionary.md"
VOLATILE = [
    (re.compile(r"\b\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?\b"), "YYYY-MM-DD HH:MM:SS"),  # made_at
    (re.compile(r"\b\d+\.\d+ s\b"), "N s"),  # timings
    (re.compile(r"\b\d+:\d\d:\d\d\b"), "H:MM:SS"),  # progress bar clocks
    (re.compile(r"━+"), "━"),  # progress bar widths
    (re.compile(r"\b[0-9a-f]{64}\b"), "SHA256"),
]


@dataclass
class Block:
    """One marked block: the command(s), what the README shows, where it sits, and its kind."""

    command: str
    shown: str
    start: int
    end: int
    kind: str = "run"  # run (one command), each (a session of commands), generated (text)


def blocks(text: str) -> list[Block]:
    """The marked blocks of `text`, in order."""
    found = [Block(m["cmd"], m["body"], m.start("body"), m.end("body")) for m in BLOCK.finditer(text)]
    for m in EACH.finditer(text):
        commands = [line[2:] for line in m["body"].splitlines() if line.startswith("$ ")]
        found.append(Block("\n".join(commands), m["body"], m.start("body"), m.end("body"), "each"))
    found += [
        Block(m["name"], m["body"], m.start("body"), m.end("body"), "generated")
        for m in GENERATED.finditer(text)
    ]
    return sorted(found, key=lambda b: b.start)


def views() -> str:
    """The README's list of views: every view of the data dictionary with its first sentence."""
    text = DICTIONARY.read_text("utf-8")
    part = text[text.index("\n## Views") : text.index("\n## ", text.index("\n## Views") + 1)]
    out = []
    for m in re.finditer(r"^### `(\w+)`\n\n(.+?)(?:\n\n|$)", part, re.M | re.S):
        out.append(f"- `{m[1]}`: {_first_sentence(' '.join(m[2].split()))}")
    return "\n".join(out) + "\n"


def _first_sentence(text: str) -> str:
    """Up to the first full stop outside parentheses."""
    depth = 0
    for i, ch in enumerate(text):
        depth += {"(": 1, "（": 1, ")": -1, "）": -1}.get(ch, 0)
        if ch == "." and depth == 0 and (i + 1 == len(text) or text[i + 1] == " "):
            return text[: i + 1]
    return text


GENERATORS = {"views": views}


def fresh(block: Block, workdir: Path) -> str:
    """What a block should hold now."""
    if block.kind == "generated":
        return GENERATORS[block.command]()
    if block.kind == "each":
        return "\n".join(run(command, workdir) for command in block.command.splitlines())
    return run(block.command, workdir)


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
            now = fresh(block, workdir)
            if normalise(now) != normalise(block.shown):
                diff = difflib.unified_diff(
                    normalise(block.shown).splitlines(),
                    normalise(now).splitlines(),
                    "README",
                    "now",
                    lineterm="",
                )
                stale.append(f"{block.command}:\n" + "\n".join(diff))
            pieces += [text[last : block.start], now]
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
