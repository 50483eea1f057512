"""`sources.yaml`: which district, which townships, and where each one's reports are.

Format (paths are relative to the yaml file; every list is optional)::

    allowed_hosts: [www.qingshui.gov.cn]   # besides *.gov.cn, which is always allowed
    district:                              # or `districts:` with a list of these
      name: 清水区
      code: "330199"                       # 统计用区划代码; also `province:` and `city:`
      folders: [reports/district]          # local folders, searched recursively
      files: [reports/extra/2021.docx]     # single local files
      globs: ["reports/*/qingshui_*"]      # local files by pattern (** for any depth)
      urls: [https://www.qingshui.gov.cn/art/2022/1/20/art_1_2.html]   # report pages or attachments
      list_pages: [https://www.qingshui.gov.cn/col/col123/index.html]  # columns or portal entry pages
      # a district's list_pages may name its 政府信息公开 entry page: the crawler finds each township's
      # 年报 column there (乡镇/街道 → 镇名 → 年报) and attributes reports by breadcrumb, 发布机构, title
      townships:
        - name: 清水镇
          code: "330199001"
          folders: [reports/qingshui]

A bare folder or URL is also a source (`SourcesConfig.from_locations`), so `nianbao run --source DIR`
needs no yaml.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from schemas.errors import NianbaoError, UnknownSetting

SourceKind = Literal["folder", "file", "glob", "url", "list_page"]
_PLACES = ("folders", "files", "globs", "urls", "list_pages")
_KIND: dict[str, SourceKind] = {
    "folders": "folder",
    "files": "file",
    "globs": "glob",
    "urls": "url",
    "list_pages": "list_page",
}
_TOP_KEYS = ("allowed_hosts", "district", "districts")
_DISTRICT_KEYS = ("name", "code", "province", "city", "townships", *_PLACES)
_TOWNSHIP_KEYS = ("name", "code", *_PLACES)


class SourcesError(NianbaoError, ValueError):
    """A sources.yaml that cannot be used; names the file and what is wrong."""

    def __init__(self, file: str, reason: str) -> None:
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason


@dataclass(frozen=True)
class Source:
    """One place to look for reports: a folder, a file, a URL or a portal list page, and its region."""

    kind: SourceKind
    location: str
    region: str | None = None
    district: str | None = None  # the district name, for `backfill --district`
    level: Literal["district", "township"] | None = None  # of the region, when a sources.yaml says

    @property
    def is_local(self) -> bool:
        """True for folders, files and globs (no network, so no retries)."""
        return self.kind in ("folder", "file", "glob")


@dataclass(frozen=True)
class Region:
    """A district or township: its code (or name when no code is known), name, parent and place names."""

    key: str
    name: str
    level: Literal["district", "township"]
    parent: str | None = None
    code: str | None = None
    province: str | None = None
    city: str | None = None
    district: str | None = None  # the district's name (its own name for a district)

    def as_dict(self) -> dict[str, Any]:
        """The row handed to `Warehouse.load(regions=...)`: the columns of the `regions` table."""
        return {
            "province": self.province,
            "city": self.city,
            "district": self.district,
            "township": self.name if self.level == "township" else None,
            "code": self.code,
        }


@dataclass(frozen=True)
class SourcesConfig:
    """The parsed sources.yaml: its sources (in file order), regions, and extra allowed hosts."""

    sources: tuple[Source, ...] = ()
    regions: tuple[Region, ...] = ()
    allowed_hosts: tuple[str, ...] = ()
    origin: str = ""

    def region_rows(self) -> dict[str, dict[str, Any]]:
        """Regions keyed by code, as `Warehouse.load(regions=...)` takes them."""
        return {r.key: r.as_dict() for r in self.regions}

    def only_districts(self, districts: list[str]) -> SourcesConfig:
        """The sources of the districts named (by name or code); all sources when the list is empty."""
        if not districts:
            return self
        wanted = set(districts)
        keys = {
            r.key for r in self.regions if r.level == "district" and (r.key in wanted or r.name in wanted)
        }
        names = {r.name for r in self.regions if r.key in keys}
        known = sorted({r.name for r in self.regions if r.level == "district"})
        if not keys:
            raise SourcesError(
                self.origin, f"no district named {', '.join(districts)}; known: {', '.join(known)}"
            )
        return SourcesConfig(
            sources=tuple(s for s in self.sources if s.district in names),
            regions=tuple(r for r in self.regions if r.key in keys or r.parent in keys),
            allowed_hosts=self.allowed_hosts,
            origin=self.origin,
        )

    @classmethod
    def from_locations(cls, locations: list[str], allowed_hosts: tuple[str, ...] = ()) -> SourcesConfig:
        """Sources from bare folders, files and URLs (a URL to an .html page is crawled as a list page)."""
        out: list[Source] = []
        for loc in locations:
            if loc.startswith(("http://", "https://")):
                out.append(Source("url" if _is_attachment(loc) else "list_page", loc))
            else:
                out.append(Source("folder" if Path(loc).is_dir() else "file", str(Path(loc))))
        return cls(sources=tuple(out), allowed_hosts=allowed_hosts, origin=", ".join(locations))


def load_sources(spec: str | Path | list[str], allowed_hosts: tuple[str, ...] = ()) -> SourcesConfig:
    """Read a sources.yaml, or turn folders/files/URLs into sources.

    Args:
        spec: a path to sources.yaml, a folder (uses its sources.yaml when it has one), a file, a URL,
            or a list of those.
        allowed_hosts: hosts to allow besides *.gov.cn and those the yaml names.
    """
    items = [str(s) for s in spec] if isinstance(spec, list) else [str(spec)]
    if len(items) == 1:
        p = Path(items[0])
        if p.is_dir() and (p / "sources.yaml").is_file():
            p = p / "sources.yaml"
        if p.suffix in (".yaml", ".yml") and p.is_file():
            return parse_sources(p, allowed_hosts)
    return SourcesConfig.from_locations(items, allowed_hosts)


def parse_sources(path: str | Path, allowed_hosts: tuple[str, ...] = ()) -> SourcesConfig:
    """Parse one sources.yaml; unknown keys raise `UnknownSetting` listing the valid ones."""
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise SourcesError(str(p), f"cannot read: {exc}") from exc
    if not isinstance(data, dict):
        raise SourcesError(str(p), "expected a mapping at the top level")
    _check_keys(data, _TOP_KEYS)
    districts = data.get("districts") or ([data["district"]] if data.get("district") else [])
    if not districts:
        raise SourcesError(str(p), "no `district:` (or `districts:`) given")
    sources: list[Source] = []
    regions: list[Region] = []
    for d in districts:
        _check_keys(d, _DISTRICT_KEYS)
        district = _region(d, "district", None, p, d)
        regions.append(district)
        sources += _places(d, district.key, district.name, p.parent, "district")
        for t in d.get("townships") or []:
            _check_keys(t, _TOWNSHIP_KEYS)
            town = _region(t, "township", district.key, p, d)
            regions.append(town)
            sources += _places(t, town.key, district.name, p.parent, "township")
    hosts = tuple(str(h) for h in data.get("allowed_hosts") or ()) + tuple(allowed_hosts)
    return SourcesConfig(sources=tuple(sources), regions=tuple(regions), allowed_hosts=hosts, origin=str(p))


def _check_keys(obj: Any, valid: tuple[str, ...]) -> None:
    if not isinstance(obj, dict):
        raise UnknownSetting(str(obj), list(valid))
    for key in obj:
        if key not in valid:
            raise UnknownSetting(str(key), list(valid))


def _region(
    obj: dict[str, Any],
    level: Literal["district", "township"],
    parent: str | None,
    file: Path,
    district: dict[str, Any],
) -> Region:
    name = obj.get("name")
    if not name:
        raise SourcesError(str(file), f"a {level} without a name: {obj}")
    code = str(obj["code"]) if obj.get("code") else None
    return Region(
        key=code or str(name),
        name=str(name),
        level=level,
        parent=parent,
        code=code,
        province=district.get("province"),
        city=district.get("city"),
        district=str(district["name"]),
    )


def _places(
    obj: dict[str, Any], region: str, district: str, base: Path, level: Literal["district", "township"]
) -> list[Source]:
    out: list[Source] = []
    for key in _PLACES:
        for loc in obj.get(key) or []:
            loc = str(loc)
            if _KIND[key] in ("folder", "file", "glob") and not Path(loc).is_absolute():
                loc = str(base / loc)
            out.append(Source(_KIND[key], loc, region, district, level))
    return out


def _is_attachment(url: str) -> bool:
    from sources.crawl.urls import link_kind

    return link_kind(url) == "attachment"


__all__ = ["Region", "Source", "SourceKind", "SourcesConfig", "SourcesError", "load_sources", "parse_sources"]
