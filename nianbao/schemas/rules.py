"""The rules catalogue: `templates/rules.toml`, parsed once, and the one way to make a finding.

Every stage that emits a finding (the parser, validation, the frame schema, the warehouse) takes the
rule's severity and its `source_inconsistent` default from here, through `finding()`; what a rule
means and how it is worded for people live in the file, not in code. The catalogue depends only on
the record types, so any module of schemas may import it without an import circle.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from nianbao.schemas.records import Finding, Origin, Severity


@dataclass(frozen=True)
class Rule:
    """Metadata of one rule: its code, default severity, group and description."""

    code: str
    severity: Severity
    group: str
    description: str
    source_inconsistent: bool | None = None
    origin: str = "validation"  # the stage that emits it: "parser" or "validation"
    message_zh: str = ""
    message_en: str = ""
    detail_zh: str = ""  # for analysts: with {cells}, {expected}, {actual} filled in (analyst.words)


@dataclass(frozen=True)
class Catalogue:
    """The parsed rules file: the rules in file order and the bounds of printed numbers."""

    rules: dict[str, Rule]
    max_value: int


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """Read `templates/rules.toml` (once per process)."""
    text = resources.files("nianbao.schemas").joinpath("templates/rules.toml").read_text("utf-8")
    data = tomllib.loads(text)
    rules: dict[str, Rule] = {}
    for r in data["rules"]:
        if r["code"] in rules:
            raise ValueError(f"rules.toml: rule {r['code']!r} is given twice")
        rules[r["code"]] = Rule(
            r["code"],
            r["severity"],
            r["group"],
            r["description"],
            r.get("source_inconsistent"),
            r.get("origin", "validation"),
            r.get("message_zh", ""),
            r.get("message_en", ""),
            r.get("detail_zh", ""),
        )
    return Catalogue(rules, int(data["numbers"]["max_value"]))


RULES = catalogue().rules
"""code -> Rule, in file order."""


def finding(code: str, message: str, origin: Origin = "validation", **kw: Any) -> Finding:
    """A finding of a rule, with the severity (and `source_inconsistent` default) rules.toml gives it.

    Args:
        code: a rule code of rules.toml; KeyError for one that is not there.
        message: what is wrong, naming the cells and numbers.
        origin: the stage that saw it, "parser" or "validation".
        **kw: the other fields of Finding (cells, expected, actual, source_inconsistent).
    """
    rule = RULES[code]
    kw.setdefault("source_inconsistent", rule.source_inconsistent)
    return Finding(rule=code, severity=rule.severity, message=message, origin=origin, **kw)
