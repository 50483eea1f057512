"""HTML renderings: Word-pasted markup, a CMS page with a metadata block, one cell per <p>, pipe rows,
and a plain page (used for the Traditional-script mirror)."""

from __future__ import annotations

from html import escape

from samplegen.doc import Cell, Doc, Para, Table

WORD_HEAD = """<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">
<head>
<meta http-equiv=Content-Type content="text/html; charset=utf-8">
<meta name=Generator content="Microsoft Word 15 (filtered)">
<title>{title}</title>
<style>
p.MsoNormal, li.MsoNormal {{margin:0cm; text-align:justify; font-size:10.5pt; font-family:宋体}}
table.MsoNormalTable {{border-collapse:collapse}}
</style>
</head>
<body lang=ZH-CN style='tab-interval:21.0pt;text-justify-trim:punctuation'>
<div class=WordSection1>
"""


def _word_runs(line: str, number: bool) -> str:
    if not line:
        return "<span lang=EN-US><o:p>&nbsp;</o:p></span>"
    if number:
        return (
            f"<span lang=EN-US style='font-size:9.0pt;font-family:\"Times New Roman\"'>"
            f'<font face="Times New Roman">{escape(line)}</font></span>'
        )
    # Word splits runs at arbitrary points (proofing marks, edits); split long labels in two spans.
    cut = len(line) // 2 if len(line) >= 6 else len(line)
    a, b = escape(line[:cut]), escape(line[cut:])
    out = f"<span style='font-size:9.0pt;font-family:宋体'>{a}</span>"
    if b:
        out += f"<span style='font-size:9.0pt;font-family:宋体;mso-bidi-font-family:宋体'>{b}</span>"
    return out


def _attrs(c: Cell) -> str:
    return (f" rowspan={c.rs}" if c.rs > 1 else "") + (f" colspan={c.cs}" if c.cs > 1 else "")


def _word_table(t: Table) -> str:
    out = [
        "<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse;"
        "border:none;mso-border-alt:solid windowtext .5pt'>"
    ]
    for row in t.rows():
        out.append(" <tr style='height:19.85pt'>")
        for c in row:
            paras = []
            for line in c.text.split("\n"):
                paras.append(
                    "<p class=MsoNormal align=center style='text-align:center'>"
                    f"{_word_runs(line, c.value)}<span lang=EN-US><o:p></o:p></span></p>"
                )
            out.append(
                f"  <td{_attrs(c)} valign=middle style='border:solid windowtext 1.0pt;padding:0cm 5.4pt'>"
                + "".join(paras)
                + "</td>"
            )
        out.append(" </tr>")
    out.append("</table>")
    return "\n".join(out)


def render_word_html(doc: Doc) -> bytes:
    """Word 'save as web page' style markup, UTF-8."""
    out = [WORD_HEAD.format(title=escape(doc.title))]
    out.append(
        "<p class=MsoNormal align=center style='text-align:center'><b><span style='font-size:16.0pt;"
        f"font-family:黑体'>{escape(doc.title)}<span lang=EN-US><o:p></o:p></span></span></b></p>"
    )
    for b in doc.blocks:
        if isinstance(b, Table):
            out.append(_word_table(b))
        elif b.kind == "heading":
            out.append(
                f"<p class=MsoNormal style='text-indent:21.0pt'><b><span style='font-family:黑体'>"
                f"{escape(b.text)}</span></b><span lang=EN-US><o:p></o:p></span></p>"
            )
        elif b.kind == "sign":
            out.append(
                f"<p class=MsoNormal align=right style='text-align:right'><span>{escape(b.text)}</span></p>"
            )
        else:
            out.append(
                f"<p class=MsoNormal style='text-indent:21.0pt;line-height:150%'><span style='font-family:"
                f"宋体'>{escape(b.text)}</span><span lang=EN-US><o:p></o:p></span></p>"
            )
    out.append("</div>\n</body>\n</html>\n")
    return "\n".join(out).encode("utf-8")


