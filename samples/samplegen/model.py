"""The numbers model of the fictional 云岭区: true values per township and year, before printing.

Everything here is invented. Values are drawn from a seeded RNG per township, so the same seed
always gives the same corpus. Chains across years are kept: 上年结转 (Y) equals 结转下年度 (Y-1),
现行有效件数 and 上一年项目数量 roll forward, for every year 2020-2023 (2021 is modelled although
no 2021 report is rendered, so the 2022 figures still continue a real chain).

Codes are those of schemas/templates/template.toml (TEMPLATE), never labels.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from nianbao.schemas import TEMPLATE

YEARS = (2020, 2021, 2022, 2023)
T3_PARTS: tuple[str, ...] = TEMPLATE.of_kind("groups").sets["parts"]
T3_COLS: tuple[str, ...] = tuple(c.code for c in TEMPLATE.of_kind("groups").columns)
T4_PARTS: tuple[str, ...] = TEMPLATE.of_kind("grid").sets["parts"]
T4_ROWS: tuple[str, ...] = tuple(r.code for r in TEMPLATE.of_kind("grid").rows)
# Result rows of the 2021 row set; the 2019 single row r6 is their （六） sum.
RESULT_ROWS_2021: tuple[str, ...] = tuple(r for r in TEMPLATE.of_kind("groups").sets["results"] if r != "r6")
RESULT_WEIGHTS = {
    "r1_open": 30,
    "r2_partial": 6,
    "r3_1": 0.2,
    "r3_2": 0.5,
    "r3_3": 0.3,
    "r3_4": 1.5,
    "r3_5": 1,
    "r3_6": 1,
    "r3_7": 0.3,
    "r3_8": 1,
    "r4_1": 8,
    "r4_2": 2,
    "r4_3": 1,
    "r5_1": 2,
    "r5_2": 2,
    "r5_3": 0.3,
    "r5_4": 0.3,
    "r5_5": 0.5,
    "r6_1": 1,
    "r6_2": 0.2,
    "r6_3": 1.5,
}


@dataclass(frozen=True)
class Township:
    """A fictional township of the fictional 青溪市云岭区."""

    code: str  # ASCII file stem
    name: str  # e.g. 松溪镇
    kind: str  # 镇, 乡 or 街道

    @property
    def issuer(self) -> str:
        suffix = "办事处" if self.kind == "街道" else "人民政府"
        return f"青溪市云岭区{self.name}{suffix}"

    @property
    def we(self) -> str:
        """How the body refers to itself: 我镇 / 我乡 / 我街道."""
        return f"我{self.kind}"

    @property
    def alt_issuers(self) -> list[str]:
        return [
            self.name,
            f"云岭区{self.name}",
            f"青溪市云岭区{self.name}",
            self.issuer.removeprefix("青溪市"),
        ]


TOWNSHIPS: tuple[Township, ...] = (
    Township("songxi", "松溪镇", "镇"),
    Township("bailu", "白鹭镇", "镇"),
    Township("qinglan", "青岚乡", "乡"),
    Township("heming", "鹤鸣乡", "乡"),
    Township("fenglin", "枫林街道", "街道"),
    Township("wangyue", "望月街道", "街道"),
    Township("shiquan", "石泉镇", "镇"),
    Township("qingshui", "清水镇", "镇"),
)
TOWNSHIP = {t.code: t for t in TOWNSHIPS}

Number = int | float


@dataclass
class YearData:
    """True values of one township-year. t2 is keyed (row, col) for both table-2 variants."""

    t2_2019: dict[tuple[str, str], Number] = field(default_factory=dict)
    t2_2021: dict[tuple[str, str], Number] = field(default_factory=dict)
    extra_other_docs: tuple[int, int, int] = (0, 0, 0)  # Hubei-style extra row (made, published, total)
    t3: dict[str, dict[str, int]] = field(default_factory=dict)  # 2021 row set
    t4: dict[str, dict[str, int]] = field(default_factory=dict)

    def t3_rows(self, variant: str) -> dict[str, dict[str, int]]:
        """Table 3 in a variant's row set: 2019 folds （六）1-3 into the single row （六）其他处理."""
        if variant == "2021":
            return self.t3
        out: dict[str, dict[str, int]] = {}
        for row in (r.code for r in TEMPLATE.of_kind("groups").rows_for("2019")):
            if row == "r6":
                out[row] = {c: sum(self.t3[r][c] for r in ("r6_1", "r6_2", "r6_3")) for c in T3_COLS}
            else:
                out[row] = dict(self.t3[row])
        return out


@dataclass(frozen=True)
class Tweak:
    """A deliberate deviation of the model for one township-year (a planted finding)."""

    zero: bool = False  # nothing happened (the no-data report)
    carried_in_recount: int = 0  # 上年结转 differs from last year's 结转下年度 by this much (自然人)
    rules: tuple[int, int, int] | None = None  # 规章 (issued, repealed, in_force) in a township report
    review_parts: tuple[int, int, int, int] | None = None  # 行政复议 parts


