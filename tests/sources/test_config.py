"""sources.yaml: parsing into sources and regions, relative paths, unknown keys rejected by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.schemas.errors import UnknownSetting
from nianbao.sources import Source, load_sources
from nianbao.sources.config import Region, SourcesError

YAML = """\
allowed_hosts: [127.0.0.1]
district:
  name: 清水区
  code: "330199"
  province: 浙江省
  city: 青山市
  folders: [reports/district]
  list_pages: [http://www.qingshui.gov.cn/col/col1/index.html]
  townships:
    - name: 清水镇
      code: "330199001"
      folders: [reports/qingshui]
      urls: [http://www.qingshui.gov.cn/art/2022/1/20/art_1_2.html]
    - name: 白石乡
      files: [/abs/baishi_2021.docx]
"""


def test_parse_sources_yaml(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text(YAML, encoding="utf-8")
    cfg = load_sources(tmp_path)  # a folder with a sources.yaml uses it
    assert cfg.allowed_hosts == ("127.0.0.1",)
    assert cfg.sources == (
        Source("folder", str(tmp_path / "reports/district"), "330199", "清水区", "district"),
        Source("list_page", "http://www.qingshui.gov.cn/col/col1/index.html", "330199", "清水区", "district"),
        Source("folder", str(tmp_path / "reports/qingshui"), "330199001", "清水区", "township"),
        Source(
            "url", "http://www.qingshui.gov.cn/art/2022/1/20/art_1_2.html", "330199001", "清水区", "township"
        ),
        Source("file", "/abs/baishi_2021.docx", "白石乡", "清水区", "township"),
    )
    assert cfg.regions[1] == Region(
        "330199001", "清水镇", "township", "330199", "330199001", "浙江省", "青山市", "清水区"
    )
    assert cfg.region_rows()["330199001"] == {
        "province": "浙江省",
        "city": "青山市",
        "district": "清水区",
        "township": "清水镇",
        "code": "330199001",
    }
    assert cfg.region_rows()["白石乡"]["code"] is None
    assert cfg.region_rows()["330199"]["township"] is None


def test_unknown_key_is_named_with_valid_keys(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text(
        YAML.replace("      folders: [reports/qingshui]", "      folder: [x]"), "utf-8"
    )
    with pytest.raises(UnknownSetting) as err:
        load_sources(tmp_path / "sources.yaml")
    assert err.value.key == "folder"
    assert "valid settings: code, files, folders, globs, list_pages, name, urls" in str(err.value)


def test_unknown_top_level_key(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text("distrct: {name: x}\n", "utf-8")
    with pytest.raises(UnknownSetting, match="'distrct'.*allowed_hosts, district, districts"):
        load_sources(tmp_path / "s.yaml")


def test_only_districts(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text(YAML, encoding="utf-8")
    cfg = load_sources(tmp_path)
    assert cfg.only_districts(["330199"]).sources == cfg.sources
    with pytest.raises(SourcesError, match="no district named 北山区; known: 清水区"):
        cfg.only_districts(["北山区"])


def test_bare_locations(tmp_path: Path) -> None:
    cfg = load_sources([str(tmp_path), "http://a.gov.cn/x/nb.pdf", "http://a.gov.cn/col/index.html"])
    assert [s.kind for s in cfg.sources] == ["folder", "url", "list_page"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("allowed_hosts: [[1, 2]]\ndistrict: {name: 清水区}", "allowed_hosts[0]: expected text, got [1, 2]"),
        ("district: [1, 2]", "district: expected a mapping (name: …), got [1, 2]"),
        ("districts: {a: 1}", "districts: expected a list, got {'a': 1}"),
        ("districts: [{name: 甲区}, 5]", "districts[1]: expected a mapping (name: …), got 5"),
        ("district: {name: 清水区, townships: abc}", "district.townships: expected a list, got 'abc'"),
        ("district: {name: 清水区, townships: [{name: [1]}]}", "district.townships[0].name: expected text, got [1]"),
        ("district: {name: 清水区, townships: [{name: 甲镇, globs: 7}]}", "district.townships[0].globs: expected a list, got 7"),
        ("district: {name: 清水区, code: {a: 1}}", "district.code: expected text, got {'a': 1}"),
        ("district: {name: 清水区, townships: [{code: 1}]}", "district.townships[0]: a township without a name"),
        ("district: {name: 清水区, city: yes}", "city: expected text, got True"),
    ],
)  # fmt: skip
def test_mistakes_are_named_where_they_are(tmp_path: Path, text: str, reason: str) -> None:
    (tmp_path / "sources.yaml").write_text(text + "\n", "utf-8")
    with pytest.raises(SourcesError) as err:
        load_sources(tmp_path / "sources.yaml")
    assert err.value.reason == reason


def test_a_lone_path_is_a_list_of_one(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text(
        "district: {name: 清水区, code: 330199, folders: reports}\n", "utf-8"
    )
    config = load_sources(tmp_path / "sources.yaml")
    assert [(s.kind, s.location, s.region) for s in config.sources] == [
        ("folder", str(tmp_path / "reports"), "330199")
    ]


def test_an_alias_bomb_is_refused_not_expanded(tmp_path: Path) -> None:
    levels = ['  - &l0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    levels += [f"  - &l{k} [{', '.join([f'*l{k - 1}'] * 9)}]" for k in range(1, 9)]  # 9^9 strings
    (tmp_path / "sources.yaml").write_text(
        "allowed_hosts:\n" + "\n".join(levels) + "\ndistrict: {name: 清水区}\n", "utf-8"
    )
    with pytest.raises(SourcesError, match=r"aliases expand to over 1,000,000 values: not a sources file"):
        load_sources(tmp_path / "sources.yaml")
    (tmp_path / "sources.yaml").write_text("district: " + "[" * 5000 + "]" * 5000 + "\n", "utf-8")
    with pytest.raises(SourcesError, match=r"nested too deeply: not a sources file"):
        load_sources(tmp_path / "sources.yaml")
    (tmp_path / "sources.yaml").write_text("x: &a [1]\n" + "#" * (5 * 2**20), "utf-8")
    with pytest.raises(SourcesError, match=r"over 4 MB: not a sources file"):
        load_sources(tmp_path / "sources.yaml")


def test_crawled_township_names_find_their_configured_region(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text(
        "districts:\n"
        "  - {name: 清水区, code: '330199', townships: [{name: 清水镇, code: '330199001'}, {name: 新城街道}]}\n"
        "  - {name: 白石区, townships: [{name: 新城街道}, {name: 白石乡, code: '330299002'}]}\n",
        "utf-8",
    )
    lookup = load_sources(tmp_path / "sources.yaml").region_lookup()
    assert lookup["清水镇"] == lookup["330199001"] and lookup["清水镇"]["code"] == "330199001"
    assert lookup["白石乡"]["district"] == "白石区"
    assert "新城街道" not in lookup  # two districts have one: the gazetteer decides by the issuer at load
    assert (lookup["清水区新城街道"]["district"], lookup["白石区新城街道"]["district"]) == (
        "清水区",
        "白石区",
    )
