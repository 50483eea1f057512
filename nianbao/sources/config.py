"""`sources.yaml`: which district, which townships, and where each one's reports are.

Format (paths are relative to the yaml file; every list is optional)::

    allowed_hosts: [www.qingshui.gov.cn]   # besides *.gov.cn, which is always allowed
    district:                              # or `districts:` with a list of these
      name: 清水区
      code: "330199"                       # 统计用区划代码; also `province:` and `city:`
      first_year: 2019                     # reports are due from this year (default: the first found)
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

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from nianbao.schemas.errors import NianbaoError, UnknownSetting

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
_DISTRICT_KEYS = ("name", "code", "province", "city", "first_year", "townships", *_PLACES)
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
    first_year: int | None = None  # a district's first report year: coverage is due from it

    def as_dict(self) -> dict[str, Any]:
        """The row handed to `Warehouse.load(regions=...)`: the columns of the `regions` table
        (`first_year` only when the district configures it)."""
        row: dict[str, Any] = {
            "province": self.province,
            "city": self.city,
            "district": self.district,
            "township": self.name if self.level == "township" else None,
            "code": self.code,
        }
        if self.first_year is not None:
            row["first_year"] = self.first_year
        return row


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

    def region_lookup(self) -> dict[str, dict[str, Any]]:
        """`region_rows()`, and each township also under its name when no other township has it.

        A district portal's crawl attributes a file to a township by name (the crawler reads 乡镇
        columns, breadcrumbs, 发布机构); this finds the configured township, code and all, for it.
        """
        rows = self.region_rows()
        towns: dict[str, list[Region]] = {}
        for r in self.regions:
            if r.level == "township":
                towns.setdefault(r.name, []).append(r)
        for name, found in towns.items():
            if len(found) == 1 and name not in rows:
                rows[name] = found[0].as_dict()
        return rows

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


MAX_YAML_BYTES = 4 * 2**20  # a province's sources.yaml is a few hundred KB
MAX_YAML_NODES = 1_000_000  # after aliases are expanded: an alias bomb is refused, not expanded


def _load_yaml(p: Path) -> Any:
    """The YAML document, refused when over MAX_YAML_BYTES or when its aliases expand past MAX_YAML_NODES."""
    with open(p, "rb") as fh:  # a sources.yaml is the user's own file: a plain open (not a FIFO check)
        raw = fh.read(MAX_YAML_BYTES + 1)
    if len(raw) > MAX_YAML_BYTES:
        raise SourcesError(str(p), f"over {MAX_YAML_BYTES // 2**20} MB: not a sources file")
    text = raw.decode("utf-8")
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is None:
        return {}
    sizes: dict[int, int] = {}

    def expanded(node: yaml.Node) -> int:  # shared (aliased) nodes are counted once per use, computed once
        if id(node) not in sizes:
            sizes[id(node)] = 0  # a recursive alias counts as nothing more (safe_load refuses it anyway)
            if isinstance(node, yaml.SequenceNode):
                n = 1 + sum(expanded(c) for c in node.value)
            elif isinstance(node, yaml.MappingNode):
                n = 1 + sum(expanded(k) + expanded(v) for k, v in node.value)
            else:
                n = 1
            sizes[id(node)] = n
        return sizes[id(node)]

    if expanded(root) > MAX_YAML_NODES:
        raise SourcesError(
            str(p), f"its aliases expand to over {MAX_YAML_NODES:,} values: not a sources file"
        )
    return yaml.safe_load(text) or {}


def parse_sources(path: str | Path, allowed_hosts: tuple[str, ...] = ()) -> SourcesConfig:
    """Parse one sources.yaml; unknown keys raise `UnknownSetting` listing the valid ones.

    Every other mistake (a list where a name belongs, a number where a list of paths belongs)
    raises `SourcesError` naming where it is, e.g. `districts[0].townships[2].globs`.
    """
    p = Path(path)
    try:
        data = _load_yaml(p)
    except RecursionError as exc:  # PyYAML composes nested nodes recursively
        raise SourcesError(str(p), "nested too deeply: not a sources file") from exc
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SourcesError(str(p), f"cannot read: {exc}") from exc
    if not isinstance(data, dict):
        raise SourcesError(str(p), "expected a mapping at the top level")
    _check_keys(data, _TOP_KEYS, p, "the top level")
    if data.get("districts") is not None:
        districts, where = _list_of(data["districts"], p, "districts"), "districts"
    else:
        districts, where = ([data["district"]] if data.get("district") else []), "district"
    if not districts:
        raise SourcesError(str(p), "no `district:` (or `districts:`) given")
    sources: list[Source] = []
    regions: list[Region] = []
    shared = _shared_names(districts)
    for i, d in enumerate(districts):
        at = f"{where}[{i}]" if where == "districts" else where
        _check_keys(d, _DISTRICT_KEYS, p, at)
        district = _region(d, "district", None, p, d, at)
        regions.append(district)
        sources += _places(d, district.key, district.name, p, "district", at)
        for j, t in enumerate(_list_of(d.get("townships"), p, f"{at}.townships")):
            _check_keys(t, _TOWNSHIP_KEYS, p, f"{at}.townships[{j}]")
            town = _region(t, "township", district.key, p, d, f"{at}.townships[{j}]", shared)
            regions.append(town)
            sources += _places(t, town.key, district.name, p, "township", f"{at}.townships[{j}]")
    hosts = tuple(_scalars(data.get("allowed_hosts"), p, "allowed_hosts")) + tuple(allowed_hosts)
    return SourcesConfig(sources=tuple(sources), regions=tuple(regions), allowed_hosts=hosts, origin=str(p))


def _shared_names(districts: list[Any]) -> set[str]:
    """Names of townships without a code that more than one district has (新城街道): keyed by district too."""
    seen: dict[str, set[str]] = {}
    for d in districts:
        if isinstance(d, dict) and isinstance(d.get("townships"), list):
            for t in d["townships"]:
                if isinstance(t, dict) and not t.get("code") and isinstance(t.get("name"), str):
                    seen.setdefault(t["name"], set()).add(str(d.get("name")))
    return {name for name, where in seen.items() if len(where) > 1}


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_keys(obj: Any, valid: tuple[str, ...], file: Path, where: str) -> None:
    if not isinstance(obj, dict):
        raise SourcesError(str(file), f"{where}: expected a mapping (name: …), got {_short(obj)}")
    for key in obj:
        if key not in valid:
            raise UnknownSetting(str(key), list(valid))


def _list_of(value: Any, file: Path, where: str) -> list[Any]:
    """A YAML list (missing: empty); anything else is a mistake named by where it is."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise SourcesError(str(file), f"{where}: expected a list, got {_short(value)}")
    return value


