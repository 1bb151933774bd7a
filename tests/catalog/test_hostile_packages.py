"""Hostile and odd packages at the package boundary (issue 15): each is refused with a plain
Chinese reason and the data folder unchanged, or, for the good-but-odd ones, accepted.

Zips are written by Python's zipfile and by Info-ZIP's ``zip`` (the tools here); the broken
ones are written by zipfile and then patched byte for byte where zipfile cannot write them."""

import io
import json
import os
import shutil
import struct
import subprocess
import zipfile

import pytest

import catalog.packaging.archive as archive
from catalog import settings
from catalog.errors import PackageRefused
from catalog.packaging.packages import import_package
from catalog.packaging.sync import inspect_package
from tests.pkgtools import build, records, signed_zip, snapshot


@pytest.fixture
def dd(tmp_path, keys):
    d = tmp_path / "data"
    import_package(d, build(tmp_path, "v1", records(4), key=keys.key), trust=[keys.pub])
    return d


def refused(dd, package, *words):
    before = snapshot(dd)
    with pytest.raises(PackageRefused) as err:
        import_package(dd, package)
    for w in words:
        assert w in err.value.message, err.value.message
    assert snapshot(dd) == before
    assert not [p for p in dd.iterdir() if p.name.startswith("staging-")]
    # the staff screen's inspection gives the same verdict, without a traceback
    info = inspect_package(dd, package)
    assert not info.applies and info.reason
    return err.value


def record_files(recs, extra_lines: dict | None = None):
    from tests.pkgtools import FILE_OF

    out = {}
    for rtype, fname in FILE_OF.items():
        out[fname] = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs[rtype])
    for fname, line in (extra_lines or {}).items():
        out[fname] += line + "\n"
    return out


def patch_names(path, old: bytes, new: bytes, flag_utf8: bool | None = None):
    """Replace a name's bytes in the local header and the central directory (same length)."""
    data = bytearray(path.read_bytes())
    assert len(old) == len(new)
    data = bytearray(bytes(data).replace(old, new))
    if flag_utf8 is not None:
        for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            i = data.find(sig)
            while i >= 0:
                flags = struct.unpack_from("<H", data, i + off)[0]
                flags = flags | 0x800 if flag_utf8 else flags & ~0x800
                struct.pack_into("<H", data, i + off, flags)
                i = data.find(sig, i + 4)
    path.write_bytes(bytes(data))


def set_method(path, method: int):
    data = bytearray(path.read_bytes())
    for sig, off in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        i = data.find(sig)
        while i >= 0:
            struct.pack_into("<H", data, i + off, method)
            i = data.find(sig, i + 4)
    path.write_bytes(bytes(data))


def test_a_zip_entry_2000_folders_deep(dd, tmp_path):
    z = tmp_path / "deep.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("manifest.json", "{}")
        zf.writestr("a/" * 2000 + "x.txt", "x")
    refused(dd, z, "层次太深")


def test_a_folder_package_1000_deep(dd, tmp_path):
    root = tmp_path / "deepdir"
    p = root
    for _ in range(60):  # deeper than the limit; 1,000 levels exceed PATH_MAX for the test itself
        p = p / "a"
    p.mkdir(parents=True)
    (root / "manifest.json").write_text("{}")
    (p / "x.txt").write_text("x")
    refused(dd, root, "层次太深")


def test_a_name_that_is_not_utf8_under_the_utf8_flag(dd, tmp_path):
    z = tmp_path / "badname.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("manifest.json", "{}")
        zf.writestr("files/QQQQ.txt", "x")
    patch_names(z, b"QQQQ", b"\xff\xfe\xff\xfe", flag_utf8=True)
    refused(dd, z, "没有任何改动")


def test_found_by_the_fuzzer_an_entry_needing_zip_version_6_4(dd, tmp_path):
    """tests/catalog/test_fuzz.py found it: zipfile raises NotImplementedError when it opens the
    archive, before any entry is read."""
    z = tmp_path / "v64.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("manifest.json", "{}")
    raw = bytearray(z.read_bytes())
    cd = raw.index(b"PK\x01\x02")
    raw[cd + 6:cd + 8] = struct.pack("<H", 64)  # version needed to extract: 6.4
    z.write_bytes(bytes(raw))
    refused(dd, z, "不是有效的 zip")


