"""Keys bound to publishers: a trusted key signs only for the publishers it was installed for;
the demo key signs only the demo catalogue and retires itself once a real one is live; a change of
publisher and a large sequence jump need a staff confirmation; and every refusal changes nothing."""

import json
import shutil
import sqlite3
import zipfile

import pytest

from catalog import settings
from catalog.packaging.datadir import DataDir
from catalog.errors import CatalogError, PackageRefused
from catalog.packaging.packages import import_package
from catalog.packaging.signing import fingerprint_file
from catalog.packaging.sync import inspect_package
from catalog.packaging.trust import DEMO_FINGERPRINT, DEMO_PUBLISHER, demo_retired, install_key, keys, remove_key
from pkgtools import REPO, build, records, run_cli, snapshot

DEMO_KEY = REPO / "tools" / "demo-signing.key"  # public on purpose: anyone can sign with it
DEMO_PUB = REPO / "resources" / "demo" / "demo.pub"
JIA, YI = "甲县政务公开办", "乙县政务公开办"


def refused(dd, pkg, expect, **kw) -> PackageRefused:
    before = snapshot(dd)
    with pytest.raises(PackageRefused) as exc:
        import_package(dd, pkg, **kw)
    assert expect in exc.value.message, exc.value.message
    assert snapshot(dd) == before  # byte for byte: catalogue, keys, history
    assert not [p for p in dd.iterdir() if p.name.startswith("staging-")]
    return exc.value


def history(dd) -> list[dict]:
    gen = DataDir(dd).current_generation()
    db = sqlite3.connect(gen / "catalog.db")
    db.row_factory = sqlite3.Row
    return [dict(r) for r in db.execute("select * from history order by rowid")]


@pytest.fixture
def two_counties(tmp_path, keys):
    """Key A trusted for 甲县 only, key B for 乙县 only; 乙县's catalogue (v1) is live."""
    dd = tmp_path / "data"
    install_key(DataDir(dd), keys.pub, [JIA])
    yi1 = build(tmp_path, "yi1", records(4), key=keys.other_key, publisher=YI)
    import_package(dd, yi1, trust=[keys.other_pub])
    return dd, yi1


def test_the_demo_constants_are_the_bundled_demo(tmp_path):
    assert fingerprint_file(DEMO_PUB) == DEMO_FINGERPRINT
    with zipfile.ZipFile(REPO / "resources/demo/demo.zip") as zf:
        assert json.loads(zf.read("manifest.json"))["publisher"] == DEMO_PUBLISHER


def test_trust_binds_the_key_to_the_publisher_of_its_package(two_counties, keys):
    dd, _ = two_counties
    bound = {k.fingerprint: k.publishers for k in keys_of(dd)}
    assert bound == {fingerprint_file(keys.pub): (JIA,), fingerprint_file(keys.other_pub): (YI,)}


def keys_of(dd):
    return list(keys(DataDir(dd)).values())


def test_a_trusted_key_cannot_sign_as_another_publisher_full(tmp_path, keys, two_counties):
    dd, _ = two_counties
    forged = build(tmp_path, "forged", records(6), key=keys.key, publisher=YI, sequence=2)
    err = refused(dd, forged, "只被信任用于“甲县政务公开办”")
    assert "乙县政务公开办" in err.message
    # the real 乙县 v2 still applies
    assert import_package(dd, build(tmp_path, "yi2", records(6), key=keys.other_key, publisher=YI,
                                    sequence=2)).sequence == 2


def test_a_trusted_key_cannot_sign_as_another_publisher_delta(tmp_path, keys, two_counties):
    dd, yi1 = two_counties
    forged = build(tmp_path, "forged-delta", records(6), key=keys.key, publisher=YI, sequence=2, base=yi1)
    assert json.loads(zipfile.ZipFile(forged).read("manifest.json"))["kind"] == "delta"
    refused(dd, forged, "只被信任用于“甲县政务公开办”")


