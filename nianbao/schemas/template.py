"""The report template, loaded from `templates/template.toml`.

`TEMPLATE` is the one instance everything uses. It answers questions such as "which table-3 row is
this label?" or "which columns does block （五） have in the 2021 variant?" from data, so no parser
carries a label table of its own.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any, Literal, get_args

from nianbao.schemas.text import norm_label, strip_parens

Variant = Literal["2019", "2021"]
TableId = str  # a table id of template.toml's [tables] order
TableKind = Literal["blocks", "groups", "grid"]
VARIANTS: tuple[Variant, Variant] = ("2019", "2021")


@dataclass(frozen=True)
class Label:
    """One row, column, group or section of the template, with its matching rules."""

    code: str
    label: str
    keys: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()
    not_: tuple[str, ...] = ()
    variant: str = "both"
    label_2021: str | None = None
    group: str | None = None  # table 3: the group a bare sub-item label needs as context
    block: str | None = None  # table 2 rows: the 第二十条 item they belong to
    signed: bool = False
    amount: bool = False
    unit: str | None = None
    table: str | None = None  # sections: the statistical table the section holds

    @cached_property
    def group_of(self) -> str | None:
        """The table-3 group a sub-item belongs to, read from its label: （三）1.… -> "三"."""
        m = re.match(r"^（([一二三四五六七八九十]+)）\d", self.label)
        return m.group(1) if m else None

    def matches(self, normed: str) -> bool:
        """True when an already normalised label is this one."""
        if not normed or any(n in normed for n in self.not_):
            return False
        if any(k in normed for k in self.keys):
            return True
        return bool(self.exact) and strip_parens(normed) in self.exact

    def label_for(self, variant: str | None) -> str:
        """The canonical wording in the given variant."""
        return self.label_2021 if variant == "2021" and self.label_2021 else self.label


def _labels(items: list[dict[str, Any]]) -> tuple[Label, ...]:
    out = []
    for it in items:
        out.append(
            Label(
                code=it["code"],
                label=it["label"],
                keys=tuple(norm_label(k) for k in it.get("keys", [])),
                exact=tuple(norm_label(k) for k in it.get("exact", [])),
                not_=tuple(norm_label(k) for k in it.get("not", [])),
                variant=it.get("variant", "both"),
                label_2021=it.get("label_2021"),
                group=it.get("group"),
                block=it.get("block"),
                signed=bool(it.get("signed", False)),
                amount=bool(it.get("amount", False)),
                unit=it.get("unit"),
                table=it.get("table"),
            )
        )
    return tuple(out)


def _candidates(normed: str) -> tuple[str, ...]:
    """The label with all parenthesised text stripped, then with only long notes stripped.

    Short parentheses can carry the identity ("行政诉讼（未经复议直接起诉）"); long ones are
    instructions (Hubei 2020: "其他主动公开文件（含…规范性文件…）") that must not be matched.
    """
    stripped = strip_parens(normed)
    short_kept = re.sub(r"\([^()]{13,}\)", "", normed)
    out = tuple(dict.fromkeys(t for t in (stripped, short_kept) if t))
    return out or (normed,)


@dataclass(frozen=True)
class Block:
    """A 第二十条 block of table 2: its item numeral and its rows and columns per variant."""

    item: str
    label: str
    columns: dict[str, tuple[str, ...]]
    rows: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Identity:
    """An accounting identity: sum(lhs) == sum(rhs), checked along rows or columns."""

    code: str
    number: int
    table: TableId
    along: Literal["rows", "columns"]
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    rule: str


@dataclass(frozen=True)
class Term:
    """One cell of a cross-year chain: this year's or the previous year's, added or subtracted."""

    previous: bool
    code: str  # a row code (chains along columns) or a column code (chains along rows)
    sign: int = 1


@dataclass(frozen=True)
class CrossYear:
    """A chain between a report and the same issuer's report of the year before."""

    code: str
    table: TableId
    each: Literal["row", "column"]
    over: tuple[str, ...]  # the rows (each = "row") or columns it is checked at
    lhs: tuple[Term, ...]
    rhs: tuple[Term, ...]
    rule: str

    def positions(
        self,
    ) -> tuple[
        tuple[
            str, tuple[tuple[Term, tuple[str, str, str]], ...], tuple[tuple[Term, tuple[str, str, str]], ...]
        ],
        ...,
    ]:
        """(position, lhs terms with their cell keys, rhs terms with theirs) at every position."""
        out = []
        for pos in self.over:

            def key(t: Term, pos: str = pos) -> tuple[str, str, str]:
                return (self.table, pos, t.code) if self.each == "row" else (self.table, t.code, pos)

            out.append((pos, tuple((t, key(t)) for t in self.lhs), tuple((t, key(t)) for t in self.rhs)))
        return tuple(out)