def test_found_by_the_fuzzer_a_name_that_is_only_a_nul(dd, tmp_path):
    """zipfile cuts a name at its first NUL, so "\x00" is read as "": ZipInfo.is_dir() then raised
    IndexError. It is refused as an unsafe path."""
    z = tmp_path / "nul.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("manifest.json", "{}")
        zf.writestr(zipfile.ZipInfo("\x00"), b"")
    refused(dd, z, "不安全")


@pytest.mark.parametrize("method", [zipfile.ZIP_LZMA, zipfile.ZIP_BZIP2, zipfile.ZIP_DEFLATED])
def test_found_by_the_fuzzer_damaged_compressed_data(dd, tmp_path, method):
    """LZMA raised LZMAError and bzip2 an OSError without errno (read as a pulled stick) on damaged
    data; both are a damaged package now, like Deflate's zlib.error."""
    z = tmp_path / f"damaged-{method}.zip"
    with zipfile.ZipFile(z, "w", method) as zf:
        zf.writestr("manifest.json", json.dumps({"format": settings.PACKAGE_FORMAT, "x": "政务" * 400}))
    raw = bytearray(z.read_bytes())
    start = 30 + len("manifest.json")  # the first entry's data, after its local header
    for i in range(start + 12, start + 40):
        raw[i] ^= 0x5A
    z.write_bytes(bytes(raw))
    refused(dd, z, "已损坏")


def test_found_by_the_fuzzer_a_local_name_that_is_not_the_utf8_its_flag_says(dd, tmp_path):
    z = tmp_path / "local.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("manifest.json", "{}")
    raw = bytearray(z.read_bytes())
    struct.pack_into("<H", raw, 6, struct.unpack_from("<H", raw, 6)[0] | 0x800)  # the local header only
    raw[30] = 0x80  # its name's first byte: not UTF-8
    z.write_bytes(bytes(raw))
    refused(dd, z, "已损坏")


@pytest.mark.parametrize("method,name", [(9, "Deflate64"), (1, "Shrink"), (6, "Implode")])
def test_compression_methods_python_cannot_read(dd, tmp_path, keys, method, name):
    z = tmp_path / f"m{method}.zip"
    shutil.copy(build(tmp_path, "v2", records(4), key=keys.key, sequence=2), z)
    set_method(z, method)
    refused(dd, z, name, "重新压缩")


def test_aes_encrypted_entries(dd, tmp_path, keys):
    z = tmp_path / "aes.zip"
    shutil.copy(build(tmp_path, "v2", records(4), key=keys.key, sequence=2), z)
    set_method(z, 99)
    refused(dd, z, "加密")


@pytest.mark.parametrize("manifest", [
    '{"format": "gov-disclosure-catalog", "sequence": ' + "9" * 5000 + "}",
    "[" * 100_000 + "]" * 100_000,
])
def test_a_manifest_with_a_5000_digit_number_or_nested_100000_deep(dd, tmp_path, manifest):
    z = tmp_path / "m.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:  # unsigned: a stick is enough
        zf.writestr("manifest.json", manifest)
    refused(dd, z, "manifest.json", "不是有效的 JSON")


def test_an_oversized_manifest_is_not_read(dd, tmp_path):
    z = tmp_path / "bigm.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("manifest.json", b" " * (settings.MANIFEST_MAX_BYTES + 1))
    refused(dd, z, "过大")


def test_an_unsigned_package_costs_its_manifest_only(dd, tmp_path, keys, monkeypatch):
    """Before: every entry was copied into the data folder before 没有签名 (a 2.2 MB zip wrote
    1.9 GB). Now only manifest.json (and a signature, were there one) is copied."""
    src = build(tmp_path, "v2", records(6), key=keys.key, sequence=2)
    unsigned = tmp_path / "unsigned.zip"
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(unsigned, "w", zipfile.ZIP_DEFLATED) as b:
        for info in a.infolist():
            if info.filename != "manifest.sig":
                b.writestr(info, a.read(info))
    copied = []
    real = archive._copy
    monkeypatch.setattr(archive, "_copy", lambda e, *a, **k: (copied.append(e.rel), real(e, *a, **k))[1])
    refused(dd, unsigned, "没有签名")
    # once for the import, once for the staff screen's inspection
    assert set(copied) == {"manifest.json"}