def test_a_key_given_with_trust_is_bound_only_to_its_package(tmp_path, keys, two_counties):
    """--trust B with 乙县's package made B a key for 乙县, not for 甲县."""
    dd, _ = two_counties
    jia = build(tmp_path, "jia", records(3), key=keys.other_key, publisher=JIA)
    refused(dd, jia, "只被信任用于“乙县政务公开办”", confirm={"change_publisher"})


@pytest.fixture
def demo_then_real(tmp_path, demo_dir, keys):
    """The demo imported (its key trusted), then a real publisher's catalogue with its own key."""
    dd = tmp_path / "data"
    shutil.copytree(demo_dir, dd)
    assert fingerprint_file(DEMO_PUB) in {k.fingerprint for k in keys_of(dd)}
    report = import_package(dd, build(tmp_path, "real1", records(4), key=keys.key, publisher=JIA),
                            trust=[keys.pub])
    return dd, report


def test_moving_off_the_demo_needs_no_confirmation_and_retires_the_demo_key(demo_then_real, keys):
    dd, report = demo_then_real
    assert report.demo_key_retired and report.replaced_publisher == DEMO_PUBLISHER
    assert [k.fingerprint for k in keys_of(dd)] == [fingerprint_file(keys.pub)]
    assert demo_retired(DataDir(dd))
    assert not (dd / "trusted_keys" / (DEMO_FINGERPRINT.replace(" ", "") + ".pub")).exists()
    st = json.loads(run_cli("--data-dir", str(dd), "status", "--json").stdout)
    assert st["demo_key_trusted"] is False
    assert st["trusted_keys"] == [{"fingerprint": fingerprint_file(keys.pub), "publishers": [JIA], "demo": False}]


def test_a_demo_signed_forgery_of_the_real_publisher_is_refused(tmp_path, demo_then_real):
    dd, _ = demo_then_real
    forged = build(tmp_path, "demo-forged", records(6), key=DEMO_KEY, publisher=JIA, sequence=2)
    err = refused(dd, forged, "演示公钥已停用")
    assert "用演示公钥签名" in err.message


def test_the_demo_key_cannot_lock_the_real_publisher_out(tmp_path, keys, demo_then_real):
    dd, _ = demo_then_real
    for seq in (settings.MAX_SEQUENCE, 2**63 - 1):
        src_seq = build(tmp_path, f"lock-{seq}", records(6), key=DEMO_KEY, publisher=JIA, sequence=min(seq, 10))
        entries = {i.filename: zipfile.ZipFile(src_seq).read(i) for i in zipfile.ZipFile(src_seq).infolist()}
        # re-sign a manifest with the huge sequence (pack itself refuses to write one)
        m = json.loads(entries["manifest.json"])
        m["sequence"] = seq
        raw = json.dumps(m, ensure_ascii=False).encode()
        from catalog.packaging.signing import load_private, sign

        entries["manifest.json"], entries["manifest.sig"] = raw, sign(load_private(DEMO_KEY), raw)
        lock = tmp_path / f"lock-{seq}-signed.zip"
        with zipfile.ZipFile(lock, "w") as zf:
            for name, data in entries.items():
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.external_attr = 0o100644 << 16
                zf.writestr(info, data)
        refused(dd, lock, "演示公钥已停用" if seq <= settings.MAX_SEQUENCE else "超出了允许的范围")
    # the genuine publisher's next package is still newer
    assert import_package(dd, build(tmp_path, "real2", records(5), key=keys.key, publisher=JIA,
                                    sequence=2)).sequence == 2