@dataclass(frozen=True)
class ViewSpec:
    """The warehouse's wide view of a table: its name and shape (warehouse/wide.py builds it)."""

    name: str
    shape: Literal["rows", "report"]  # one row per report and printed row, or one per report
    by_block: bool = False  # rows are keyed by block too (table 2)
    rename: dict[str, str] = field(default_factory=dict)  # column code -> view column (SQL keywords)

    def column(self, code: str) -> str:
        """The view's name for a column code."""
        return self.rename.get(code, code)


@dataclass(frozen=True, eq=False)
class TableSpec:
    """Rows, columns and groups of one statistical table."""

    id: TableId
    anchors: tuple[str, ...]
    rows: tuple[Label, ...]
    columns: tuple[Label, ...]
    groups: tuple[Label, ...] = ()
    sets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    number: int = 0  # its number in the form: 2, 3, 4
    name: str = ""  # its short name, e.g. 主动公开
    caption: str | None = None  # a blocks table: the words that open a block caption (第二十条)
    weak_anchors: tuple[str, ...] = ()  # words that mark the table only in its section, or two together
    view: ViewSpec | None = None  # its wide view in the warehouse
    kind: TableKind = "grid"  # how it is built: blocks, groups or a fixed grid ([tables] in the file)
    blocks: tuple[Block, ...] = ()  # a blocks table: its 第二十条 blocks
    section: str | None = None  # the code of the section that holds it

    @property
    def title(self) -> str:
        """How messages and exports name the table: "table 2 (主动公开)"."""
        return f"table {self.number} ({self.name})"

    @cached_property
    def varies(self) -> bool:
        """True when its rows, columns or blocks differ between the variants (the variant is recorded)."""
        if any(
            b.rows[VARIANTS[0]] != b.rows[v] or b.columns[VARIANTS[0]] != b.columns[v]
            for b in self.blocks
            for v in VARIANTS
        ):
            return True
        return any(x.variant != "both" for x in (*self.rows, *self.columns))

    @property
    def variant_column(self) -> str:
        """The column of the warehouse's `reports` that records the table's variant."""
        return f"variant_{self.id}"

    def cells(self, variant: str | None) -> list[tuple[str, str, str]]:
        """(table, row code, column code) of every cell the table has in a variant.

        A table that varies has no cells for an unknown variant (None); a grid has the same in all.
        """
        if self.varies and variant is None:
            return []
        if self.blocks:
            assert variant is not None
            return [(self.id, r, c) for b in self.blocks for r in b.rows[variant] for c in b.columns[variant]]
        return [(self.id, r.code, c.code) for r in self.rows_for(variant) for c in self.columns]

    @cached_property
    def row_by_code(self) -> dict[str, Label]:
        return {r.code: r for r in self.rows}

    @cached_property
    def column_by_code(self) -> dict[str, Label]:
        return {c.code: c for c in self.columns}

    def rows_for(self, variant: str | None) -> tuple[Label, ...]:
        return tuple(r for r in self.rows if r.variant in ("both", variant))

    def match_row(self, normed: str, group: str | None = None) -> Label | None:
        """The row an already normalised label names; `group` is the （三）-style context it sits in.

        Parenthesised notes are tried stripped first (Hubei 2020 labels carry long instructions in
        parentheses that may themselves mention other rows), then as printed.
        """
        for text in _candidates(normed):
            for r in self.rows:
                if r.group and r.group != group and not normed.startswith(f"({r.group})"):
                    continue
                if r.matches(text):
                    return r
        return None

    def match_column(self, normed: str) -> Label | None:
        for text in _candidates(normed):
            for c in self.columns:
                if c.matches(text):
                    return c
        return None

    def match_group(self, normed: str) -> Label | None:
        for g in self.groups:
            if g.matches(normed):
                return g
        return None

    def expand(self, names: tuple[str, ...]) -> tuple[str, ...]:
        """Resolve "@set" names of an identity into codes."""
        out: list[str] = []
        for n in names:
            out.extend(self.sets[n[1:]] if n.startswith("@") else (n,))
        return tuple(out)


