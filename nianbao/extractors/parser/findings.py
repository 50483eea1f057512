"""Findings of the parser: what it saw, with the severity rules.toml gives each rule code."""

from __future__ import annotations

from typing import Any

from nianbao.schemas import Finding
from nianbao.schemas.rules import finding


def parser_finding(rule: str, message: str, **kw: Any) -> Finding:
    """A finding of the parser; its severity is the one rules.toml gives the rule."""
    return finding(rule, message, origin="parser", **kw)