def test_the_demo_key_is_never_trusted_again(tmp_path, demo_then_real):
    dd, _ = demo_then_real
    refused(dd, REPO / "resources/demo/demo.zip", "演示公钥已停用", trust=[DEMO_PUB],
            confirm={"change_publisher"})
    with pytest.raises(CatalogError, match="演示公钥已停用"):
        install_key(DataDir(dd), DEMO_PUB, [DEMO_PUBLISHER])
    # even a key file copied back by hand trusts nothing
    shutil.copyfile(DEMO_PUB, dd / "trusted_keys" / (DEMO_FINGERPRINT.replace(" ", "") + ".pub"))
    assert DEMO_FINGERPRINT not in {k.fingerprint for k in keys_of(dd)}
    r = run_cli("--data-dir", str(dd), "trust", "add", str(DEMO_PUB), "--publisher", DEMO_PUBLISHER)
    assert r.returncode == 1 and "演示公钥已停用" in r.stderr and "Traceback" not in r.stderr


def test_the_demo_key_signs_only_the_demo_publisher(tmp_path, demo_dir):
    """Before any real catalogue: a demo-signed package that claims a real publisher is refused."""
    dd = tmp_path / "data"
    shutil.copytree(demo_dir, dd)
    forged = build(tmp_path, "demo-as-jia", records(4), key=DEMO_KEY, publisher=JIA)
    refused(dd, forged, "演示公钥只能签名演示目录")
    with pytest.raises(CatalogError, match="只能用于演示目录"):
        install_key(DataDir(dd), DEMO_PUB, [JIA])