def _plain_table(t: Table) -> str:
    out = ['<table border="1" cellspacing="0" cellpadding="4" style="border-collapse:collapse;width:100%">']
    for row in t.rows():
        cells = "".join(
            f"<td{_attrs(c)}>{'<br>'.join(escape(x) for x in c.text.split(chr(10)))}</td>" for c in row
        )
        out.append(f"<tr>{cells}</tr>")
    out.append("</table>")
    return "\n".join(out)


def _flat_table(t: Table) -> str:
    """One <p> per origin cell, row boundaries lost (quirk A)."""
    out = []
    for row in t.rows():
        for c in row:
            txt = "<br>".join(escape(x) for x in c.text.split("\n")) or "&nbsp;"
            out.append(f'<p style="text-align:center">{txt}</p>')
    return "\n".join(out)


def _pipe_table(t: Table) -> str:
    """One pipe-separated line per table row; merge continuations are empty slots (quirk B/D)."""
    out = []
    for r in range(t.nrows):
        slots = [c.text.replace("\n", "") if kind == "origin" and c else "" for _, c, kind in t.slots(r)]
        out.append("<p>| " + " | ".join(escape(s) for s in slots) + " |</p>")
    return "\n".join(out)


def _body(doc: Doc, table_fn: str) -> list[str]:
    fn = {"plain": _plain_table, "flat": _flat_table, "pipe": _pipe_table}[table_fn]
    out = []
    for b in doc.blocks:
        if isinstance(b, Table):
            out.append(fn(b))
        else:
            assert isinstance(b, Para)
            tag = {"heading": "h3", "sign": 'p style="text-align:right"'}.get(
                b.kind, 'p style="text-indent:2em"'
            )
            out.append(f"<{tag}>{escape(b.text)}</{tag.split()[0]}>")
    return out


def render_simple_html(doc: Doc, table_fn: str, charset: str = "utf-8") -> bytes:
    """A plain article page; tables as <table> (plain), one cell per <p> (flat) or pipe rows (pipe)."""
    out = [
        f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="{charset}">\n'
        f'<title>{escape(doc.title)}</title>\n</head>\n<body>\n<div class="article">',
        f"<h1>{escape(doc.title)}</h1>",
    ]
    out += _body(doc, table_fn)
    out.append("</div>\n</body>\n</html>\n")
    return "\n".join(out).encode(charset)


def render_cms_html(doc: Doc, meta: dict[str, str]) -> bytes:
    """A GBK CMS page: navigation, breadcrumb, metadata block (索引号/发布机构/成文日期), article, footer."""
    nav = "".join(
        f'<li><a href="/{i}/">{x}</a></li>'
        for i, x in enumerate(["首页", "走进云岭", "政务公开", "政务服务", "互动交流", "专题专栏"])
    )
    rows = [
        ("索引号", meta["index"]),
        ("主题分类", "政务公开/年度报告"),
        ("发布机构", meta["publisher"]),
        ("成文日期", meta["written"]),
        ("发布日期", meta["released"]),
        ("文号", "无"),
    ]
    meta_html = "".join(f"<tr><th>{k}：</th><td>{escape(v)}</td></tr>" for k, v in rows)
    out = [
        '<!DOCTYPE html>\n<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset=gbk">',
        f"<title>{escape(meta['page_title'])}</title>\n</head>\n<body>",
        '<div class="top">青溪市云岭区人民政府门户网站（虚构样例站点） | 无障碍 | 长者模式</div>',
        f'<div class="nav"><ul>{nav}</ul></div>',
        '<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/2/">政务公开</a> &gt; '
        '<a href="/2/nb/">政府信息公开年报</a> &gt; 乡镇（街道）年报</div>',
        f'<table class="xxgk-meta" border="0">{meta_html}</table>',
        '<div class="article">',
        f"<h1>{escape(doc.title)}</h1>",
        '<div class="TRS_Editor">',
    ]
    out += _body(doc, "plain")
    out += [
        "</div>\n</div>",
        '<div class="share">【打印本页】 【关闭窗口】</div>',
        '<div class="footer">主办：青溪市云岭区人民政府办公室（虚构） 备案号：样例00000000号</div>',
        "</body>\n</html>\n",
    ]
    return "\n".join(out).encode("gbk")
