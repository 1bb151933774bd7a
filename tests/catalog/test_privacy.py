"""Privacy by design: what a usage record holds, and the masker every stored or logged text goes
through. Personal data typed every way people type it (a name alone or before 的, a compound
surname, pinyin, digits glued to letters, split by dots or commas, in Chinese numerals) is masked;
ordinary questions are left alone; usage.db holds no search text, an old usage.db is upgraded with
nothing of its old texts left in the file; the exports hold nothing more than usage.db; log
records are masked, exceptions included."""

import csv
import logging
import sqlite3
from datetime import date

import pytest

from catalog.catalogue import Catalog
from catalog.packaging.datadir import DataDir
from catalog.packaging.packages import import_package
from catalog.privacy import (MaskingFilter, install_log_masking, mask, mask_record, safe_text,
                             uninstall_log_masking, unsafe)
from catalog.usage import SCHEMA_VERSION, UsageLog, UsageVocabulary, export, vocabulary_terms
from pkgtools import build, records

# the masker ------------------------------------------------------------------------------------
MASKED = [
    # (typed, what must go, what must stay)
    ("王秀英的低保什么时候发", ["王秀英", "秀英"], ["的低保什么时候发"]),
    ("欧阳娜娜", ["欧阳娜娜", "娜娜"], []),
    ("欧阳娜娜低保", ["欧阳娜娜", "娜娜"], ["低保"]),
    ("王秀英", ["王秀英"], []),
    ("低保 王秀英", ["王秀英"], ["低保"]),
    ("帮我查王秀英的低保", ["王秀英"], ["帮我查", "的低保"]),
    ("李桂兰的养老金", ["李桂兰"], ["养老金"]),
    ("司马光的补贴", ["司马光"], ["补贴"]),
    ("诸葛小花的存折", ["诸葛小花", "小花"], ["存折"]),
    ("万俟雪的补助", ["万俟雪"], ["补助"]),
    ("户主是张三", ["张三"], ["户主"]),
    ("我叫zhangsan", ["zhangsan"], ["我叫"]),
    ("我叫 zhang san", ["zhang", "san"], ["我叫"]),
    ("zhangsan的低保", ["zhangsan"], ["的低保"]),
    ("ID36020319500101123X", ["36020319500101123X", "3602031950"], ["ID"]),
    ("tel13912345678", ["13912345678", "1391234"], ["tel"]),
    ("139.1234.5678", ["1234", "5678"], []),
    ("139/1234/5678", ["1234", "5678"], []),
    ("139，1234，5678", ["1234", "5678"], []),
    ("139 - 1234 - 5678 是我电话", ["1234", "5678"], ["是我电话"]),
    ("一三九一二三四五六七八", ["一三九一二三四五六七八", "一二三四"], []),
    ("手机一三九 一二三四 五六七八", ["一二三四", "五六七八"], ["手机"]),
    ("１３９１２３４５６７８", ["１２３４５６７８"], []),
    ("139一二三四5678", ["一二三四", "5678"], []),
    ("幺三九幺二三四五六七八", ["幺二三四五六七八"], []),
    ("我的邮箱是wang.xiuying@qq.com", ["wang.xiuying", "qq.com"], ["邮箱"]),
    # the cases the masker always caught
    ("我叫王秀英，身份证360102195003041234，低保什么时候到账", ["王秀英", "360102195003041234"], ["低保"]),
    ("身份证号 36010219500304123X 查一下", ["36010219500304123X"], ["身份证", "查一下"]),
    ("我的电话是 138 0013 8000 帮我查一下", ["138 0013 8000", "8000"], ["电话"]),
    ("手机13800138000", ["13800138000"], ["手机"]),
    ("银行卡6222 0212 3456 7890 123 怎么没钱", ["6222", "7890"], ["银行卡"]),
    ("0791-88123456 是哪个部门", ["88123456"], ["部门"]),
    ("张建国的高龄津贴", ["张建国"], ["高龄津贴"]),
    ("我妈叫李桂兰 今年八十二", ["李桂兰"], ["八十二"]),
    ("村支书王大明违规办低保", ["王大明"], ["低保"]),
]