def test_many_small_entries_that_expand_a_thousandfold(dd, tmp_path):
    """Each entry under the per-entry ratio check; together 300 MB from a few hundred KB."""
    z = tmp_path / "bomb.zip"
    block = b"\0" * (1024 * 1024 - 1)
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", "{}")
        for i in range(300):
            zf.writestr(f"files/{i}.bin", block)
    assert z.stat().st_size < 2_000_000
    refused(dd, z, "压缩炸弹")


def rezip_with_writestr(src, out):
    """What a script using zipfile.writestr(name, data) makes: no file-type bits in the entries."""
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as b:
        for info in a.infolist():
            b.writestr(info.filename, a.read(info))
    with zipfile.ZipFile(out) as c:
        assert all(stat_bits(i) == 0 for i in c.infolist())


def stat_bits(info):
    import stat

    return stat.S_IFMT(info.external_attr >> 16)


def with_attachment(tmp_path, keys, name="通知.txt"):
    recs = records(4)
    recs["document"][0]["attachments"] = [{"path": f"files/{name}", "title": "通知"}]
    return build(tmp_path, "v2", recs, key=keys.key, sequence=2,
                 extra_files={f"files/{name}": "附件正文\n".encode()})


def test_a_zip_written_by_zipfile_writestr_is_accepted(dd, tmp_path, keys):
    out = tmp_path / "writestr.zip"
    rezip_with_writestr(with_attachment(tmp_path, keys), out)
    assert import_package(dd, out).sequence == 2


@pytest.mark.skipif(shutil.which("zip") is None, reason="Info-ZIP's zip is not installed")
def test_info_zip_with_utf8_names_and_with_gbk_names_as_chinese_windows_tools_write(dd, tmp_path, keys):
    pkg = with_attachment(tmp_path, keys)
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(pkg) as zf:
        zf.extractall(folder)
    # Info-ZIP with UTF-8 names (a Linux or macOS desktop)
    utf8 = tmp_path / "infozip-utf8.zip"
    subprocess.run(["zip", "-q", "-r", "-X", str(utf8), "."], cwd=folder, check=True,
                   env={"LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"})
    info = inspect_package(dd, utf8)
    assert info.applies, info.reason
    # the same files with the attachment's name in GBK bytes and no UTF-8 flag
    gbk_name = "通知.txt".encode("gbk")
    os.rename(folder / "files" / "通知.txt", str(folder / "files").encode() + b"/" + gbk_name)
    gbk = tmp_path / "infozip-gbk.zip"
    subprocess.run(["zip", "-q", "-r", "-X", str(gbk), "."], cwd=folder, check=True,
                   env={"LANG": "C", "PATH": "/usr/bin:/bin"})
    with zipfile.ZipFile(gbk) as zf:
        raw = [i for i in zf.infolist() if i.filename.startswith("files/")]
        assert raw and not raw[0].flag_bits & 0x800  # stored as GBK bytes, unflagged
    assert import_package(dd, gbk).sequence == 2
    assert (dd / "generations").exists()


class _Unseekable(io.RawIOBase):
    """A stream zipfile cannot seek back in: it then writes a data descriptor after each entry
    (flag bit 3), as Windows' compressed folders and 7-Zip's streaming mode do."""

    def __init__(self, fh):
        self.fh = fh

    def writable(self):
        return True

    def write(self, b):
        return self.fh.write(b)