def _t3(rng: random.Random, carried_in: dict[str, int], tw: Tweak) -> dict[str, dict[str, int]]:
    rows = [r.code for r in TEMPLATE.of_kind("groups").rows_for("2021")]
    t3 = {r: dict.fromkeys(T3_COLS, 0) for r in rows}
    hi = {
        "natural": 14,
        "business": 3,
        "research": 1,
        "public_interest": 1,
        "legal_service": 2,
        "other_org": 1,
    }
    for c in T3_PARTS:
        if tw.zero:
            new = 0
        elif c in ("natural", "business"):
            new = rng.randint(0, hi[c]) + (3 if c == "natural" else 0)
        else:
            new = rng.choice([0, 0, 0, rng.randint(0, hi[c])])
        cin = carried_in.get(c, 0)
        if c == "natural":
            cin += tw.carried_in_recount
        avail = new + cin
        out = (
            0
            if tw.zero
            else min(avail, rng.choice([0, 0, 0, 1, 1, 2]) if c == "natural" else rng.choice([0] * 8 + [1]))
        )
        t3["new"][c], t3["carried_in"][c], t3["carry_over"][c] = new, cin, out
        weights = [RESULT_WEIGHTS[r] for r in RESULT_ROWS_2021]
        for _ in range(avail - out):
            t3[rng.choices(RESULT_ROWS_2021, weights)[0]][c] += 1
        t3["r7_total"][c] = sum(t3[r][c] for r in RESULT_ROWS_2021)
    for r in rows:
        t3[r]["total"] = sum(t3[r][c] for c in T3_PARTS)
    return t3


def _t4(rng: random.Random, tw: Tweak) -> dict[str, dict[str, int]]:
    t4: dict[str, dict[str, int]] = {}
    for row in T4_ROWS:
        parts = dict.fromkeys(T4_PARTS, 0)
        if not tw.zero and rng.random() < (0.35 if row == "review" else 0.15):
            parts["upheld"] = rng.randint(0, 2)
            parts["corrected"] = rng.randint(0, 1)
            parts["pending"] = rng.choice([0, 0, 1])
        if row == "review" and tw.review_parts:
            parts = dict(zip(T4_PARTS, tw.review_parts, strict=True))
        t4[row] = {**parts, "total": sum(parts.values())}
    return t4


def build_township(seed: int, tw_code: str, tweaks: dict[int, Tweak]) -> dict[int, YearData]:
    """True values of one township for every modelled year."""
    rng = random.Random(f"{seed}:{tw_code}")
    items = {r: rng.randint(1, 40) for r in ("licensing", "other_services", "penalty", "enforcement")}
    items["fees"] = rng.randint(0, 3)
    stock_2019 = rng.randint(3, 30)  # 对外公开总数量 of 规范性文件
    in_force = rng.randint(0, 6)  # 现行有效件数 of 行政规范性文件
    rules_in_force = 0
    carry = {c: (rng.choice([0, 0, 1]) if c == "natural" else 0) for c in T3_PARTS}
    out: dict[int, YearData] = {}
    for year in YEARS:
        tw = tweaks.get(year, Tweak())
        yd = YearData()
        # table 2, 2019 layout
        made = 0 if tw.zero else rng.randint(0, 4)
        stock_2019 += made
        yd.t2_2019 |= {
            ("rules", "made"): 0,
            ("rules", "published"): 0,
            ("rules", "public_total"): 0,
            ("normative", "made"): made,
            ("normative", "published"): made,
            ("normative", "public_total"): stock_2019,
        }
        decisions = {r: (0 if tw.zero else rng.randint(0, 300 if r != "enforcement" else 12)) for r in items}
        for r in ("licensing", "other_services", "penalty", "enforcement", "fees"):
            delta = 0 if tw.zero else rng.choice([0, 0, 0, 1, 2, 3, -1, -2])
            delta = max(delta, -items[r])
            yd.t2_2019[(r, "prev_items")] = items[r]
            yd.t2_2019[(r, "delta")] = delta
            if r != "fees":
                yd.t2_2019[(r, "decisions")] = decisions[r]
            items[r] += delta
        n_proc = 0 if tw.zero else rng.randint(0, 6)
        yd.t2_2019[("procurement", "procured_items")] = n_proc
        yd.t2_2019[("procurement", "procured_amount")] = n_proc * rng.randint(8000, 90000)
        yd.extra_other_docs = (made + 5, made + 5, stock_2019 + 40)
        # table 2, 2021 layout
        issued = 0 if tw.zero else rng.choice([0, 0, 1, 1, 2, 3])
        repealed = 0 if tw.zero else min(in_force + issued, rng.choice([0, 0, 0, 1]))
        in_force += issued - repealed
        r_issued, r_repealed, r_in_force = tw.rules or (0, 0, 0)
        rules_in_force = r_in_force if tw.rules else rules_in_force
        yd.t2_2021 |= {
            ("rules", "issued"): r_issued,
            ("rules", "repealed"): r_repealed,
            ("rules", "in_force"): rules_in_force,
            ("normative", "issued"): issued,
            ("normative", "repealed"): repealed,
            ("normative", "in_force"): in_force,
        }
        for r in ("licensing", "penalty", "enforcement"):
            yd.t2_2021[(r, "decisions")] = decisions[r]
        fee = 0.0 if tw.zero or rng.random() < 0.4 else round(rng.uniform(0.01, 3.0), 3)
        yd.t2_2021[("fees", "fee_amount")] = fee
        # tables 3 and 4
        yd.t3 = _t3(rng, carry, tw)
        carry = {c: yd.t3["carry_over"][c] for c in T3_PARTS}
        yd.t4 = _t4(rng, tw)
        out[year] = yd
    return out