@pytest.mark.parametrize("text,gone,kept", MASKED)
def test_personal_data_is_masked(text, gone, kept):
    out = mask(text)
    assert all(g not in out for g in gone), out
    assert all(k in out for k in kept), out
    stored = safe_text(text)
    assert stored is None or all(g not in stored for g in gone), stored


ORDINARY = ["老人高龄津贴怎么申请", "2024年的低保标准", "居住证怎么办", "申请政府信息公开要多少天",
            "第十二条怎么理解", "农村的低保", "高龄老人的补贴", "江西的补贴", "景德镇的低保怎么申请",
            "我是低保户怎么办", "姓名变更需要什么材料", "什么叫做低保", "明年的补贴", "金额多少",
            "王村的路谁来修", "李家村的宅基地", "申请人要带什么材料", "安全生产的检查", "谢谢",
            "2024-01-01到2024-12-31的补贴", "保管措施的费用", "许可证怎么办", "文化站的活动",
            "党员的补贴", "方便的话帮我查一下", "统一办理",
            # like a surname and a given name somewhere in a sentence, but words, places, counts
            "高新区的补贴", "金银花种植补贴", "文化馆几点开门", "王家村的低保", "赣州市的政策", "马上办低保",
            "张医生说要住院", "黄金今天多少钱一克", "一般要多久钱才到帐", "老板，借点钱花花", "不支持微信和支付宝绑卡",
            "我那张银行卡已经没有在用了", "借3千、日利息不是一毛五吗", "百度地图和高德地图哪个好用", "乐平 政务公开",
            "地址：昌江区丽阳乡彭家村委会", "姚家的宅基地", "请问彭家坞在哪", "杜鹃花种植补贴", "住院要先把钱全垫上再去报销吗",
            # like a house number, a plate or a labelled number, but not one
            "3号窗口在哪", "第12条怎么理解", "2024年1月1日起施行", "3室2厅的房子", "统一号召", "村里3户人家",
            "身份证号码是18位吗", "驾照C1能开什么车", "账户余额1234元", "1月1号开始办理", "国发〔2024〕12号文件",
            # pinyin searches for policies, not names
            "dibao", "yiliao baoxian", "gaolingjintie"]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_questions_are_not_masked(text):
    assert mask(text) == text
    assert safe_text(text) == text