def test_a_zip_laid_out_as_windows_writes_it(dd, tmp_path, keys):
    """Neither Windows nor 7-Zip runs here, so this is their layout, not their output. It has DOS
    attributes and no Unix mode bits (create_system 0, external_attr 0x20), sizes in data
    descriptors after each entry, and names in GBK bytes without the UTF-8 flag (a Chinese
    Windows's code page)."""
    pkg = with_attachment(tmp_path, keys)
    out = tmp_path / "windows.zip"
    with zipfile.ZipFile(pkg) as src, open(out, "wb") as raw:
        with zipfile.ZipFile(_Unseekable(raw), "w", zipfile.ZIP_DEFLATED) as zf:
            for info in src.infolist():
                name = info.filename.replace("通知", "QQQQ")  # 4 bytes, as 通知 is in GBK
                new = zipfile.ZipInfo(name, date_time=info.date_time)
                new.create_system, new.external_attr = 0, 0x20
                new.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(new, src.read(info))
    patch_names(out, b"files/QQQQ.txt", b"files/" + "通知".encode("gbk") + b".txt", flag_utf8=False)
    with zipfile.ZipFile(out) as zf:
        infos = zf.infolist()
        assert all(i.flag_bits & 0x08 and i.create_system == 0 for i in infos)
    report = import_package(dd, out)
    assert report.sequence == 2


def test_a_long_name_is_called_long_not_a_pulled_stick(dd, tmp_path):
    z = tmp_path / "long.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("manifest.json", json.dumps({}))
        zf.writestr("files/" + "长" * 300 + ".txt", "x")
    err = refused(dd, z, "名称过长")
    assert "拔出" not in err.message


def test_one_bad_file_on_a_stick_does_not_hide_the_good_package_beside_it(dd, tmp_path, keys):
    from catalog.packaging.sync import read_stick

    stick = tmp_path / "stick"
    stick.mkdir()
    shutil.copy(build(tmp_path, "v2", records(5), key=keys.key, sequence=2), stick / "good.zip")
    with zipfile.ZipFile(stick / "deep.zip", "w") as zf:
        zf.writestr("a/" * 2000 + "x", "x")
    z = stick / "m9.zip"
    shutil.copy(stick / "good.zip", z)
    set_method(z, 9)
    infos, _keys = read_stick(dd, stick)
    verdicts = {p.path.rsplit("/", 1)[-1]: p for p in infos}
    assert verdicts["good.zip"].applies
    assert not verdicts["deep.zip"].applies and "层次太深" in verdicts["deep.zip"].reason
    assert not verdicts["m9.zip"].applies and "Deflate64" in verdicts["m9.zip"].reason


@pytest.mark.parametrize("field,value,words", [
    ("published", "9999-99-99", "真实的日期"),
    ("published", "2024-13-45", "真实的日期"),
    ("published", "0000-00-00", "真实的日期"),
    ("published", "２０２４-０１-０２", "半角数字"),
    ("written", "٢٠٢٤-٠١-٠٢", "半角数字"),
    ("id", "doc\u202e-1", "不可见字符"),      # a bidi override
    ("id", "doc\u200b1", "不可见字符"),       # a zero-width space
])
def test_records_that_passed_but_should_not(dd, tmp_path, keys, field, value, words):
    recs = records(4)
    recs["document"][0][field] = value
    pkg = signed_zip(tmp_path / "bad.zip", record_files(recs), keys.key, 2)
    refused(dd, pkg, "documents.jsonl", "第 1 行", words)


@pytest.mark.parametrize("value", [2 ** 63, 10 ** 30, -(2 ** 63) - 1])
def test_integers_beyond_what_sqlite_stores(dd, tmp_path, keys, value):
    recs = records(4)
    recs["domain"][0]["order"] = value
    refused(dd, signed_zip(tmp_path / "big.zip", record_files(recs), keys.key, 2), "domains.jsonl", "过大")


def test_a_record_with_a_5000_digit_number_or_absurd_nesting(dd, tmp_path, keys):
    for i, raw in enumerate(['{"id": "x", "n": ' + "9" * 5000 + "}", "[" * 50_000 + "]" * 50_000]):
        files = record_files(records(4), {"documents.jsonl": raw})
        refused(dd, signed_zip(tmp_path / f"raw{i}.zip", files, keys.key, 2),
                "documents.jsonl", "第 5 行", "不是有效的 JSON")


