"""Reading labels: is this link a report, is this column a report column, which township is named here."""

from __future__ import annotations

from urllib.parse import unquote

from nianbao.sources.crawl.vocabulary import VOCAB


def looks_like_report(text: str, url: str = "") -> bool:
    """True when a link's text (or URL tokens) names an annual report, and not its 解读 twin or a notice."""
    if any(t in text for t in VOCAB.not_report):
        return False
    if any(t in text for t in VOCAB.report_text) and any(t in text for t in VOCAB.report_text_needs):
        return True
    lowered = unquote(url).lower()
    return len(text.strip()) < 40 and any(t in lowered for t in VOCAB.report_url)


def is_report_column(*texts: str) -> bool:
    """True when any text (column name, breadcrumb tail, page title, URL) names a 年报 column."""
    for text in texts:
        if any(t in text for t in VOCAB.report_column):
            return True
        if any(t in unquote(text).lower() for t in VOCAB.report_url):
            return True
    return False


def is_township_column(text: str) -> bool:
    """True when a menu entry names the column of townships and streets (乡镇信息公开, 街道, 镇街…)."""
    return len(text) <= 16 and any(t in text for t in VOCAB.township_columns)


def township_name(text: str) -> str | None:
    """The township or street a text names, without county prefix: 青溪市云岭区白鹭镇人民政府 -> 白鹭镇.

    A menu entry that *is* a name ("白鹭镇", "枫林街道办事处") gives the name; a longer text gives the
    first unit-level name inside it. Words like 乡镇 or 街道 alone are no name.
    """
    text = "".join(text.split())
    best: tuple[int, str] | None = None
    for suffix in sorted(VOCAB.township_suffixes, key=len, reverse=True):
        start = 0
        while (i := text.find(suffix, start)) >= 0:
            start = i + 1
            head = text[:i]
            cut = max((head.rfind(c) for c in VOCAB.admin_prefix_end), default=-1)
            stem = _cjk_tail(head[cut + 1 :])
            if not stem:
                continue
            name = stem + suffix
            if (
                name in VOCAB.not_township
                or name.startswith(VOCAB.not_township_starts)
                or len(name) > VOCAB.township_max_chars
            ):
                continue
            if best is None or i < best[0]:
                best = (i, _short(name))
            break
    return best[1] if best else None


def _cjk_tail(s: str) -> str:
    out = []
    for ch in reversed(s):
        if "\u3400" <= ch <= "\u9fff" or "\U00020000" <= ch <= "\U0003ffff":
            out.append(ch)
        else:
            break
    return "".join(reversed(out))


def _short(name: str) -> str:
    """街道办事处/街道办 -> 街道: one spelling of a street's name."""
    for long in VOCAB.street_long:
        if name.endswith(long):
            return name[: -len(long)] + VOCAB.street_short
    return name


def township_entry(text: str) -> str | None:
    """The township a menu entry names when the entry is (about) just that name, e.g. "白鹭镇人民政府"."""
    name = township_name(text)
    bare = "".join(text.split())
    if name and name[:-1] in bare and len(bare) - len(name) <= 6:
        return name
    return None