# what a review found still reaching usage.db, and what each must become
REVIEWED = [
    # names with no cue or anchor next to them: opening a sentence, after a kin word or a title
    ("王桂兰能办低保吗", "[姓名]能办低保吗"),
    ("李桂兰去世了丧葬费找谁", "[姓名]去世了丧葬费找谁"),
    ("王子轩上学补助怎么领", "[姓名]上学补助怎么领"),
    ("周建华在村里当会计贪污怎么举报", "[姓名]在村里当会计贪污怎么举报"),
    ("我妈王桂兰今年八十了有补贴吗", "我妈[姓名]今年八十了有补贴吗"),
    ("我妈妈王桂兰八十岁有补贴吗", "我妈妈[姓名]八十岁有补贴吗"),
    ("给王桂兰办低保要什么", "给[姓名]办低保要什么"),
    ("王桂兰和李国强离婚了户口怎么办", "[姓名]和[姓名]离婚了户口怎么办"),
    ("我是个体户周建华", "我是个体户[姓名]"),
    ("儿子王子轩上学补助", "儿子[姓名]上学补助"),
    ("孩子叫王一一", "孩子叫[姓名]"),
    # the surname and the given name apart, spaced out, hyphenated, in three pinyin words
    ("我姓王叫秀英，邻居占了我家地", "我姓[姓名]叫[姓名]，邻居占了我家地"),
    ("我姓王，叫秀英", "我姓[姓名]，叫[姓名]"),
    ("张 秀 英 的低保怎么还没到", "[姓名] 的低保怎么还没到"),
    ("张-秀-英的低保", "[姓名]的低保"),
    ("wang xiu ying 低保", "[姓名] 低保"),
    ("我叫王 秀英", "我叫[姓名]"),
    ("我叫王\u3000秀英", "我叫[姓名]"),
    ("我叫Ｗａｎｇ", "我叫[姓名]"),
    # found in part before: the whole name goes
    ("我要告王德发", "我要告[姓名]"),
    ("为什么不给钟秀兰发补贴", "为什么不给[姓名]补贴"),
    ("村主任李卫东贪污", "村主任[姓名]贪污"),
    # house numbers (the public place names before them stay) and vehicle plates
    ("我家住在浮梁县湘湖镇进坑村3组12号房子漏水", "我家住在浮梁县湘湖镇进坑村[门牌]房子漏水"),
    ("我住景德镇市珠山区新厂西路123号5栋2单元301室", "我住景德镇市珠山区新厂西路[门牌]"),
    ("车牌赣H12345被扣了怎么办", "车牌[车牌]被扣了怎么办"),
    ("车牌号赣H·12345", "车牌号[车牌]"),
    ("车牌 赣 H 1 2 3 4 5", "车牌 [车牌]"),
    # accounts and numbers a label says are a person's, however short
    ("QQ 12345678", "QQ [号码]"),
    ("微信号 wxid_abc1234567", "微信号 [号码]"),
    ("护照E12345678", "护照[号码]"),
    ("军官证123456", "军官证[号码]"),
    ("工号123456", "工号[号码]"),
    ("病历号 2024 0012 3456", "病历号 [号码]"),
    ("学号 2020 1234", "学号 [号码]"),
    ("身份证号码后四位123X", "身份证号码后四位[号码]"),
    ("我的生日是1950-01-01，身份证后四位123X", "我的生日是1950-01-01，身份证后四位[号码]"),
    ("身份证前六位360203，出生19500101，后四位123X", "身份证前六位[号码]，出生[号码]，后四位[号码]"),
    ("手机尾号5678，前面是139 1234", "手机尾号[号码]，前面是[号码]"),
    ("残疾证号36020319500101123X21", "残疾证号[身份证号]"),
    ("我的邮箱是 wangxiuying at qq dot com", "我的邮箱是 [邮箱]"),
    # digits of other scripts, or split by invisible characters
    ("电话①③⑨①②③④⑤⑥⑦⑧", "电话[手机号]"),
    ("电话¹³⁹¹²³⁴⁵⁶⁷⁸", "电话[手机号]"),
    ("电话١٣٩١٢٣٤٥٦٧٨", "电话[手机号]"),
    ("电话𝟏𝟑𝟗𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖", "电话[手机号]"),
    ("电话1\u200b3\u200b9\u200b1\u200b2\u200b3\u200b4\u200b5\u200b6\u200b7\u200b8", "电话[手机号]"),
]


@pytest.mark.parametrize("text,masked", REVIEWED)
def test_what_a_review_found_is_masked(text, masked):
    assert mask(text) == masked
    assert safe_text(text) == masked


@pytest.mark.parametrize("text", [
    "电话139 和 1234 和 5678", "手机139 后面 1234 再后面 5678", "电话139 1234 号 5678", "电话139 | 1234 | 5678",
    "手机360203    19500101123X"])
def test_digits_split_by_words_are_not_stored(text):
    """10 digits within 24 characters are a number however they are split (a hidden number
    beside digits left counts as 6 of them)."""
    assert unsafe(mask(text))
    assert safe_text(text) is None


@pytest.mark.parametrize("text", [
    "2024年1月1日起施行", "2024年1月1日至2024年12月31日的补贴标准", "2024-01-01到2024-12-31的补贴",
    "低保从每人每月780元提高到830元，补发1200元", "第12条第3款和第45条第2款", "12345和12315有什么区别",
    "2023年领了3600元，2024年领了4200元", "60岁到65岁每月150元，80岁以上300元"])
def test_dates_amounts_and_hotlines_stay_storable(text):
    assert safe_text(text) == text


@pytest.mark.parametrize("text", [
    "欧阳娜娜", "王秀英", "139.1234.5678", "[姓名]", "一三九一二三四五六七八",
    "139的1234的5678",       # digits spread over a short stretch
    "一三九的一二三四的五六七八",
    "ab139x1234y5678",       # a token still holding 11 digits
    "", "   "])