@dataclass(frozen=True)
class NarrativeCheck:
    """A figure the free text states, to be compared with the sum of some cells.

    `pattern` runs over the narrative with all whitespace removed; its first group is the figure.
    """

    rule: str
    pattern: re.Pattern[str]
    cells: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True, eq=False)
class Template:
    """The whole template: sections, the statistical tables in order, variant rules, identities.

    A Template compares and hashes by identity (it holds dicts), so caches may key on it.
    """

    sections: tuple[Label, ...]
    tables: tuple[TableSpec, ...]
    identities: tuple[Identity, ...]
    cross_year: tuple[CrossYear, ...]
    variant_rules: dict[str, tuple[str, ...]]
    raw: dict[str, Any]
    narrative_checks: tuple[NarrativeCheck, ...] = ()
    narrative_first: tuple[str, ...] = ()  # sections whose text is searched first, in this order
    label_order: tuple[TableId, ...] = ()  # tables in the order their row labels are tried
    anchor_order: tuple[TableId, ...] = ()  # tables in the order their anchors are tried
    township_nil: tuple[tuple[TableId, str], ...] = ()  # (table, row) a township cannot have

    @cached_property
    def table_ids(self) -> tuple[TableId, ...]:
        """The ids of the tables, in the form's order."""
        return tuple(t.id for t in self.tables)

    @cached_property
    def varied(self) -> tuple[TableSpec, ...]:
        """The tables whose variant is recorded per report (their labels differ between variants)."""
        return tuple(t for t in self.tables if t.varies)

    def table(self, table_id: str) -> TableSpec:
        """The table of an id; KeyError names the known ones."""
        for t in self.tables:
            if t.id == table_id:
                return t
        raise KeyError(f"no table {table_id!r}; known: {list(self.table_ids)}")

    def of_kind(self, kind: TableKind) -> TableSpec:
        """The one table of a kind (blocks, groups, grid); KeyError when there is none or several."""
        found = [t for t in self.tables if t.kind == kind]
        if len(found) != 1:
            raise KeyError(f"{len(found)} tables of kind {kind!r}; known: {[t.kind for t in self.tables]}")
        return found[0]

    def of_section(self, section: str) -> TableSpec:
        """The table a section holds (its `table` in [sections])."""
        for t in self.tables:
            if t.section == section:
                return t
        raise KeyError(f"section {section!r} holds no table")

    @property
    def blocks(self) -> tuple[Block, ...]:
        """The 第二十条 blocks of the blocks table."""
        return tuple(b for t in self.tables for b in t.blocks)

    def block(self, item: str) -> Block:
        for b in self.blocks:
            if b.item == item:
                return b
        raise KeyError(f"no table-2 block 第二十条第（{item}）项; known: {[b.item for b in self.blocks]}")

    def block_of_row(self, row_code: str) -> Block:
        item = self.of_kind("blocks").row_by_code[row_code].block
        assert item is not None
        return self.block(item)

    def match_section(self, normed: str) -> Label | None:
        for s in self.sections:
            if s.matches(normed):
                return s
        return None

    def expected_cells(self, variants: Mapping[str, str | None]) -> list[tuple[str, str, str]]:
        """(table, row code, column code) of every cell a complete report of these variants has.

        Args:
            variants: table id -> the report's variant of it (a table whose variant is unknown has
                no expected cells; one that does not vary has them all).
        """
        return [k for t in self.tables for k in t.cells(variants.get(t.id))]

    def as_dict(self) -> dict[str, Any]:
        """The template as plain data, for `nianbao schema --json`."""
        return self.raw


