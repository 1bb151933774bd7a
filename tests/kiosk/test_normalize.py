"""Read-aloud text pipeline: sentence spans, normalization, polyphones, espeak-ng synthesis."""
import shutil
import subprocess
import wave

import pytest

from kiosk.speech import load_polyphones, normalize, speakable, split_sentences, to_pinyin
from kiosk.speech.numbers import cardinal

# ------------------------------------------------------------------ normalization table

NORMALIZE_CASES = [
    # 文号
    ("景府办字〔2024〕28号", "景府办字二零二四年第二十八号"),
    ("国发〔2014〕21号", "国发二零一四年第二十一号"),
    ("赣府发[2023]5号", "赣府发二零二三年第五号"),
    ("依据【2022】第12号文件", "依据二零二二年第十二号文件"),
    # dates and years
    ("2024年3月5日", "二零二四年三月五日"),
    ("2024-03-05", "二零二四年三月五日"),
    ("2024.3.5", "二零二四年三月五日"),
    ("2024/3/5", "二零二四年三月五日"),
    ("2024年03月05日", "二零二四年三月五日"),
    ("2024年", "二零二四年"),
    ("2023年度", "二零二三年度"),
    ("2021-2025年", "二零二一至二零二五年"),
    ("12月31日前", "十二月三十一日前"),
    ("2月", "二月"),
    # amounts
    ("1,200元", "一千二百元"),
    ("1200.50元", "一千二百点五元"),
    ("1200.00元", "一千二百元"),
    ("3万元", "三万元"),
    ("1.5万元", "一点五万元"),
    ("¥500", "五百元"),
    ("￥1,200.00", "一千二百元"),
    ("2万元", "两万元"),
    ("500亿元", "五百亿元"),
    # percentages
    ("15%", "百分之十五"),
    ("3.5%", "百分之三点五"),
    ("3.5‰", "千分之三点五"),
    ("15%-20%", "百分之十五至百分之二十"),
    ("15-20%", "百分之十五至百分之二十"),
    ("增长-2.5%", "增长负百分之二点五"),
    # phone numbers, hotlines, codes
    ("13800138000", "幺三八 零零幺三 八零零零"),
    ("0791-88888888", "零七九幺 八八八八八八八八"),
    ("(0791)86666666", "零七九幺 八六六六六六六六"),
    ("拨打12345", "拨打幺二三四五"),
    ("服务热线：12345。", "服务热线：幺二三四五。"),
    ("拨打110、120", "拨打幺幺零、幺二零"),
    ("120急救", "幺二零急救"),
    ("400-123-4567", "四零零 幺二三 四五六七"),
    ("身份证号：36010219900101123X", "身份证号：三六零幺零二幺九九零零幺零幺幺二三 X"),
    ("邮编：330000", "邮编：三三零零零零"),
    ("6222021234567890123", "六二二二零二幺二三四五六七八九零幺二三"),
    ("受理举报1200件", "受理举报一千二百件"),
    ("120人", "一百二十人"),
    # ranges
    ("60-70岁", "六十至七十岁"),
    ("60～70", "六十至七十"),
    ("3—5个工作日", "三至五个工作日"),
    ("60岁-70岁", "六十岁至七十岁"),
    ("2~3个", "两至三个"),
    # decimals and cardinals
    ("3.14", "三点一四"),
    ("0.5", "零点五"),
    ("10", "十"),
    ("12", "十二"),
    ("105", "一百零五"),
    ("1010", "一千零一十"),
    ("20000", "两万"),
    ("100000000", "一亿"),
    ("100010", "十万零一十"),
    ("2个", "两个"),
    ("2年级", "二年级"),
    ("1/3", "三分之一"),
    ("007号", "零零七号"),
    # ordinals and list markers
    ("第3条", "第三条"),
    ("第12章", "第十二章"),
    ("第2000名", "第两千名"),
    ("(一)总体要求", "一、总体要求"),
    ("（二）基本原则", "二、基本原则"),
    ("按第二条（一）项", "按第二条一项"),
    ("1.申请条件", "一、申请条件"),
    ("2)材料", "二、材料"),
    ("3、办理时限", "三、办理时限"),
    ("（1）身份证", "一、身份证"),
    ("①身份证；②户口本", "一、身份证；二、户口本"),
    ("⑵其他", "二、其他"),
    ("Ⅱ类", "二类"),
    ("Ⅲ、附则", "三、附则"),
    ("iii. 其他", "三、其他"),
    ("No.5", "第五号"),
    # units and abbreviations
    ("5km", "五公里"),
    ("10kg", "十千克"),
    ("120㎡", "一百二十平方米"),
    ("100m²", "一百平方米"),
    ("80 m2", "八十平方米"),
    ("3.5km²", "三点五平方公里"),
    ("60km/h", "六十公里每小时"),
    ("GDP增长", "G D P增长"),
    ("PDF文件", "P D F文件"),
    ("5G网络", "五G网络"),
    # time and temperature
    ("8:30", "八点三十分"),
    ("8:05", "八点零五分"),
    ("14:00", "十四点"),
    ("下午2:30", "下午两点三十分"),
    ("8:30-12:00", "八点三十分至十二点"),
    ("25℃", "二十五摄氏度"),
    ("-5℃", "零下五摄氏度"),
    ("36.5°C", "三十六点五摄氏度"),
    ("25-30℃", "二十五至三十摄氏度"),
    ("1:1000比例尺", "一比一千比例尺"),
    # left unchanged
    ("等", "等"),
    ("村民委员会等单位", "村民委员会等单位"),
    ("一、总则", "一、总则"),
    ("二〇二四年", "二〇二四年"),
    ("Excel表格", "Excel表格"),
    ("", ""),
]