def test_what_cannot_be_made_safe_is_not_stored(text):
    assert safe_text(text) is None


def test_a_masked_text_is_cut_without_half_a_placeholder():
    out = safe_text("低保" * 99 + "王秀英的补贴", limit=200)
    assert out is not None and len(out) <= 200 and "王" not in out and not out.endswith("[姓")


# what usage.db holds ---------------------------------------------------------------------------
def tables(path):
    db = sqlite3.connect(path)
    try:
        return {t: [c[1] for c in db.execute(f"pragma table_info({t})")]
                for (t,) in db.execute("select name from sqlite_master where type = 'table'")}
    finally:
        db.close()


def all_text(path) -> str:
    """Every text value of every table of a SQLite file."""
    db = sqlite3.connect(path)
    out = []
    try:
        for t, cols in tables(path).items():
            for row in db.execute(f"select * from {t}"):
                out += [str(v) for v in row if isinstance(v, str)]
    finally:
        db.close()
    return "\n".join(out)


def test_searches_are_counted_without_their_text(tmp_path):
    log = UsageLog(tmp_path / "usage.db", today=lambda: date(2026, 11, 22))
    vocab = UsageVocabulary(["低保", "最低生活保障", "社会救助", "秀英"])  # 秀英: a vocabulary word in a name
    for q, found in [("王秀英的低保什么时候发", True), ("低保", True), ("tel13912345678", False),
                     ("欧阳娜娜", False)]:
        log.record_search(domain="shjz" if found else "", found=found, terms=vocab.terms(q))
    assert tables(tmp_path / "usage.db") == {
        "questions": ["day", "status", "count"], "misses": ["day", "question", "status", "count"],
        "feedback": ["day", "faq_id", "useful", "count"], "searches": ["day", "domain", "found", "count"],
        "terms": ["day", "term", "count"], "prints": ["day", "domain", "pages", "jobs"]}
    assert log.rows("searches") == [("2026-11-22", "", 0, 2), ("2026-11-22", "shjz", 1, 2)]
    assert log.rows("terms") == [("2026-11-22", "低保", 2)]  # not 秀英: the query was masked first
    text = all_text(tmp_path / "usage.db")
    assert "王秀英" not in text and "13912345678" not in text and "欧阳" not in text


def test_an_old_caller_passing_the_query_stores_only_dictionary_words(tmp_path):
    log = UsageLog(tmp_path / "usage.db", today=lambda: date(2026, 11, 22))
    log.record_search("我叫王秀英 身份证360102195003041234 低保", "")
    log.record_search("欧阳娜娜", "x" * 5 + " 王秀英")  # free text where an id belongs: not stored
    assert [r[1] for r in log.rows("terms")] == ["低保", "身份证"]
    assert log.rows("searches") == [("2026-11-22", "", -1, 2)]  # whether they found anything: unknown
    text = all_text(tmp_path / "usage.db")
    assert "王秀英" not in text and "360102195003041234" not in text and "欧阳娜娜" not in text


def test_questions_keep_only_the_masked_text_of_unanswered_ones(tmp_path):
    log = UsageLog(tmp_path / "usage.db", today=lambda: date(2026, 11, 22))
    log.record_question("王秀英的低保什么时候发", "answered")
    log.record_question("王秀英的低保什么时候发", "unsure")
    log.record_question("李桂兰的低保什么时候发", "unsure")
    log.record_question("139.1234.5678", "out_of_scope")  # nothing safe left: counted, not stored
    log.record_question("欧阳娜娜", "out_of_scope")
    assert log.rows("questions") == [("2026-11-22", "answered", 1), ("2026-11-22", "out_of_scope", 2),
                                     ("2026-11-22", "unsure", 2)]
    assert log.rows("misses") == [("2026-11-22", "[姓名]的低保什么时候发", "unsure", 2)]