@lru_cache(maxsize=1)
def load_template() -> Template:
    """Read and check the bundled template file."""
    text = resources.files("nianbao.schemas").joinpath("templates/template.toml").read_text("utf-8")
    data = tomllib.loads(text)

    sections = _labels(data["sections"]["items"])
    section_of = {s.table: s.code for s in sections if s.table}

    def blocks_of(tid: TableId) -> tuple[Block, ...]:
        return tuple(
            Block(
                item=b["item"],
                label=b["label"],
                columns={v: tuple(b[f"columns_{v}"]) for v in VARIANTS},
                rows={v: tuple(b[f"rows_{v}"]) for v in VARIANTS},
            )
            for b in data[tid].get("blocks", [])
        )

    def table(tid: TableId) -> TableSpec:
        t = data[tid]
        kind = t.get("kind", "grid")
        if kind not in get_args(TableKind):
            raise ValueError(f"table {tid}: unknown kind {kind!r}")
        return TableSpec(
            tid,
            tuple(t["anchors"]),
            _labels(t["rows"]),
            _labels(t["columns"]),
            _labels(t.get("groups", [])),
            {k: tuple(v) for k, v in t.get("row_sets", {}).items()},
            number=t["number"],
            name=t["name"],
            caption=t.get("caption"),
            weak_anchors=tuple(t.get("weak_anchors", [])),
            view=ViewSpec(**t["view"]) if "view" in t else None,
            kind=kind,
            blocks=blocks_of(tid),
            section=section_of.get(tid),
        )

    order = tuple(data["tables"]["order"])
    tables = {tid: table(tid) for tid in order}
    identities = tuple(
        Identity(i["code"], i["number"], i["table"], i["along"], tuple(i["lhs"]), tuple(i["rhs"]), i["rule"])
        for i in data["identities"]
    )

    def terms(items: list[dict[str, Any]]) -> tuple[Term, ...]:
        return tuple(Term(t["year"] == "previous", t["code"], int(t.get("sign", 1))) for t in items)

    def over(c: dict[str, Any]) -> tuple[str, ...]:
        table = tables[c["table"]]
        every = table.rows if c["each"] == "row" else table.columns
        return tuple(c.get("over") or (x.code for x in every))

    cross_year = tuple(
        CrossYear(c["code"], c["table"], c["each"], over(c), terms(c["lhs"]), terms(c["rhs"]), c["rule"])
        for c in data.get("cross_year", [])
    )
    narrative = data.get("narrative", {})
    checks = tuple(
        NarrativeCheck(
            n["rule"],
            re.compile(n["pattern"]),
            tuple((c["table"], c["row"], c["column"]) for c in n["cells"]),
        )
        for n in narrative.get("checks", [])
    )
    tpl = Template(
        sections=sections,
        tables=tuple(tables.values()),
        identities=identities,
        cross_year=cross_year,
        variant_rules={k: tuple(v) for k, v in data["variants"].items()},
        raw=data,
        narrative_checks=checks,
        narrative_first=tuple(narrative.get("sections_first", [])),
        label_order=tuple(data["tables"].get("label_order", order)),
        anchor_order=tuple(data["tables"].get("anchor_order", order)),
        township_nil=tuple(
            (c["table"], c["row"]) for c in data.get("plausibility", {}).get("township_nil", [])
        ),
    )
    _check(tpl)
    return tpl


def _check(tpl: Template) -> None:
    """Fail loudly on a template file whose codes do not refer to each other."""
    for t in tpl.tables:
        for b in t.blocks:
            for v in VARIANTS:
                for c in b.columns[v]:
                    if c not in t.column_by_code:
                        raise ValueError(f"{t.id} block {b.item}: unknown column code {c!r}")
                for r in b.rows[v]:
                    if r not in t.row_by_code:
                        raise ValueError(f"{t.id} block {b.item}: unknown row code {r!r}")
    for order in (tpl.label_order, tpl.anchor_order):
        for tid in order:
            tpl.table(tid)
    for tid, row in tpl.township_nil:
        if row not in tpl.table(tid).row_by_code:
            raise ValueError(f"[plausibility] township_nil: unknown row {tid}.{row}")
    for check in tpl.narrative_checks:
        if check.pattern.groups < 1:
            raise ValueError(f"narrative check {check.rule}: the pattern has no group for the figure")
        for tid, row, col in check.cells:
            t = tpl.table(tid)
            if row not in t.row_by_code or col not in t.column_by_code:
                raise ValueError(f"narrative check {check.rule}: unknown cell {tid}.{row}.{col}")
    for ident in tpl.identities:
        table = tpl.table(ident.table)
        known = set(table.row_by_code) | set(table.column_by_code)
        for code in table.expand(ident.lhs + ident.rhs):
            if code not in known:
                raise ValueError(f"identity {ident.code}: unknown code {code!r}")
    for chain in tpl.cross_year:
        table = tpl.table(chain.table)
        known = set(table.row_by_code) | set(table.column_by_code)
        for code in [*chain.over, *(t.code for t in chain.lhs + chain.rhs)]:
            if code not in known:
                raise ValueError(f"cross-year chain {chain.code}: unknown code {code!r}")


TEMPLATE = load_template()
