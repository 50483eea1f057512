"""Findings of the parser: what it saw, with the severity rules.toml gives each rule code."""

from __future__ import annotations

from nianbao.schemas import Finding
from nianbao.schemas.validate import RULES


def parser_finding(rule: str, message: str, **kw: object) -> Finding:
    """A finding of the parser; its severity is the one rules.toml gives the rule."""
    r = RULES[rule]
    return Finding(
        rule=rule,
        severity=r.severity,
        message=message,
        source_inconsistent=r.source_inconsistent,
        origin="parser",
        **kw,  # type: ignore[arg-type]
    )