@pytest.mark.parametrize("text,expected", NORMALIZE_CASES, ids=[c[0] or "empty" for c in NORMALIZE_CASES])
def test_normalize_table(text, expected):
    assert normalize(text) == expected


def test_normalize_table_size():
    assert len(NORMALIZE_CASES) >= 60


def test_normalize_leaves_no_digits_in_a_real_paragraph():
    text = ("根据景府办字〔2024〕28号文件，自2024年3月5日起，对60-70岁困难老人每月发放补贴1,200元，"
            "资金增长15%。详见第3条。咨询电话：0798-8222222，手机13907981234。")
    out = normalize(text)
    assert not any(ch.isdigit() for ch in out), out
    assert "二零二四年第二十八号" in out and "一千二百元" in out and "百分之十五" in out


@pytest.mark.parametrize("n,expected", [
    (0, "零"), (1, "一"), (2, "二"), (10, "十"), (11, "十一"), (20, "二十"), (101, "一百零一"),
    (110, "一百一十"), (1001, "一千零一"), (2000, "两千"), (12000, "一万两千"), (30005, "三万零五"),
    (1000000, "一百万"), (200000000, "两亿"), (100000001, "一亿零一"),
])
def test_cardinal(n, expected):
    assert cardinal(n) == expected


# ------------------------------------------------------------------ sentence splitting

def _check_spans(text, sentences):
    last_end = 0
    for s in sentences:
        assert text[s.start:s.end] == s.text
        assert s.text.strip() == s.text and s.text
        assert s.start >= last_end
        last_end = s.end


def test_split_sentences_basic():
    text = "第一条　为了规范管理，制定本办法。第二条 本办法适用于全县！是否适用？适用；\n\n  （一）总体要求\n……\n"
    sents = split_sentences(text)
    _check_spans(text, sents)
    assert [s.text for s in sents] == [
        "第一条　为了规范管理，制定本办法。", "第二条 本办法适用于全县！", "是否适用？", "适用；", "（一）总体要求",
    ]


def test_split_keeps_closing_quotes_and_brackets():
    text = "他说：“请按时办理。”随后离开。（详见附件。）最后一句"
    sents = split_sentences(text)
    _check_spans(text, sents)
    assert [s.text for s in sents] == ["他说：“请按时办理。”", "随后离开。", "（详见附件。）", "最后一句"]


def test_split_ellipsis_and_line_breaks():
    text = "材料包括身份证、户口本……\r\n其他材料\n\n\n另行通知"
    sents = split_sentences(text)
    _check_spans(text, sents)
    assert [s.text for s in sents] == ["材料包括身份证、户口本……", "其他材料", "另行通知"]


def test_split_never_returns_empty_or_punctuation_only():
    for text in ["", "   ", "\n\n", "。。。", "——\n……", "  \u3000 "]:
        assert split_sentences(text) == []


def test_split_long_sentence_at_commas():
    clause = "申请人应当提交身份证明材料和收入证明"   # 18 characters
    text = "，".join([clause] * 8) + "。短句。"
    sents = split_sentences(text)
    _check_spans(text, sents)
    assert len(sents) >= 3
    assert sents[-1].text == "短句。"
    assert all(len(s.text) <= 80 for s in sents)
    assert "".join(s.text for s in sents) == text   # nothing lost (no whitespace in this text)


def test_split_long_sentence_does_not_break_numbers():
    text = "本年度共发放补贴1,200,000元，" + "惠及困难群众和城乡低保对象以及特困供养人员" * 4 + "，效果良好。"
    sents = split_sentences(text)
    _check_spans(text, sents)
    assert any("1,200,000元" in s.text for s in sents)


def test_sentence_span_property():
    s = split_sentences("你好。")[0]
    assert s.span == (0, 3)


# ------------------------------------------------------------------ polyphones / pinyin