def test_a_change_of_publisher_needs_a_confirmation_and_is_recorded(tmp_path, keys):
    dd = tmp_path / "data"
    import_package(dd, build(tmp_path, "jia1", records(3), key=keys.key, publisher=JIA), trust=[keys.pub])
    yi = build(tmp_path, "yi1", records(4), key=keys.other_key, publisher=YI)
    err = refused(dd, yi, "须由工作人员确认", trust=[keys.other_pub])
    assert err.needs == "change_publisher"
    r = run_cli("--data-dir", str(dd), "import", str(yi), "--trust", str(keys.other_pub), "--json")
    assert r.returncode == 1 and "--change-publisher" in r.stderr
    r = run_cli("--data-dir", str(dd), "import", str(yi), "--trust", str(keys.other_pub),
                "--change-publisher", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["replaced_publisher"] == JIA
    last = history(dd)[-1]
    assert (last["publisher"], last["replaces"], last["confirmed"]) == (YI, JIA, "change_publisher")
    assert history(dd)[0]["replaces"] is None


def test_a_sequence_jump_needs_a_confirmation(tmp_path, keys):
    dd = tmp_path / "data"
    import_package(dd, build(tmp_path, "v1", records(3), key=keys.key), trust=[keys.pub])
    far = 1 + settings.MAX_SEQUENCE_STEP + 1
    jump = build(tmp_path, "jump", records(4), key=keys.key, sequence=far)
    err = refused(dd, jump, f"超过了一次允许的 {settings.MAX_SEQUENCE_STEP}")
    assert err.needs == "sequence_jump"
    # a step of exactly MAX_SEQUENCE_STEP needs none
    ok = build(tmp_path, "ok", records(4), key=keys.key, sequence=1 + settings.MAX_SEQUENCE_STEP)
    assert import_package(dd, ok).sequence == 1 + settings.MAX_SEQUENCE_STEP
    far2 = build(tmp_path, "far2", records(5), key=keys.key, sequence=settings.MAX_SEQUENCE)
    r = run_cli("--data-dir", str(dd), "import", str(far2), "--allow-sequence-jump", "--json")
    assert r.returncode == 0, r.stderr
    assert history(dd)[-1]["confirmed"] == "sequence_jump"


def test_pack_refuses_a_sequence_beyond_the_bound(tmp_path, keys):
    from pkgtools import write_source

    src = write_source(tmp_path / "src", records(2))
    r = run_cli("pack", "--no-vectors", str(src), str(tmp_path / "x.zip"), "--key", str(keys.key),
                "--sequence", str(settings.MAX_SEQUENCE + 1))
    assert r.returncode == 1 and "版本号须在" in r.stderr and not (tmp_path / "x.zip").exists()


def test_invisible_characters_in_a_publisher_name_are_refused(tmp_path, keys):
    """乙县 and 乙县 with a zero-width space would look alike on the staff screen."""
    from pkgtools import write_source

    src = write_source(tmp_path / "src", records(2), publisher="乙县\u200b政务公开办")
    r = run_cli("pack", "--no-vectors", str(src), str(tmp_path / "x.zip"), "--key", str(keys.key))
    assert r.returncode == 1 and "不可见字符" in r.stderr
    with pytest.raises(CatalogError, match="不可见字符"):
        install_key(DataDir(tmp_path / "d"), keys.pub, ["乙县\u200b政务公开办"])


def test_a_key_from_an_earlier_version_is_bound_to_what_it_signed(tmp_path, keys):
    """A key file without its binding (installed before keys were bound) may sign the publishers
    it signed for here, and nothing else."""
    dd = tmp_path / "data"
    import_package(dd, build(tmp_path, "v1", records(3), key=keys.key), trust=[keys.pub])
    install_key(DataDir(dd), keys.other_pub, [YI])
    for binding in (dd / "trusted_keys").glob("*.json"):
        binding.unlink()
    bound = {k.fingerprint: k.publishers for k in keys_of(dd)}
    from pkgtools import PUBLISHER

    assert bound == {fingerprint_file(keys.pub): (PUBLISHER,), fingerprint_file(keys.other_pub): ()}
    assert import_package(dd, build(tmp_path, "v2", records(4), key=keys.key, sequence=2)).sequence == 2
    refused(dd, build(tmp_path, "o3", records(4), key=keys.other_key, sequence=3), "没有指定发布单位")


def test_trust_command_adds_lists_and_removes(tmp_path, keys):
    dd = tmp_path / "data"
    fp = fingerprint_file(keys.pub)
    r = run_cli("--data-dir", str(dd), "trust", "add", str(keys.key), "--publisher", JIA)
    assert r.returncode == 1 and "私钥" in r.stderr  # 32 bytes either way: the name tells
    assert run_cli("--data-dir", str(dd), "trust", "add", str(keys.pub)).returncode == 2
    r = run_cli("--data-dir", str(dd), "trust", "add", str(keys.pub), "--publisher", JIA,
                "--publisher", YI, "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {"fingerprint": fp, "publishers": [JIA, YI], "demo": False}
    listed = json.loads(run_cli("--data-dir", str(dd), "trust", "list", "--json").stdout)
    assert listed == {"keys": [{"fingerprint": fp, "publishers": [JIA, YI], "demo": False}],
                      "demo_retired": False}
    assert run_cli("--data-dir", str(dd), "trust", "remove", fp, "--publisher", YI).returncode == 0
    assert [k.publishers for k in keys_of(dd)] == [(JIA,)]
    # the package of 甲县 applies, 乙县's is refused
    assert import_package(dd, build(tmp_path, "j", records(3), key=keys.key, publisher=JIA)).sequence == 1
    refused(dd, build(tmp_path, "y", records(3), key=keys.key, publisher=YI), "只被信任用于",
            confirm={"change_publisher"})
    r = run_cli("--data-dir", str(dd), "trust", "remove", fp.replace(" ", ""))
    assert r.returncode == 0 and keys_of(dd) == []
    r = run_cli("--data-dir", str(dd), "trust", "remove", fp)
    assert r.returncode == 1 and "没有找到" in r.stderr
    with pytest.raises(CatalogError):
        remove_key(DataDir(dd), fp)


def test_inspect_offers_a_confirmation_only_where_it_lets_the_package_apply(tmp_path, keys):
    dd = tmp_path / "data"
    import_package(dd, build(tmp_path, "jia1", records(3), key=keys.key, publisher=JIA), trust=[keys.pub])
    install_key(DataDir(dd), keys.other_pub, [YI])
    yi = inspect_package(dd, build(tmp_path, "yi1", records(4), key=keys.other_key, publisher=YI))
    assert (yi.applies, yi.confirmable, yi.needs) == (False, True, ["change_publisher"])
    assert yi.current_publisher == JIA and "须由工作人员确认" in yi.reason
    # signed by 甲县's key while claiming 乙县: no confirmation can help
    forged = inspect_package(dd, build(tmp_path, "f", records(4), key=keys.key, publisher=YI))
    assert (forged.applies, forged.confirmable) == (False, False)
    assert "只被信任用于" in forged.reason and "没有被授权" in forged.signature
    far = inspect_package(dd, build(tmp_path, "far", records(4), key=keys.key, publisher=JIA, sequence=5000))
    assert (far.applies, far.confirmable, far.needs) == (False, True, ["sequence_jump"])


# from an adversarial review -------------------------------------------------------------------
def test_a_stick_never_widens_an_installed_key(tmp_path, keys):
    """甲县's key (trusted for 甲县) and a package "from 乙县" it signed, on the stick of a 乙县
    kiosk: the key is not offered for 乙县, and the package does not apply."""
    from catalog.packaging.sync import read_stick

    dd = tmp_path / "data"
    install_key(DataDir(dd), keys.pub, [JIA])
    import_package(dd, build(tmp_path, "yi1", records(3), key=keys.other_key, publisher=YI),
                   trust=[keys.other_pub])
    stick = tmp_path / "stick"
    stick.mkdir()
    shutil.copyfile(build(tmp_path, "forged", records(4), key=keys.key, publisher=YI, sequence=2),
                    stick / "forged.zip")
    shutil.copyfile(keys.pub, stick / "jia.pub")
    infos, stick_keys = read_stick(dd, stick)
    assert not infos[0].applies and not infos[0].confirmable
    (jia,) = stick_keys
    assert jia.publishers == [JIA] and jia.offers == [] and "不能导入" in jia.note


def test_a_second_key_for_a_publisher_is_offered_with_a_warning(tmp_path, keys):
    """A new key with no package of its own on the stick: offered for the kiosk's own publisher,
    which has a key already (a key change), and said so."""
    from catalog.packaging.sync import read_stick

    dd = tmp_path / "data"
    import_package(dd, build(tmp_path, "jia1", records(3), key=keys.key, publisher=JIA), trust=[keys.pub])
    stick = tmp_path / "stick"
    stick.mkdir()
    shutil.copyfile(keys.other_pub, stick / "new.pub")
    (new,) = read_stick(dd, stick)[1]
    assert new.offers == [JIA] and "本机已有公钥被信任用于“甲县政务公开办”" in new.note


def test_trust_never_widens_an_installed_key(tmp_path, keys, two_counties):
    dd, _ = two_counties
    forged = build(tmp_path, "forged", records(6), key=keys.key, publisher=YI, sequence=2)
    refused(dd, forged, "只被信任用于“甲县政务公开办”", trust=[keys.pub])
    assert {k.fingerprint: k.publishers for k in keys_of(dd)}[fingerprint_file(keys.pub)] == (JIA,)


def old_layout(dd):
    """What the previous version left: key files without bindings, the demo key file still there,
    no retirement marker."""
    folder = dd / "trusted_keys"
    for p in list(folder.glob("*.json")) + [folder / "demo-retired"]:
        p.unlink(missing_ok=True)
    shutil.copyfile(DEMO_PUB, folder / (DEMO_FINGERPRINT.replace(" ", "") + ".pub"))


def test_an_old_data_folder_rolled_back_to_the_demo_keeps_the_demo_key_retired(tmp_path, demo_dir, keys):
    from catalog.packaging.packages import rollback

    dd = tmp_path / "data"
    shutil.copytree(demo_dir, dd)
    import_package(dd, build(tmp_path, "jia1", records(4), key=keys.key, publisher=JIA), trust=[keys.pub])
    old_layout(dd)
    rollback(dd)  # back to the demo catalogue
    assert demo_retired(DataDir(dd))
    assert [(k.fingerprint, k.publishers) for k in keys_of(dd)] == [(fingerprint_file(keys.pub), (JIA,))]
    demo2 = build(tmp_path, "demo2", records(4), key=DEMO_KEY, publisher=DEMO_PUBLISHER, sequence=2)
    refused(dd, demo2, "演示公钥已停用")
    # the county's genuine update still applies with the key the old version installed
    assert import_package(dd, build(tmp_path, "jia2", records(5), key=keys.key, publisher=JIA,
                                    sequence=2)).sequence == 2


def test_a_first_package_may_not_jump_either(tmp_path, keys, demo_dir):
    """From 0: an empty kiosk, or the move off the demo (no confirmation of publisher needed)."""
    dd = tmp_path / "empty"
    dd.mkdir()
    far = build(tmp_path, "far", records(3), key=keys.key, sequence=5000)
    assert refused(dd, far, "是该单位在本机的第一个更新包", trust=[keys.pub]).needs == "sequence_jump"
    demo = tmp_path / "demo"
    shutil.copytree(demo_dir, demo)
    top = build(tmp_path, "top", records(3), key=keys.key, publisher=JIA, sequence=settings.MAX_SEQUENCE)
    assert refused(demo, top, "第一个更新包", trust=[keys.pub]).needs == "sequence_jump"


def test_remove_takes_a_fingerprint_never_a_path(tmp_path, keys):
    dd = tmp_path / "data"
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "secret.pub").write_text("x")
    (victim / "secret.json").write_text("x")
    install_key(DataDir(dd), keys.pub, [JIA])
    r = run_cli("--data-dir", str(dd), "trust", "remove", "../../victim/secret")
    assert r.returncode == 1 and "不是公钥指纹" in r.stderr
    assert (victim / "secret.pub").exists() and (victim / "secret.json").exists()
    r = run_cli("--data-dir", str(dd), "trust", "remove", fingerprint_file(keys.pub).upper())
    assert r.returncode == 0 and keys_of(dd) == []


@pytest.mark.parametrize("name", ["乙县政务公开办 ", " 乙县政务公开办", "乙县  政务公开办", "乙县政务公开办\u3164",
                                  "乙县政务公开办\u00a0", "⼄县政务公开办", "乙县政务公开办\u0301", "乙县\u2800政务公开办"])
def test_lookalike_publisher_names_are_refused(tmp_path, keys, name):
    from pkgtools import write_source

    src = write_source(tmp_path / "src", records(2), publisher=name)
    r = run_cli("pack", "--no-vectors", str(src), str(tmp_path / "x.zip"), "--key", str(keys.key))
    assert r.returncode == 1 and "特殊字符" in r.stderr, name
    with pytest.raises(CatalogError, match="特殊字符"):
        install_key(DataDir(tmp_path / "d"), keys.pub, [name])


def test_a_name_that_only_looks_like_the_current_one_is_refused(tmp_path, keys):
    """Fullwidth against halfwidth brackets: allowed characters, but no one can tell them apart."""
    dd = tmp_path / "data"
    import_package(dd, build(tmp_path, "a", records(3), key=keys.key, publisher="乙县（政务公开办）"),
                   trust=[keys.pub])
    install_key(DataDir(dd), keys.other_pub, ["乙县(政务公开办)"])
    b = build(tmp_path, "b", records(4), key=keys.other_key, publisher="乙县(政务公开办)", sequence=2)
    refused(dd, b, "看起来一样，其实并不相同", confirm={"change_publisher"})


def test_the_demo_name_belongs_to_the_demo_key(tmp_path, keys, demo_dir):
    with pytest.raises(CatalogError, match="演示目录只能由演示公钥签名"):
        install_key(DataDir(tmp_path / "d"), keys.pub, [DEMO_PUBLISHER])
    dd = tmp_path / "data"
    import_package(dd, build(tmp_path, "jia", records(3), key=keys.key, publisher=JIA), trust=[keys.pub])
    fake = build(tmp_path, "fake-demo", records(3), key=keys.key, publisher=DEMO_PUBLISHER, sequence=2)
    refused(dd, fake, "只被信任用于", trust=[keys.pub], confirm={"change_publisher"})