def test_a_caller_passing_questions_as_terms_stores_only_words(tmp_path):
    """Terms are the catalogue's short words: a whole question passed as one is not stored, even
    when the masker leaves it as it is, and neither is a name."""
    log = UsageLog(tmp_path / "usage.db", today=lambda: date(2026, 11, 22))
    log.record_search(domain="shjz", found=True, terms=[
        "我妈王桂兰今年八十了有补贴吗", "城乡居民基本养老保险怎么交", "王桂兰", "赣H12345", "低保",
        "国有土地上房屋征收与补偿"])
    assert [r[1] for r in log.rows("terms")] == ["低保", "国有土地上房屋征收与补偿"]
    text = all_text(tmp_path / "usage.db")
    assert "王桂兰" not in text and "12345" not in text and "养老保险怎么交" not in text


def test_the_reviewed_questions_leave_nothing_in_usage_db(tmp_path):
    log = UsageLog(tmp_path / "usage.db", today=lambda: date(2026, 11, 22))
    for text, _ in REVIEWED:
        log.record_question(text, "out_of_scope")
        log.record_search(text, "shjz")
    raw = (tmp_path / "usage.db").read_bytes()
    for secret in ["王桂兰", "桂兰", "子轩", "周建华", "秀英", "王德发", "钟秀兰", "卫东", "3组12号", "301室",
                   "H12345", "wxid", "12345678", "123456", "123X", "wangxiuying", "xiu ying", "5678"]:
        assert secret.encode() not in raw, secret


def test_usage_terms_are_the_catalogues_own_words(tmp_path, keys):
    dd = tmp_path / "data"
    import_package(dd, build(tmp_path, "v1", records(3), key=keys.key, terms="高龄津贴 老人补贴\n"),
                   trust=[keys.pub])
    with Catalog.open(dd) as cat:
        # a domain name, a word of the catalogue's terms.txt, one of the built-in dictionary
        assert cat.usage_terms("王秀英的老人补贴和安全生产 低保") == ["老人补贴", "安全生产", "低保"]
        assert cat.usage_terms("欧阳娜娜 13912345678") == []
    assert vocabulary_terms("王秀英的低保", ["秀英", "低保"]) == ["低保"]


# the upgrade of an older usage.db ---------------------------------------------------------------
OLD_SCHEMA = """
create table if not exists questions (day text, status text, count integer not null,
                                      primary key (day, status));
create table if not exists misses (day text, question text, status text, count integer not null,
                                   primary key (day, question, status));
create table if not exists feedback (day text, faq_id text, useful integer, count integer not null,
                                     primary key (day, faq_id, useful));
create table if not exists searches (day text, domain text, count integer not null,
                                     primary key (day, domain));
create table if not exists queries (day text, query text, count integer not null,
                                    primary key (day, query));
create table if not exists prints (day text, domain text, pages integer not null, jobs integer not null,
                                   primary key (day, domain));
"""
# what the older masker left in the file
OLD_MISSES = [("2026-11-20", "王秀英的低保什么时候发", "unsure", 2),
              ("2026-11-20", "李桂兰的低保什么时候发", "unsure", 3),      # the same once masked again
              ("2026-11-20", "tel13912345678", "out_of_scope", 1),
              ("2026-11-20", "139/1234/5678", "out_of_scope", 1),     # nothing left once masked
              ("2026-11-20", "139.1234.5678还没到账", "unsure", 1),
              ("2026-11-21", "我叫[姓名]，补贴咋还没到", "unsure", 1),    # masked already: kept
              ("2026-11-21", "欧阳娜娜", "out_of_scope", 4)]
OLD_QUERIES = [("2026-11-20", "欧阳娜娜", 1), ("2026-11-20", "ID36020319500101123X", 1),
               ("2026-11-21", "一三九一二三四五六七八", 2), ("2026-11-21", "低保", 5)]
SECRETS = ["王秀英", "李桂兰", "13912345678", "1234.5678", "1234/5678", "欧阳娜娜", "36020319500101123X", "一三九一二三四五六七八"]


def make_old_usage_db(path):
    db = sqlite3.connect(path)
    db.executescript(OLD_SCHEMA)
    db.executemany("insert into misses values (?, ?, ?, ?)", OLD_MISSES)
    db.executemany("insert into queries values (?, ?, ?)", OLD_QUERIES)
    db.executemany("insert into searches values (?, ?, ?)", [("2026-11-20", "shjz", 3), ("2026-11-21", "", 2)])
    db.execute("insert into questions values ('2026-11-20', 'unsure', 7)")
    db.execute("insert into feedback values ('2026-11-20', 'faq-shjz-02', 1, 2)")
    db.execute("insert into prints values ('2026-11-20', 'shjz', 4, 2)")
    db.commit()
    db.close()