def _scalar(value: Any, file: Path, where: str) -> str | None:
    """A name, code or path: text or a number (codes are often written unquoted); None when missing."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise SourcesError(str(file), f"{where}: expected text, got {_short(value)}")
    return str(value)


def _scalars(value: Any, file: Path, where: str) -> list[str]:
    """A list of names, paths or URLs; one given alone counts as a list of one."""
    items = [value] if isinstance(value, str) else _list_of(value, file, where)
    return [s for i, v in enumerate(items) if (s := _scalar(v, file, f"{where}[{i}]")) is not None]


def _region(
    obj: dict[str, Any],
    level: Literal["district", "township"],
    parent: str | None,
    file: Path,
    district: dict[str, Any],
    where: str,
    shared: Collection[str] = (),
) -> Region:
    name = _scalar(obj.get("name"), file, f"{where}.name")
    if not name:
        raise SourcesError(str(file), f"{where}: a {level} without a name")
    code = _scalar(obj.get("code"), file, f"{where}.code") or None
    first = obj.get("first_year") if level == "district" else None
    if first is not None and (
        isinstance(first, bool) or not isinstance(first, int) or not 2008 <= first <= 2100
    ):
        raise SourcesError(str(file), f"{where}.first_year: a year such as 2019, not {first!r}")
    return Region(
        key=code or (f"{district['name']}{name}" if name in shared else name),
        name=name,
        level=level,
        parent=parent,
        code=code,
        province=_scalar(district.get("province"), file, "province"),
        city=_scalar(district.get("city"), file, "city"),
        district=str(district["name"]),
        first_year=first,
    )


def _places(
    obj: dict[str, Any],
    region: str,
    district: str,
    file: Path,
    level: Literal["district", "township"],
    where: str,
) -> list[Source]:
    out: list[Source] = []
    for key in _PLACES:
        for loc in _scalars(obj.get(key), file, f"{where}.{key}"):
            if _KIND[key] in ("folder", "file", "glob") and not Path(loc).is_absolute():
                loc = str(file.parent / loc)
            out.append(Source(_KIND[key], loc, region, district, level))
    return out


def _is_attachment(url: str) -> bool:
    from nianbao.sources.crawl.urls import link_kind

    return link_kind(url) == "attachment"


__all__ = ["Region", "Source", "SourceKind", "SourcesConfig", "SourcesError", "load_sources", "parse_sources"]