POLYPHONE_CASES = [
    ("银行", "yin2 hang2"), ("执行", "zhi2 xing2"), ("局长", "ju2 zhang3"), ("长期", "chang2 qi1"),
    ("重点", "zhong4 dian3"), ("重新", "chong2 xin1"), ("行业", "hang2 ye4"), ("行政", "xing2 zheng4"),
    ("支行", "zhi1 hang2"), ("增长", "zeng1 zhang3"), ("乡长", "xiang1 zhang3"), ("长效机制", "chang2 xiao4 ji1 zhi4"),
    ("还款", "huan2 kuan3"), ("还有", "hai2 you3"), ("给予", "ji3 yu3"), ("效率", "xiao4 lv4"), ("率先", "shuai4 xian1"),
    ("调整", "tiao2 zheng3"), ("调查", "diao4 cha2"), ("处理", "chu3 li3"), ("处长", "chu4 zhang3"),
    ("办事处", "ban4 shi4 chu4"), ("出差", "chu1 chai1"), ("差旅费", "chai1 lv3 fei4"), ("供养", "gong4 yang3"),
    ("便宜", "pian2 yi5"), ("西藏", "xi1 zang4"), ("种植", "zhong4 zhi2"), ("种类", "zhong3 lei4"),
    ("种粮大户", "zhong4 liang2 da4 hu4"), ("朝代", "chao2 dai4"), ("于都", "yu2 du1"), ("重来", "chong2 lai2"),
    # longest match: a dictionary word beats a shorter lexicon word that straddles it
    ("严重来源", "yan2 zhong4 lai2 yuan2"),
    ("中国农业银行支行行长", "zhong1 guo2 nong2 ye4 yin2 hang2 zhi1 hang2 hang2 zhang3"),
]


@pytest.mark.parametrize("text,expected", POLYPHONE_CASES, ids=[c[0] for c in POLYPHONE_CASES])
def test_polyphones(text, expected):
    assert to_pinyin(text) == expected


def test_lexicon_is_large_and_consistent():
    lex = load_polyphones()
    assert len(lex) >= 60
    for word, syllables in lex.items():
        assert len(word) == len(syllables)
        assert to_pinyin(word) == " ".join(syllables), word


def test_lexicon_rejects_bad_lines(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("# ok\n银行 yin2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.txt:2"):
        load_polyphones(bad)


def test_custom_lexicon_overrides(tmp_path):
    lex = tmp_path / "lex.txt"
    lex.write_text("银行 yin2 xing2  # deliberately wrong, to see the override\n", encoding="utf-8")
    assert to_pinyin("银行", lexicon_path=lex) == "yin2 xing2"


def test_to_pinyin_punctuation_and_letters():
    assert to_pinyin("你好，世界。再见") == "ni3 hao3, shi4 jie4.\nzai4 jian4"
    assert to_pinyin("是否完成？") == "shi4 fou3 wan2 cheng2?"
    assert to_pinyin("《通知》指出") == "tong1 zhi1 zhi3 chu1"
    assert to_pinyin("G D P增长") == "G D P zeng1 zhang3"
    assert to_pinyin("，，。你") == "ni3"
    assert to_pinyin("吗") == "ma5"          # neutral tone as 5
    assert to_pinyin("绿色") == "lv4 se4"    # ü as v
    assert to_pinyin("不去") == "bu2 qu4"    # 不 sandhi before tone 4


def test_to_pinyin_does_not_drop_digits():
    assert to_pinyin("编号12") == "bian1 hao4 yi1 er4"


def test_speakable_runs_normalize_first():
    out = speakable("自2024年3月5日起，补贴1,200元。")
    assert out == ("zi4 er4 ling2 er4 si4 nian2 san1 yue4 wu3 ri4 qi3, "
                   "bu3 tie1 yi1 qian1 er4 bai3 yuan2.")
    assert not any(ch.isdigit() and ch not in "12345" for ch in out)
    assert "ling2 qi1 jiu3 yao1, ba1" in speakable("电话0791-88888888")


# ------------------------------------------------------------------ espeak-ng

def _wav_seconds(path):
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed (apt-get install espeak-ng)")
def test_espeak_synthesizes_speakable_text(tmp_path):
    short = "根据景府办字〔2024〕28号文件执行。"
    long = ("根据景府办字〔2024〕28号文件，自2024年3月5日起，对60-70岁困难老人每月发放补贴1,200元，"
            "由中国农业银行支行统一发放。咨询电话：0798-8222222。")
    durations = []
    for name, text in (("short", short), ("long", long)):
        wav = tmp_path / f"{name}.wav"
        pinyin = speakable(text)
        subprocess.run(["espeak-ng", "-v", "cmn-latn-pinyin", "-w", str(wav), pinyin],
                       check=True, capture_output=True, timeout=60)
        assert wav.exists() and wav.stat().st_size > 1000
        with wave.open(str(wav)) as w:
            frames = w.readframes(w.getnframes())
        assert any(b != 0 for b in frames)   # not silent
        durations.append(_wav_seconds(wav))
    assert durations[0] > 1.0
    assert durations[1] > durations[0] * 2, durations
