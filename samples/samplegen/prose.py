"""Invented prose for the six sections and the assembly of a whole report (`compose`).

All sentences here were written for this sample corpus; none is taken from a real report.
"""

from __future__ import annotations

import random
from datetime import date

from samplegen.doc import Block, Doc, Para
from samplegen.model import Township
from samplegen.plan import Spec
from samplegen.printed import Printed, narrative_count
from samplegen.tables import Labels, table2, table3, table4

FICTION = "（本文件为虚构样例，仅用于测试）"

HEADINGS = {
    "一": "一、总体情况",
    "二": "二、主动公开政府信息情况",
    "三": "三、收到和处理政府信息公开申请情况",
    "四": "四、政府信息公开行政复议、行政诉讼情况",
    "五": "五、存在的主要问题及改进情况",
    "六": "六、其他需要报告的事项",
}

_ACTIVE = [
    "{we}围绕乡村振兴、防汛抗旱和民生保障等群众关心的事项，全年在区政府门户网站{we}专栏发布各类信息{n}条，"
    "并在村（社区）公开栏同步张贴重要通知。",
    "{we}把主动公开与日常工作一起谋划，全年通过政务公开专栏、微信公众号和便民服务中心电子屏发布信息{n}条，"
    "其中财政预决算和惠农补贴信息按要求做到应公开尽公开。",
    "本年度{we}公开各类政府信息{n}条，重点做好征地补偿、低保救助、涉农资金等领域的信息公开，"
    "群众可在便民服务中心查阅纸质材料。",
]
_REQUEST = [
    "{we}指定党政办公室统一受理政府信息公开申请，登记、审核、答复各环节均留有台账。"
    "本年度共收到政府信息公开申请{n}件，均在法定期限内作出答复。",
    "{we}依申请公开工作按照“受理—交办—审核—答复”的流程办理。本年度共收到政府信息公开申请{n}件，"
    "未发生逾期答复的情况。",
    "本年度共收到政府信息公开申请{n}件，申请内容主要涉及房屋征收、宅基地审批和村级工程项目，"
    "{we}均按规定时限和形式作出了书面答复。",
]
_MANAGE = [
    "{we}对现行有效的文件开展了一次梳理，逐件标注公开属性，对不宜继续公开的内容及时调整。",
    "{we}落实公开前保密审查制度，信息发布实行拟稿人、科室负责人、分管领导三级把关。",
]
_PLATFORM = [
    "区政府门户网站的{we}专栏是信息发布的第一平台，{we}安排专人每周检查栏目更新情况，避免出现空白栏目。",
    "{we}在便民服务中心设置了政府信息查阅点，配备查阅电脑一台，方便群众就近查询。",
]
_SUPERVISE = [
    "{we}将政务公开纳入年度目标考核，全年组织业务培训{k}次，未发生因信息公开引发的责任追究。",
    "{we}主动接受区政务公开办的指导和群众监督，全年开展自查{k}次，对发现的问题当场整改。",
]
_PROBLEMS = [
    "一是个别栏目更新不够及时；二是信息公开工作人员多为兼职，业务能力有待提高；三是政策解读形式较为单一。",
    "一是公开内容与群众需求的契合度还不够高；二是基层公开栏的日常维护存在薄弱环节。",
    "一是部分信息发布存在滞后现象；二是对依申请公开的法律适用把握还不够准确。",
]
_FIXES = [
    "下一步，{we}将明确专人负责栏目维护，每月开展一次自查，并积极参加区里组织的业务培训。",
    "{we}将完善信息发布审核流程，丰富图解、问答等解读形式，进一步提高公开质量。",
    "{we}将加强与区政务公开办的沟通，定期梳理公开目录，推动公开工作规范化、常态化。",
]


def _headings(spec: Spec) -> dict[str, str]:
    h = dict(HEADINGS)
    if spec.has("heading_retitled"):
        h["一"] = "一、工作基本情况"
        h["五"] = "五、存在的主要问题及整改措施"
    if spec.has("heading_misnumbered"):
        h["四"] = "五、政府信息公开行政复议、行政诉讼情况"
        h["五"] = "四、存在的主要问题及改进情况"
    if spec.has("all_blank"):
        for k in "二三四":
            h[k] += "（无）"
    return h


def title(spec: Spec, tw: Township) -> str:
    issuer = "" if spec.has("issuer_only_meta") else tw.issuer
    return f"{issuer}{spec.year}年政府信息公开工作年度报告"


def compose(spec: Spec, tw: Township, p: Printed, published: date, docx: bool = False) -> Doc:
    """The whole report as a `Doc`: title, six sections with tables, signature."""
    rng = random.Random(f"prose:{spec.stem}")
    we = tw.we
    y = spec.year
    h = _headings(spec)
    lab = Labels(spec, docx=docx)
    n = narrative_count(spec, p)
    who = we if spec.has("issuer_only_meta") else tw.issuer
    intro = (
        f"{FICTION}本报告依照《中华人民共和国政府信息公开条例》的要求，由{who}汇总{y}年度政府信息公开工作"
        f"情况后编写，内容包括总体情况、主动公开、依申请公开、行政复议和行政诉讼、存在的问题及改进措施等。"
        f"本报告所列数据的统计期限为{y}年1月1日至{y}年12月31日。"
    )
    blocks: list[Block] = [Para(intro)]
    fill = {"we": we, "n": str(n), "k": str(rng.randint(2, 6))}
    blocks.append(Para(h["一"], "heading"))
    if spec.v2 == "2021" or y >= 2021:
        parts = [
            ("（一）主动公开", _ACTIVE),
            ("（二）依申请公开", _REQUEST),
            ("（三）政府信息管理", _MANAGE),
            ("（四）平台建设", _PLATFORM),
            ("（五）监督保障", _SUPERVISE),
        ]
        for sub, pool in parts:
            f = fill | {"n": str(n)} if pool is _REQUEST else fill | {"n": str(rng.randint(60, 400))}
            blocks.append(Para(sub + "。" + rng.choice(pool).format(**f)))
    else:
        blocks.append(Para(rng.choice(_ACTIVE).format(**(fill | {"n": str(rng.randint(60, 400))}))))
        blocks.append(Para(rng.choice(_REQUEST).format(**fill)))
        blocks.append(Para(rng.choice(_SUPERVISE).format(**fill)))
    blocks += [Para(h["二"], "heading"), table2(p, lab)]
    blocks += [Para(h["三"], "heading"), table3(p, lab)]
    blocks += [Para(h["四"], "heading"), table4(p, lab)]
    blocks.append(Para(h["五"], "heading"))
    blocks.append(
        Para(f"{y}年，{we}政府信息公开工作取得了一定成效，但仍存在一些不足：" + rng.choice(_PROBLEMS))
    )
    blocks.append(Para(rng.choice(_FIXES).format(**fill)))
    blocks.append(Para(h["六"], "heading"))
    if y >= 2021:
        blocks.append(Para(f"本年度{we}未向申请人收取信息处理费。{y}年{we}无其他需要报告的事项。"))
    else:
        blocks.append(Para("无。"))
    if not spec.has("issuer_only_meta"):
        blocks.append(Para(tw.issuer, "sign"))
    blocks.append(Para(f"{published.year}年{published.month}月{published.day}日", "sign"))
    return Doc(title(spec, tw), blocks)
