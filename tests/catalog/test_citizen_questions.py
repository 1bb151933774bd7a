"""Questions citizens really ask (issue 14: the ones an independent check and a trial at the kiosk
found unanswered or wrongly answered, and ten more in the same spirit), on the demo catalogue.

Each passes when what the kiosk shows holds the answer: the right FAQ (the answer itself when
answered, or among the 您是不是想问 choices when unsure), or a passage of the law that answers it among
the 相关规定. A confident answer must never be a wrong FAQ."""

import pytest

from catalog.catalogue import Catalog

CASES = [
    # from the issue
    ("农村危房改造怎么申请", {"faq-shjz-11", "faq-jz-02"}, ("社会救助", "危房")),
    ("户口迁移", {"faq-hjgl-03"}, ("户口",)),
    ("养老金多少钱", {"faq-shbx-02", "faq-shjz-03"}, ("养老", "社会保险法")),
    ("宅基地", set(), ("土地管理",)),
    ("邻居装修噪音太大怎么办", set(), ("噪声",)),
    ("去哪里办低保", {"faq-shjz-02"}, ()),
    ("高龄补贴去哪里领", {"faq-ylfw-03"}, ()),
    ("低保怎么申请？要去哪里办", {"faq-shjz-02"}, ()),
    ("我妈八十岁了有什么补贴", {"faq-ylfw-03"}, ()),
    ("高龄津贴", {"faq-ylfw-03"}, ()),
    # ten more of ours
    ("孩子出生了去哪上户口", {"faq-hjgl-01"}, ()),
    ("身份证丢了咋办", {"faq-hjgl-07"}, ()),
    ("单位不给交社保怎么办", {"faq-shbx-10"}, ()),
    pytest.param("老板拖欠工资不给怎么办", {"faq-ggflfw-02"}, ("工资", "劳动"), marks=pytest.mark.xfail(
        strict=True, reason="known: 单位不给我交社保，怎么办？ is still offered (unsure) and no passage of the "
                            "demo's labour texts fits; the demo has no 拖欠工资 FAQ")),
    ("买到过期食品能赔多少钱", {"faq-spypjg-01"}, ("食品安全",)),
    ("儿子不养我怎么办", {"faq-ylfw-02"}, ("老年人权益",)),
    ("村里的地被征了给多少补偿", {"faq-zdbc-02"}, ("土地管理",)),
    ("申请信息公开要多久答复", {"faq-zwgk-02"}, ()),
    ("在外地打工孩子能在当地上学吗", {"faq-ywjy-04"}, ()),
    ("工厂偷偷排污水向哪举报", {"faq-hjbh-01"}, ()),
]


@pytest.fixture(scope="module")
def cat(demo_dir):
    with Catalog.open(demo_dir) as c:
        yield c


@pytest.mark.parametrize("question,faqs,laws", CASES)
def test_what_is_shown_holds_the_answer(cat, question, faqs, laws):
    r = cat.ask(question)
    ids = [a.faq_id for a in r.answers]
    if r.status == "answered":
        assert ids[0] in faqs, f"confidently wrong: {r.answers[0].question}"
    shown = ids[:1] if r.status == "answered" else ids if r.status == "unsure" else []
    titles = [p.title for p in r.passages]
    assert set(shown) & faqs or any(w in t for t in titles for w in laws), (r.status, ids, titles)