@pytest.fixture
def sqlite_without_secure_delete(monkeypatch):
    """SQLite as many builds ship it (Debian's turns secure_delete on by default; Python's own
    Windows and macOS builds do not): a deleted row stays in the file's free space."""
    connect = sqlite3.connect

    def plain(*args, **kwargs):
        db = connect(*args, **kwargs)
        db.execute("pragma secure_delete = off")
        return db

    monkeypatch.setattr(sqlite3, "connect", plain)


def test_an_old_usage_db_is_upgraded_and_keeps_no_old_text(tmp_path, sqlite_without_secure_delete):
    path = tmp_path / "usage.db"
    make_old_usage_db(path)
    raw = path.read_bytes()
    assert all(s.encode() in raw for s in SECRETS)  # the test sees them before the upgrade
    log = UsageLog(path, today=lambda: date(2026, 11, 22))
    assert log.rows("misses") == [("2026-11-20", "[姓名]的低保什么时候发", "unsure", 5),
                                  ("2026-11-20", "[手机号]还没到账", "unsure", 1),
                                  ("2026-11-20", "tel[手机号]", "out_of_scope", 1),
                                  ("2026-11-21", "我叫[姓名]，补贴咋还没到", "unsure", 1)]
    assert "queries" not in tables(path) and tables(path)["searches"] == ["day", "domain", "found", "count"]
    assert log.rows("searches") == [("2026-11-20", "shjz", -1, 3), ("2026-11-21", "", -1, 2)]
    assert log.rows("questions") == [("2026-11-20", "unsure", 7)]
    assert log.rows("feedback") == [("2026-11-20", "faq-shjz-02", 1, 2)]
    assert log.rows("prints") == [("2026-11-20", "shjz", 4, 2)]
    db = sqlite3.connect(path)
    assert db.execute("pragma user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("pragma freelist_count").fetchone()[0] == 0  # vacuumed
    db.close()
    raw = path.read_bytes()  # not in a row, an index, a free page or a page's unused space
    for s in SECRETS:
        assert s.encode() not in raw, s
    # counting goes on in the upgraded file
    log.record_search(domain="shjz", found=True, terms=["低保"])
    assert ("2026-11-22", "shjz", 1, 1) in log.rows("searches")


def test_every_connection_overwrites_what_it_deletes(tmp_path, sqlite_without_secure_delete):
    log = UsageLog(tmp_path / "usage.db")
    log.record_print("shjz", 1)
    db = log._connect()
    try:
        assert db.execute("pragma secure_delete").fetchone()[0] == 1
    finally:
        db.close()


# the export --------------------------------------------------------------------------------------
def test_the_export_holds_nothing_more_than_usage_db(tmp_path):
    log = UsageLog(tmp_path / "usage.db", today=lambda: date(2026, 11, 22))
    for text, _gone, _kept in MASKED:
        log.record_search(text, "shjz")
        log.record_search(domain="", found=False, terms=vocabulary_terms(text))
        log.record_question(text, "unsure")
    log.record_feedback("faq-shjz-02", True)
    log.record_print("shjz", 3)
    names = {"shjz": "社会救助"}
    files = export(log, tmp_path / "out", names)
    stored = set(all_text(tmp_path / "usage.db").split("\n"))
    labels = {"（未分领域）", "（没有找到结果）", "不确定", "超出范围", "已回答", "有用", "没用"}
    for f in files:
        rows = list(csv.reader(open(f, encoding="utf-8-sig")))
        for row in rows[1:]:
            for cell in row:
                assert (cell.isdigit() or cell in stored or cell in labels or cell in names.values()
                        or cell.replace("（没有找到结果）", "") in names.values()), (f.name, cell)
    everything = "".join(f.read_text(encoding="utf-8-sig") for f in files)
    for text, gone, _kept in MASKED:
        assert all(g not in everything for g in gone), gone


# logs --------------------------------------------------------------------------------------------
@pytest.fixture
def masked_logging():
    install_log_masking()
    install_log_masking()  # idempotent
    factory = logging.getLogRecordFactory()
    assert getattr(factory, "_privacy_masking", False)
    assert not getattr(factory._previous, "_privacy_masking", False)  # wrapped once
    yield
    uninstall_log_masking()


def file_logger(tmp_path, name):
    logger = logging.getLogger(name)
    handler = logging.FileHandler(tmp_path / f"{name}.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger, handler


def log_everything(logger):
    logger.warning("call back %s about %s", "139.1234.5678", "王秀英的低保")
    logger.info("search for 欧阳娜娜 and tel13912345678 and 我叫zhangsan")
    try:
        raise ValueError("查询失败：我叫王秀英 电话13912345678")
    except ValueError:
        logger.exception("background task failed")
    try:
        raise RuntimeError("ID36020319500101123X")
    except RuntimeError:
        logger.error("task failed", exc_info=True)


def logged(tmp_path, name: str, *, with_filter: bool = False) -> str:
    """What log_everything leaves in a real log file (masked by the record factory, or by a
    handler's filter alone)."""
    logger, handler = file_logger(tmp_path, name)
    if with_filter:
        handler.addFilter(MaskingFilter())
    try:
        log_everything(logger)
    finally:
        logger.removeHandler(handler)
        handler.close()
    written = (tmp_path / f"{name}.log").read_text(encoding="utf-8")
    for s in ["王秀英", "欧阳娜娜", "13912345678", "139.1234.5678", "zhangsan", "36020319500101123X"]:
        assert s not in written, s
    return written


def test_log_records_are_masked_with_their_exceptions(tmp_path, masked_logging):
    written = logged(tmp_path, "privacy-test")
    assert "ValueError: 查询失败：我叫[姓名] 电话[手机号]" in written and "Traceback" in written
    assert "call back [手机号] about [姓名]的低保" in written


def test_a_handler_filter_masks_without_the_record_factory(tmp_path):
    assert "ValueError" in logged(tmp_path, "privacy-filter-test", with_filter=True)


def test_a_record_that_cannot_be_formatted_is_still_masked():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s %s", ("王秀英的低保",), None)
    mask_record(record)
    assert "王秀英" not in record.getMessage()


def test_the_command_lines_log_is_masked(tmp_path):
    from catalog.cli import _setup_logging

    before = list(logging.getLogger("catalog").handlers)
    try:
        _setup_logging(DataDir(tmp_path / "data"))
        logging.getLogger("catalog.test").warning("refused: %s", "我叫王秀英 13912345678")
    finally:
        for h in logging.getLogger("catalog").handlers:
            if h not in before:
                logging.getLogger("catalog").removeHandler(h)
                h.close()
        uninstall_log_masking()
    written = (tmp_path / "data" / "logs" / "catalog.log").read_text(encoding="utf-8")
    assert "refused: 我叫[姓名] [手机号]" in written and "王秀英" not in written


# the demo catalogue --------------------------------------------------------------------------------
def test_the_demo_catalogues_questions_and_titles_are_not_masked(demo_dir):
    """What the publisher wrote reads like what citizens ask: none of it is taken for personal
    data (every FAQ question and variant, every document title), with the catalogue's words in
    the segmenter as on a kiosk."""
    with Catalog.open(demo_dir) as cat:
        texts = [t for f in cat.store.faqs() for t in [f.question, *f.variants]]
        texts += [d.title for d in cat.store.documents()]
        assert len(texts) > 1000
        changed = [(t, mask(t)) for t in texts if mask(t) != t]
    assert changed == []


def test_the_dictionarys_long_words_are_counted(tmp_path):
    log = UsageLog(tmp_path / "usage.db", today=lambda: date(2026, 11, 22))
    log.record_search(domain="jy", found=True, terms=["农村义务教育学生营养改善计划", "城乡居民基本养老保险怎么交"])
    assert [r[1] for r in log.rows("terms")] == ["农村义务教育学生营养改善计划"]
