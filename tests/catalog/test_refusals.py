"""Every refusal says why in Chinese and leaves the installed catalogue byte-for-byte unchanged."""

import json
import os
import stat
import zipfile

import pytest

from catalog.errors import CatalogError, PackageRefused
from catalog.packaging.packages import import_package
from pkgtools import DOCUMENTS, build, records, run_cli, snapshot


@pytest.fixture
def kiosk(tmp_path, keys):
    """A data folder serving a signed catalogue (sequence 2), and the v2 package."""
    dd = tmp_path / "data"
    v2 = build(tmp_path, "v2", records(4), key=keys.key, sequence=2)
    import_package(dd, v2, trust=[keys.pub])
    return dd, v2


def read_zip(path):
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def write_zip(path, entries, *, modes=None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (modes or {}).get(name, 0o100644) << 16
            zf.writestr(info, data)
    return path


def assert_refused(dd, pkg, *, expect: str, **kw):
    before = snapshot(dd)
    with pytest.raises(PackageRefused) as exc:
        import_package(dd, pkg, **kw)
    assert expect in exc.value.message, exc.value.message
    assert "拒绝" in exc.value.message or "没有任何改动" in exc.value.message or "无法" in exc.value.message
    assert snapshot(dd) == before
    assert not [p for p in dd.iterdir() if p.name.startswith("staging-")]
    return exc.value


def good_v3(tmp_path, keys, **kw):
    return build(tmp_path, "v3", records(6), key=keys.key, sequence=3, **kw)


def test_tampered_file(tmp_path, keys, kiosk):
    dd, _ = kiosk
    entries = read_zip(good_v3(tmp_path, keys))
    entries["documents.jsonl"] = entries["documents.jsonl"].replace("第一条".encode(), "第壹条".encode(), 1)
    assert_refused(dd, write_zip(tmp_path / "t.zip", entries), expect="校验值不符")


def test_manifest_changed_after_signing(tmp_path, keys, kiosk):
    dd, _ = kiosk
    entries = read_zip(good_v3(tmp_path, keys))
    m = json.loads(entries["manifest.json"])
    m["sequence"] = 99
    entries["manifest.json"] = json.dumps(m, ensure_ascii=False).encode()
    assert_refused(dd, write_zip(tmp_path / "t.zip", entries), expect="签名验证失败")


def test_signed_by_untrusted_key(tmp_path, keys, kiosk):
    dd, _ = kiosk
    pkg = build(tmp_path, "s", records(6), key=keys.other_key, sequence=3)
    assert_refused(dd, pkg, expect="签名验证失败")


def test_garbage_signature(tmp_path, keys, kiosk):
    dd, _ = kiosk
    entries = read_zip(good_v3(tmp_path, keys))
    entries["manifest.sig"] = b"not base64 at all!!\n"
    assert_refused(dd, write_zip(tmp_path / "t.zip", entries), expect="签名验证失败")


def test_missing_signature(tmp_path, keys, kiosk):
    dd, _ = kiosk
    entries = read_zip(good_v3(tmp_path, keys))
    del entries["manifest.sig"]
    assert_refused(dd, write_zip(tmp_path / "t.zip", entries), expect="没有签名")


def test_refused_package_does_not_install_its_trust_key(tmp_path, keys):
    dd = tmp_path / "data"
    pkg = build(tmp_path, "bad", records(2), key=keys.other_key, sequence=1)
    entries = read_zip(pkg)
    entries["documents.jsonl"] += b"{broken\n"
    bad = write_zip(tmp_path / "t.zip", entries)
    assert_refused(dd, bad, expect="校验值不符", trust=[keys.other_pub])
    assert not list((dd / "trusted_keys").glob("*.pub"))


def test_unknown_file(tmp_path, keys, kiosk):
    dd, _ = kiosk
    entries = read_zip(good_v3(tmp_path, keys))
    entries["extra/notes.txt"] = b"hello"
    assert_refused(dd, write_zip(tmp_path / "t.zip", entries), expect="清单未列出的文件")


def test_listed_file_missing(tmp_path, keys, kiosk):
    dd, _ = kiosk
    entries = read_zip(good_v3(tmp_path, keys))
    del entries["faqs.jsonl"]
    assert_refused(dd, write_zip(tmp_path / "t.zip", entries), expect="缺少清单中列出的文件")


def _signed_with_docs(tmp_path, keys, doc_lines: list[str], name="x", sequence=3):
    """A correctly signed package whose documents.jsonl holds exactly ``doc_lines``."""
    from pkgtools import signed_zip, write_source

    recs = records(6)
    src = write_source(tmp_path / f"src-{name}", recs, sequence=sequence)
    (src / "documents.jsonl").write_text("\n".join(doc_lines) + "\n", encoding="utf-8")
    # FAQs point at documents that may now be missing; keep the FAQ file empty here.
    (src / "faqs.jsonl").write_text("", encoding="utf-8")
    # signed without pack, which refuses to sign what an import would refuse
    files = {p.relative_to(src).as_posix(): p.read_bytes() for p in src.rglob("*")
             if p.is_file() and p.name != "manifest.json"}
    return signed_zip(tmp_path / f"{name}.zip", files, keys.key, sequence)


def _doc(**changes):
    d = dict(DOCUMENTS[0])
    d.update(changes)
    return json.dumps(d, ensure_ascii=False)


def test_bad_json(tmp_path, keys, kiosk):
    dd, _ = kiosk
    pkg = _signed_with_docs(tmp_path, keys, [_doc(), '{"id": "x", "title": '])
    err = assert_refused(dd, pkg, expect="documents.jsonl 第 2 行")
    assert "不是有效的 JSON" in err.message


def test_duplicate_id(tmp_path, keys, kiosk):
    dd, _ = kiosk
    pkg = _signed_with_docs(tmp_path, keys, [_doc(), _doc(title="另一个标题")])
    assert_refused(dd, pkg, expect="与第 1 行重复")


@pytest.mark.parametrize("changes, expect", [
    ({"domains": ["no-such-domain"]}, "不存在的领域"),
    ({"items": ["no-such-item"]}, "不存在的目录事项"),
    ({"interprets": "no-such-doc"}, "不存在的文件"),
    ({"attachments": [{"path": "files/form.pdf", "title": "申请表"}]}, "附件"),
])
def test_dangling_reference(tmp_path, keys, kiosk, changes, expect):
    dd, _ = kiosk
    assert_refused(dd, _signed_with_docs(tmp_path, keys, [_doc(**changes)]), expect=expect)


def test_dangling_faq_reference(tmp_path, keys, kiosk):
    dd, _ = kiosk
    recs = records(6)
    recs["faq"][0]["documents"] = ["law-0000000000"]
    # pack refuses to sign it (its own check); a package signed some other way is refused at import
    with pytest.raises(CatalogError, match="不存在的文件"):
        build(tmp_path, "f", recs, key=keys.key, sequence=3)
    from pkgtools import FILE_OF, signed_zip

    files = {f: "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs[t]) for t, f in FILE_OF.items()}
    assert_refused(dd, signed_zip(tmp_path / "f.zip", files, keys.key, 3), expect="不存在的文件")


@pytest.mark.parametrize("changes, expect", [
    ({"status": "有效"}, "不在允许的范围内"),
    ({"kind": "法律"}, "不在允许的范围内"),
    ({"published": "2019年3月2日"}, "YYYY-MM-DD"),
    ({"title": ""}, "应为非空文字"),
    ({"domains": "shjz"}, "应为文字列表"),
    ({"id": "a b"}, "编号"),
])
def test_field_errors(tmp_path, keys, kiosk, changes, expect):
    dd, _ = kiosk
    assert_refused(dd, _signed_with_docs(tmp_path, keys, [_doc(**changes)]), expect=expect)


def test_missing_required_field(tmp_path, keys, kiosk):
    dd, _ = kiosk
    d = dict(DOCUMENTS[0])
    del d["status"]
    pkg = _signed_with_docs(tmp_path, keys, [json.dumps(d, ensure_ascii=False)])
    assert_refused(dd, pkg, expect="缺少必填字段“status”")


def test_replayed_sequence(tmp_path, keys, kiosk):
    dd, v2 = kiosk
    assert_refused(dd, v2, expect="不比本机目录")


def test_older_sequence(tmp_path, keys, kiosk):
    dd, _ = kiosk
    assert_refused(dd, build(tmp_path, "v1", records(6), key=keys.key, sequence=1), expect="不比本机目录")


def test_delta_on_wrong_base(tmp_path, keys, kiosk):
    dd, v2 = kiosk
    v1 = build(tmp_path, "v1", records(3), key=keys.key, sequence=1)
    delta = build(tmp_path, "d", records(5), key=keys.key, sequence=3, base=v1)  # base 1, kiosk has 2
    assert_refused(dd, delta, expect="要求本机是第 1 版")


def test_delta_on_empty_kiosk(tmp_path, keys):
    dd = tmp_path / "empty"
    v1 = build(tmp_path, "v1", records(3), key=keys.key, sequence=1)
    delta = build(tmp_path, "d", records(5), key=keys.key, sequence=2, base=v1)
    assert_refused(dd, delta, expect="请先导入完整目录", trust=[keys.pub])


def test_delta_deleting_a_record_still_referenced(tmp_path, keys, kiosk):
    dd, v2 = kiosk
    recs = records(4)
    # drop the domain shjz from the catalogue while documents the delta leaves alone still name it
    recs["domain"] = [d for d in recs["domain"] if d["id"] != "shjz"]
    recs["item"] = [i for i in recs["item"] if i["domain"] != "shjz"]
    assert any("shjz" in d["domains"] for d in recs["document"])
    delta = build(tmp_path, "d", recs, key=keys.key, sequence=3, base=v2)
    err = assert_refused(dd, delta, expect="不存在的领域")
    assert "shjz" in err.message


@pytest.mark.parametrize("name", ["../escape.txt", "/etc/escape.txt", "a/../../escape.txt", "..\\escape.txt", "C:/x.txt"])
def test_zip_path_escape(tmp_path, keys, kiosk, name):
    dd, _ = kiosk
    entries = read_zip(good_v3(tmp_path, keys))
    entries[name] = b"x"
    assert_refused(dd, write_zip(tmp_path / "t.zip", entries), expect="路径不安全")
    assert not (tmp_path / "escape.txt").exists()


def test_zip_symlink(tmp_path, keys, kiosk):
    dd, _ = kiosk
    entries = read_zip(good_v3(tmp_path, keys))
    entries["link"] = b"/etc/passwd"
    pkg = write_zip(tmp_path / "t.zip", entries, modes={"link": stat.S_IFLNK | 0o777})
    assert_refused(dd, pkg, expect="链接文件")


def test_zip_bomb(tmp_path, keys, kiosk):
    dd, _ = kiosk
    entries = read_zip(good_v3(tmp_path, keys))
    entries["files/bomb.bin"] = bytes(64 * 1024 * 1024)  # 64 MB of zeros -> ~64 KB compressed
    pkg = write_zip(tmp_path / "t.zip", entries)
    assert os.path.getsize(pkg) < 2 * 1024 * 1024
    assert_refused(dd, pkg, expect="压缩炸弹")


def test_not_a_zip(tmp_path, kiosk):
    dd, _ = kiosk
    bad = tmp_path / "junk.zip"
    bad.write_bytes(os.urandom(4096))
    assert_refused(dd, bad, expect="不是有效的 zip")


def test_truncated_zip(tmp_path, keys, kiosk):
    dd, _ = kiosk
    data = good_v3(tmp_path, keys).read_bytes()
    bad = tmp_path / "cut.zip"
    bad.write_bytes(data[: len(data) // 2])
    assert_refused(dd, bad, expect="zip")


def test_wrong_format_version(tmp_path, keys, kiosk):
    dd, _ = kiosk
    entries = read_zip(good_v3(tmp_path, keys))
    m = json.loads(entries["manifest.json"])
    m["format_version"] = 2
    entries["manifest.json"] = json.dumps(m).encode()
    assert_refused(dd, write_zip(tmp_path / "t.zip", entries), expect="格式版本")


def test_folder_package_with_symlink(tmp_path, keys, kiosk):
    from pkgtools import write_source

    dd, _ = kiosk
    src = write_source(tmp_path / "folder", records(6), sequence=3)
    (src / "sneaky").symlink_to("/etc/passwd")
    assert_refused(dd, src, expect="链接文件")


def test_missing_package_path(tmp_path, kiosk):
    dd, _ = kiosk
    assert_refused(dd, tmp_path / "nope.zip", expect="找不到更新包")


def test_cli_refusal_exit_1_chinese_stderr(tmp_path, keys, kiosk):
    dd, v2 = kiosk
    before = snapshot(dd)
    r = run_cli("--data-dir", str(dd), "import", str(v2))
    assert r.returncode == 1
    assert "不比本机目录" in r.stderr and "Traceback" not in r.stderr
    assert snapshot(dd) == before


def test_keygen_never_overwrites_a_key(tmp_path):
    """A second keygen with the same name would cut off every kiosk that trusts the first key."""
    assert run_cli("keygen", str(tmp_path / "county")).returncode == 0
    before = (tmp_path / "county.key").read_bytes(), (tmp_path / "county.pub").read_bytes()
    r = run_cli("keygen", str(tmp_path / "county"))
    assert r.returncode == 1 and "已经存在" in r.stderr
    assert ((tmp_path / "county.key").read_bytes(), (tmp_path / "county.pub").read_bytes()) == before


@pytest.mark.parametrize("stray", ["county.key", "files/county.key", "logs/catalog.log", "notes.txt"])
def test_pack_refuses_files_that_are_not_package_content(tmp_path, keys, stray):
    """A private key or a log left in the source folder must not ship to every township."""
    from pkgtools import write_source

    src = write_source(tmp_path / "src", records(3), extra_files={stray: b"secret"})
    out = tmp_path / "out.zip"
    r = run_cli("pack", "--no-vectors", str(src), str(out), "--key", str(keys.key))
    assert r.returncode == 1 and "不属于更新包的文件" in r.stderr and stray in r.stderr
    assert not out.exists()
    (src / stray).unlink()
    assert run_cli("pack", "--no-vectors", str(src), str(out), "--key", str(keys.key)).returncode == 0


def test_bad_paths_get_a_plain_message_not_a_traceback(tmp_path, keys):
    dd = tmp_path / "data"
    import_package(dd, build(tmp_path, "v1", records(3), key=keys.key), trust=[keys.pub])
    doc = records(3)["document"][0]["id"]
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    cases = [
        (("--data-dir", str(dd), "search", "--batch", str(tmp_path / "missing.txt"), "--json"), "找不到"),
        (("--data-dir", str(dd), "extract", doc, "-o", str(tmp_path / "no" / "x.pdf")), "找不到"),
        (("--data-dir", str(not_a_dir), "status"), "不是文件夹"),
        (("fingerprint", str(tmp_path / "missing.pub")), "无法读取公钥文件"),
    ]
    for args, words in cases:
        r = run_cli(*args)
        assert r.returncode == 1, (args, r.stderr)
        assert words in r.stderr and "Traceback" not in r.stderr, (args, r.stderr)
        assert "refused:" not in r.stderr, r.stderr  # only the sentence for people


def test_an_older_package_stays_refused_after_a_change_of_publisher(tmp_path, keys):
    """County A v1, v2; then county B's full catalogue; A's old v2 (a stale stick) must not
    come back: the kiosk's history goes with every full package, not only the live one's."""
    dd = tmp_path / "data"
    import_package(dd, build(tmp_path, "a1", records(3), key=keys.key), trust=[keys.pub])
    a2 = build(tmp_path, "a2", records(4), key=keys.key, sequence=2)
    import_package(dd, a2)
    import_package(dd, build(tmp_path, "b1", records(3), key=keys.other_key, publisher="另一县政务公开办"),
                   trust=[keys.other_pub], confirm={"change_publisher"})
    before = snapshot(dd)
    with pytest.raises(PackageRefused) as err:
        import_package(dd, a2, confirm={"change_publisher"})
    assert "曾导入的该单位目录（第 2 版）" in err.value.message
    assert snapshot(dd) == before
    a3 = build(tmp_path, "a3", records(5), key=keys.key, sequence=3)
    assert import_package(dd, a3, confirm={"change_publisher"}).sequence == 3
