"""What staff see of a USB stick before applying anything (catalog/packaging/sync.py), and the usage export
(catalog/usage.py): a dry run that never touches the kiosk, and CSV files Excel opens."""

import csv
import json
import shutil
from datetime import date

from catalog.packaging.sync import describe, find_packages, inspect_package
from catalog.packaging.packages import import_package
from catalog.usage import UsageLog, export
from pkgtools import build, records, run_cli, snapshot


def stick_with(tmp_path, *packages, folder="政务公开目录更新"):
    stick = tmp_path / "stick"
    (stick / folder).mkdir(parents=True, exist_ok=True)
    for p in packages:
        shutil.copyfile(p, stick / folder / p.name)
    (stick / "照片.jpg").write_bytes(b"not a package")
    return stick


def test_packages_are_found_at_the_root_and_in_the_updates_folder(tmp_path, keys):
    a = build(tmp_path, "a", records(3), key=keys.key)
    stick = stick_with(tmp_path, a)
    shutil.copyfile(a, stick / "root-copy.zip")
    found = find_packages(stick)
    assert sorted(p.name for p in found) == ["a.zip", "root-copy.zip"]
    assert find_packages(tmp_path / "no-such-stick") == []


def test_a_good_package_is_described_and_applies(tmp_path, keys):
    dd = tmp_path / "data"
    import_package(dd, build(tmp_path, "v1", records(3), key=keys.key), trust=[keys.pub])
    v2 = build(tmp_path, "v2", records(5), key=keys.key, sequence=2)
    before = snapshot(dd)
    info = inspect_package(dd, v2)
    assert info.applies and info.reason == ""
    assert (info.sequence, info.kind, info.region) == (2, "full", "测试县") and info.publisher
    assert info.counts["document"] == 5 and info.signature == "已签名（签名人可信）" and info.signer
    assert snapshot(dd) == before  # a dry run: nothing on the kiosk changed
    text = describe(info)
    assert "第 2 版" in text and "文件 5" in text and "可信" in text
    assert info.signer in text and "文件：v2.zip" in text  # which file, signed by which key


def test_what_does_not_apply_says_why(tmp_path, keys):
    dd = tmp_path / "data"
    import_package(dd, build(tmp_path, "v2", records(3), key=keys.key, sequence=2), trust=[keys.pub])
    before = snapshot(dd)
    old = build(tmp_path, "old", records(3), key=keys.key, sequence=1)
    stranger = build(tmp_path, "stranger", records(3), key=keys.other_key, sequence=3)
    unsigned = build(tmp_path, "unsigned", records(3), key=None, sequence=4)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(build(tmp_path, "b", records(3), key=keys.key, sequence=5).read_bytes()[:500])
    infos = {p.name: inspect_package(dd, p) for p in (old, stranger, unsigned, broken)}
    assert not any(i.applies for i in infos.values())
    assert "不比本机" in infos["old.zip"].reason
    assert infos["stranger.zip"].signature.startswith("签名人不在")
    # a package no key here vouches for is judged by its manifest alone: nothing else is copied
    assert not infos["stranger.zip"].counts and "内容没有读取" in describe(infos["stranger.zip"])
    assert infos["unsigned.zip"].signature == "未签名"
    assert infos["broken.zip"].reason  # a truncated zip (a stick pulled mid-copy) says so
    for i in infos.values():  # the screen puts 不能导入： before it: the reason does not repeat it
        assert "不能导入" not in i.reason and "已拒绝导入" not in i.reason, i.reason
    assert describe(infos["broken.zip"]) == "无法读取的更新包：broken.zip"  # not "第 None 版"
    assert snapshot(dd) == before


def test_a_stick_pulled_before_reading_fails_cleanly(tmp_path, keys):
    dd = tmp_path / "data"
    import_package(dd, build(tmp_path, "v1", records(3), key=keys.key), trust=[keys.pub])
    before = snapshot(dd)
    info = inspect_package(dd, tmp_path / "stick" / "gone.zip")
    assert not info.applies and info.reason
    assert snapshot(dd) == before


def test_usage_export_opens_in_excel_and_holds_nothing_personal(tmp_path):
    log = UsageLog(tmp_path / "usage.db", today=lambda: date(2026, 11, 22))
    log.record_search("低保", "shjz", found=True)
    log.record_search("低保", "shjz", found=False)
    log.record_search("我叫王秀英 身份证360102195003041234", "")
    log.record_question("明天天气怎么样", "out_of_scope")
    log.record_feedback("faq-shjz-02", True)
    log.record_print("shjz", 3)
    files = export(log, tmp_path / "out", {"shjz": "社会救助"})
    assert len(files) == 6
    for f in files:
        assert f.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads Chinese right
    rows = {f.name: list(csv.reader(open(f, encoding="utf-8-sig"))) for f in files}
    assert rows["搜索次数（按日期和领域）.csv"][1:] == [["2026-11-22", "（未分领域）", "1", "0"],
                                                 ["2026-11-22", "社会救助", "2", "1"]]
    assert rows["热门搜索词.csv"][1] == ["低保", "2", "2026-11-22", "2026-11-22"]
    everything = "".join(f.read_text(encoding="utf-8-sig") for f in files)
    assert "王秀英" not in everything and "360102195003041234" not in everything
    assert rows["打印页数.csv"][1] == ["2026-11-22", "社会救助", "3", "1"]
    assert rows["未能回答的问题.csv"][1][1] == "明天天气怎么样"


def test_export_usage_cli(tmp_path, keys):
    dd = tmp_path / "data"
    import_package(dd, build(tmp_path, "v1", records(3), key=keys.key), trust=[keys.pub])
    UsageLog(dd / "usage.db").record_search("户口", "hjgl")
    r = run_cli("--data-dir", str(dd), "export-usage", str(tmp_path / "out"), "--json")
    assert r.returncode == 0, r.stderr
    files = json.loads(r.stdout)["files"]
    assert len(files) == 6
    assert "户籍管理" in open([f for f in files if "按日期" in f][0], encoding="utf-8-sig").read()


def test_counting_never_stops_what_is_counted(tmp_path, caplog):
    """usage.db unwritable (here: a folder stands where the file should be, as a broken disk would
    leave it): every count is dropped with a log line, and none raises into a search or a print."""
    broken = tmp_path / "usage.db"
    broken.mkdir()
    log = UsageLog(broken)
    with caplog.at_level("WARNING", logger="catalog.usage"):
        log.record_search("低保", "shjz")
        log.record_question("低保怎么申请", "unsure")
        log.record_feedback("faq-1", True)
        log.record_print("shjz", 3)
    assert sum("usage count not written" in r.message for r in caplog.records) >= 4
    good = UsageLog(tmp_path / "ok" / "usage.db")
    good.record_print("shjz", 3)
    good.record_print("shjz", 2)
    assert [r[2:] for r in good.rows("prints")] == [(5, 2)]