def test_pack_refuses_records_an_import_would_refuse(tmp_path, keys):
    from catalog.errors import CatalogError
    from catalog.packaging.pack import pack
    from tests.pkgtools import write_source

    recs = records(4)
    recs["document"][1]["published"] = "2024-13-45"
    src = write_source(tmp_path / "src", recs)
    with pytest.raises(CatalogError) as err:
        pack(src, tmp_path / "out.zip", key=keys.key, sequence=1, vectors=False)
    assert "documents.jsonl 第 2 行" in err.value.message and "没有制作更新包" in err.value.message
    assert not (tmp_path / "out.zip").exists()
    # a missing id with --base: a plain reason, not a traceback
    good = build(tmp_path, "base", records(4), key=keys.key)
    recs = records(4)
    del recs["document"][0]["id"]
    src = write_source(tmp_path / "src2", recs, sequence=2)
    with pytest.raises(CatalogError) as err:
        pack(src, tmp_path / "delta.zip", key=keys.key, sequence=2, base=good, vectors=False)
    assert "缺少必填字段“id”" in err.value.message


def test_pack_takes_notepads_bom_and_the_package_imports(dd, tmp_path, keys):
    from catalog.packaging.pack import pack
    from tests.pkgtools import write_source

    src = write_source(tmp_path / "src", records(5), sequence=2, terms="低保 最低生活保障\n")
    for name in ("documents.jsonl", "terms.txt"):
        (src / name).write_bytes(b"\xef\xbb\xbf" + (src / name).read_bytes())
    out = tmp_path / "bom.zip"
    pack(src, out, key=keys.key, sequence=2, vectors=False)
    with zipfile.ZipFile(out) as zf:
        assert not zf.read("documents.jsonl").startswith(b"\xef\xbb\xbf")
    assert import_package(dd, out).sequence == 2


def test_a_public_key_cannot_sign_and_a_private_key_cannot_be_trusted(tmp_path, keys):
    from catalog.errors import CatalogError
    from catalog.packaging.pack import pack
    from catalog.packaging.signing import fingerprint_file
    from tests.pkgtools import write_source

    src = write_source(tmp_path / "src", records(4))
    with pytest.raises(CatalogError) as err:
        pack(src, tmp_path / "out.zip", key=keys.pub, sequence=1, vectors=False)
    assert "公钥文件，不能用来签名" in err.value.message
    # the public key's text under a .key name, beside its .pub
    shutil.copy(keys.pub, tmp_path / "k.key")
    shutil.copy(keys.pub, tmp_path / "k.pub")
    with pytest.raises(CatalogError) as err:
        pack(src, tmp_path / "out.zip", key=tmp_path / "k.key", sequence=1, vectors=False)
    assert "它是公钥" in err.value.message
    assert not (tmp_path / "out.zip").exists()
    with pytest.raises(CatalogError) as err:
        fingerprint_file(keys.key)
    assert "私钥文件，不能作为公钥" in err.value.message
    with pytest.raises(CatalogError) as err:
        import_package(tmp_path / "d", build(tmp_path, "v1", records(4), key=keys.key), trust=[keys.key])
    assert "私钥" in err.value.message


def test_key_files_on_a_stick_are_read_guarded(tmp_path):
    from catalog.errors import CatalogError
    from catalog.packaging.signing import load_public_raw

    fifo = tmp_path / "x.pub"
    os.mkfifo(fifo)
    with pytest.raises(CatalogError) as err:
        load_public_raw(fifo)  # before: blocked for ever
    assert "不是普通文件" in err.value.message
    big = tmp_path / "big.pub"
    with open(big, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    with pytest.raises(CatalogError):
        load_public_raw(big)


def test_a_synonym_group_of_20000_words_is_refused(dd, tmp_path, keys):
    files = record_files(records(4)) | {"terms.txt": " ".join(f"词{i}" for i in range(20_000)) + "\n"}
    refused(dd, signed_zip(tmp_path / "terms.zip", files, keys.key, 2), "terms.txt", "第 1 行", "最多")


def test_a_delta_that_deletes_and_updates_one_id_is_refused_at_the_check(dd, tmp_path, keys):
    """Before: it passed the checks, failed the self-test, and left generations/tmp-* behind."""
    doc = records(4)["document"][0]
    files = {"documents.jsonl": json.dumps(doc, ensure_ascii=False) + "\n",
             "deleted.jsonl": json.dumps({"type": "document", "id": doc["id"]}) + "\n"}
    pkg = signed_zip(tmp_path / "both.zip", files, keys.key, 2, kind="delta", base_sequence=1)
    refused(dd, pkg, "既删除又更新")
    assert not list((dd / "generations").glob("tmp-*"))
