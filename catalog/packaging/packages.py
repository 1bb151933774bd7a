"""Switching catalogues: import a package, upgrade, repair or roll back, each atomic.

``import_package`` is what ``python -m catalog import`` and the kiosk's staff screen call. A package
is copied into staging, checked in full (catalog.packaging.checks), and only then built into a new
generation folder (catalog.packaging.generation) that one atomic rename of CURRENT makes live. A
refusal or a crash at any point leaves the previous catalogue serving. ``upgrade`` and ``repair``
rebuild the live generation from its db the same way; ``rollback`` serves the previous one again.
Making packages is catalog.packaging.pack.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from catalog import settings
from catalog.errors import CatalogError, DamagedCatalogue, NoCatalogue, disk_full
from catalog.model import Changes, ImportReport, Progress
from catalog.packaging.archive import stage
from catalog.packaging.checks import CONFIRMATIONS, Package, check_package, check_signature, read_manifest, refuse
from catalog.packaging.datadir import SEAL, DataDir, Pointer
from catalog.packaging.faults import checkpoint
from catalog.packaging.generation import DeltaBuild, build_indexes, package_vector_lookup, rebuild
from catalog.packaging.records import RECORD_TYPES
from catalog.search.analysis import clear_token_cache
from catalog.search.engines import configured, engine_class, open_index
from catalog.store import SCHEMA_VERSION, OldSchema, Store
from catalog.packaging.trust import (DEMO_PUBLISHER, TrustedKey, demo_usable, for_package, install_key, keys, migrate,
                                     retire_demo)

log = logging.getLogger("catalog.packaging.packages")

STAGES = {"copy": "正在复制更新包", "verify": "正在校验", "store": "正在写入目录",
          "index": "正在建立检索索引",
          "passages": "正在建立段落索引", "qa": "正在准备政策问答", "switch": "正在切换到新目录",
          "repair": "检索索引已损坏，正在从目录数据自动重建，请稍候"}


def _signature_gate(data_dir: DataDir, trusted: dict[str, TrustedKey], allow_unsigned: bool,
                    retired: bool):
    """archive.stage's gate: the manifest and its signature are checked before anything else of
    the package is copied, and only the files the manifest lists are copied then."""
    def gate(root: Path, present: list[str]) -> set[str]:
        if "manifest.json" not in present:
            raise refuse("更新包缺少清单文件 manifest.json。")
        raw = (root / "manifest.json").read_bytes()
        manifest = read_manifest(raw)
        current = open_current(data_dir)
        try:
            history = current.history() if current is not None else []
        finally:
            if current is not None:
                current.close()
        real_seen = retired or any(h["publisher"] != DEMO_PUBLISHER for h in history)
        check_signature(root, raw, manifest, trusted, allow_unsigned, real_seen)
        return set(manifest["files"])
    return gate


# ---------------------------------------------------------------------------------------------
# applying

def _changes(before: dict[str, dict[str, str]], after: dict[str, dict[str, str]]) -> dict[str, Changes]:
    out = {}
    for rtype in RECORD_TYPES:
        b, a = before.get(rtype, {}), after[rtype]
        out[rtype] = Changes(
            added=sorted(set(a) - set(b)),
            changed=sorted(k for k in set(a) & set(b) if a[k] != b[k]),
            removed=sorted(set(b) - set(a)))
    return out


def open_current(data_dir: DataDir) -> Store | None:
    """The catalogue the kiosk serves, or None for none. A damaged one counts as none: the
    package being imported replaces it (re-importing is how staff repair a kiosk)."""
    gen = data_dir.current_generation()
    if gen is None:
        return None
    try:
        try:
            return Store.open_readonly(gen / "catalog.db")
        except OldSchema:
            _upgrade_locked(data_dir, None)
            return Store.open_readonly(data_dir.current_generation() / "catalog.db")
    except DamagedCatalogue as exc:
        log.error("the current catalogue is damaged (%s); importing as onto an empty kiosk", exc.detail)
        return None


def import_package(data_dir: DataDir | Path | str, package: Path | str, *,
                   trust: list[Path] | tuple = (), allow_unsigned: bool = False,
                   progress: Progress | None = None,
                   confirm: frozenset[str] | set[str] | tuple = ()) -> ImportReport:
    """Check ``package`` and make it the kiosk's catalogue, atomically.

    ``trust`` public key files are trusted for this package and, when it applies, installed bound
    to its publisher. ``confirm`` holds the staff confirmations given (CONFIRMATIONS). Raises
    PackageRefused (nothing changed, not even the trusted keys) with the reason in plain Chinese.
    Once another publisher's catalogue applies, the demo key is retired for good.
    """
    confirm = frozenset(confirm)
    unknown = confirm - set(CONFIRMATIONS)
    if unknown:
        raise ValueError(f"unknown confirmations {sorted(unknown)}")
    data_dir = data_dir if isinstance(data_dir, DataDir) else DataDir(data_dir)
    started = time.monotonic()
    def report_progress(stage: str, done: int, total: int) -> None:
        checkpoint(f"{stage}-{done}")
        if progress is not None:
            progress(stage, done, total)

    data_dir.ensure()
    given = [for_package(Path(key)) for key in trust]
    with data_dir.import_lock():
        data_dir.collect_garbage()
        migrate(data_dir)
        try:  # a delta builds on the live indexes: they must be sound (a damaged db counts as none)
            _repair_locked(data_dir, report_progress)
        except DamagedCatalogue:
            pass
        except Exception:  # noqa: BLE001 - the import goes on; a delta on the damaged index fails plainly
            log.exception("the live indexes are damaged and could not be rebuilt before the import")
            data_dir.collect_garbage(staging=False)
        trusted, retired = keys(data_dir), not demo_usable(data_dir)
        for key in given:
            if key.demo and retired:
                raise refuse("本机已经导入过正式目录，演示公钥已停用（演示私钥是公开的，任何人都能用它签名），"
                              "不能再用 --trust 信任它。", "demo key retired")
            installed = trusted.get(key.fingerprint)
            if installed is None or not installed.publishers:
                trusted[key.fingerprint] = key  # a new key: trusted for this package's publisher
            # an installed key keeps its binding: --trust never widens it (trust add does)
        staging = data_dir.root / f"staging-{uuid.uuid4().hex[:12]}"
        try:
            report_progress("copy", 0, 1)
            staging.mkdir()
            present = stage(Path(package), staging,
                            gate=_signature_gate(data_dir, trusted, allow_unsigned, retired))
            checkpoint("staged")
            report_progress("verify", 0, 1)
            current = open_current(data_dir)
            try:
                pkg = check_package(staging, present, trusted, current, allow_unsigned=allow_unsigned,
                                    confirm=confirm, demo_retired=retired)
                before = {t: current.record_hashes(t) for t in RECORD_TYPES} if current else {}
                previous_meta = current.meta() if current else None
                previous_history = current.history() if current else []
            finally:
                if current is not None:
                    current.close()
            checkpoint("verified")
            try:
                report = _apply(data_dir, pkg, package, before, previous_meta, report_progress,
                                previous_history)
            except CatalogError:
                raise
            except BaseException as exc:  # a store, indexer or disk failure of any kind; a Rust
                if isinstance(exc, (KeyboardInterrupt, SystemExit)):  # panic is a BaseException
                    raise
                log.exception("apply failed")
                data_dir.collect_garbage(staging=False)  # the half-built generation goes
                kept = "原来的目录照常使用" if previous_meta else "本机目录没有变化"
                if disk_full(exc):
                    raise CatalogError(f"查询机磁盘空间不足，这次更新没有完成。{kept}；"
                                       "请联系技术人员清理磁盘后再导入。", repr(exc)) from exc
                if isinstance(exc, OSError):
                    raise CatalogError(f"写入新目录时出错（{exc.strerror or exc}），这次更新没有完成。"
                                       f"{kept}。", repr(exc)) from exc
                raise CatalogError(f"建立新目录时出错，这次更新没有完成。{kept}；"
                                   "请重新导入，仍不成功请联系县政务公开办。", repr(exc)) from exc
            finally:
                clear_token_cache()  # the segmentation of every line indexed, not needed any more
            # Keys named with --trust are kept only once their package applied, bound to its
            # publisher; and once a real publisher's catalogue is live, the demo key goes.
            publisher = pkg.manifest["publisher"]
            for key in trust:
                try:
                    log.info("trusted key %s from %s for %s",
                             install_key(data_dir, Path(key), [publisher]), key, publisher)
                except (OSError, CatalogError) as exc:  # the catalogue is live already
                    log.error("applied, but key %s was not installed: %r", key, exc)
            if publisher != DEMO_PUBLISHER:
                try:
                    report.demo_key_retired = retire_demo(data_dir)
                except OSError as exc:  # keys() refuses the demo key anyway once this is live
                    log.error("applied, but the demo key was not retired: %r", exc)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    report.took_s = round(time.monotonic() - started, 3)
    log.info("applied package %s seq %s (%s) in %.1fs", pkg.manifest["publisher"],
             pkg.sequence, pkg.kind, report.took_s)
    return report


def _apply(data_dir: DataDir, pkg: Package, package_path: Path | str, before: dict,
           previous_meta: dict | None, progress: Progress,
           previous_history: list[dict] | None = None) -> ImportReport:
    ptr = data_dir.pointer()
    old_gen = data_dir.generation_path(ptr.generation) if ptr.generation else None
    build = data_dir.new_build_dir()
    checkpoint("build-dir")
    db_path = build / "catalog.db"
    progress("store", 0, 1)
    before_faq_refs: dict[str, list[str]] = {}
    # A delta updates the previous index in place of a copy, so it keeps that index's engine;
    # a full package is built with the configured engine.
    engine_name = configured()
    if pkg.kind == "delta":
        engine_name = (previous_meta or {}).get("engine") or "whoosh"
        if engine_name != configured():
            log.info("delta keeps engine %s (configured: %s)", engine_name, configured())
    Engine = engine_class(engine_name)
    delta = pkg.kind == "delta"
    if delta:
        Store.copy(old_gen / "catalog.db", db_path)
        store = Store.open_for_update(db_path)
        before_faq_refs = {f.id: f.documents for f in store.faqs()}
        if (old_gen / "files").exists():
            shutil.copytree(old_gen / "files", build / "files")
    else:
        store = Store.create(db_path)
    try:
        _write_records(store, pkg, engine_name, previous_meta, previous_history)
        checkpoint("store-written")
        for rel in pkg.attachments:
            target = build / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(pkg.root / rel, target)
        after = {t: store.record_hashes(t) for t in RECORD_TYPES}
        changes = _changes(before, after)
        delta_build = None
        if delta:
            # Only what the package names is re-indexed: its documents, and the documents whose
            # FAQ questions changed (FAQ questions are a field of the documents they cite).
            touched = {d["id"] for d in pkg.records["document"]}
            touched |= {doc for f in pkg.records["faq"] for doc in f["documents"]}
            touched |= previous_faq_docs(before_faq_refs, pkg)
            touched -= set(pkg.deleted["document"])
            delta_build = DeltaBuild(old_gen, touched, pkg.deleted["document"],
                                     {d["id"] for d in pkg.records["document"]} | set(pkg.deleted["document"]))
        build_indexes(store, build, Engine, progress, delta=delta_build,
                      previous_db=old_gen / "catalog.db" if old_gen else None,
                      vectors_of_package=lambda: package_vector_lookup(data_dir, pkg))
    finally:
        store.close()
    progress("switch", 0, 1)
    # Keep the applied package beside the catalogue (audit, and re-applying after a roll back).
    kept = data_dir.packages / f"{pkg.sequence:08d}-{pkg.sha256[:12]}{Path(package_path).suffix or '.dir'}"
    if Path(package_path).is_file() and not kept.exists():
        shutil.copyfile(package_path, kept)
    name = data_dir.publish_build(build, pkg.sequence)
    checkpoint("published")
    data_dir.set_pointer(Pointer(name, ptr.generation))
    checkpoint("switched")
    # The new catalogue is live. What follows is housekeeping: its failure (or a progress reader
    # that went away) must not be reported as a failed update; the next import collects leftovers.
    try:
        data_dir.collect_garbage(staging=False)
        _prune_packages(data_dir)
        progress("switch", 1, 1)
    except Exception:  # noqa: BLE001 - logged; the update itself is done
        log.exception("housekeeping after the switch failed; the new catalogue is live")
    return ImportReport(
        sequence=pkg.sequence,
        previous_sequence=previous_meta["sequence"] if previous_meta else None,
        publisher=pkg.manifest["publisher"], region=pkg.manifest["region"], kind=pkg.kind,
        unsigned=pkg.signer is None, signer=pkg.signer, took_s=0.0, changes=changes,
        replaced_publisher=(previous_meta or {}).get("publisher")
        if (previous_meta or {}).get("publisher") not in (None, pkg.manifest["publisher"]) else None)


def _write_records(store: Store, pkg: Package, engine_name: str, previous_meta: dict | None,
                   previous_history: list[dict] | None) -> None:
    """The package's records, deletions and terms into the new generation's db, with its meta and
    a history row; one transaction."""
    delta = pkg.kind == "delta"
    with store.db.conn:
        for rtype in RECORD_TYPES:
            store.delete(rtype, pkg.deleted[rtype])
        for rtype in RECORD_TYPES:
            store.upsert(rtype, pkg.records[rtype])
        if pkg.terms is not None:
            store.replace_terms(pkg.terms)
        applied_at = datetime.now().astimezone().isoformat(timespec="seconds")
        m = pkg.manifest
        store.set_meta(sequence=m["sequence"], publisher=m["publisher"], region=m["region"],
                       kind=m["kind"], created=m.get("created"), applied_at=applied_at,
                       unsigned=pkg.signer is None, signer=pkg.signer,
                       package_sha256=pkg.sha256, engine=engine_name)
        counts = store.counts()
        if not delta:  # a full package starts a new store: the kiosk's history goes with it, so
            for row in previous_history or []:  # an older package of any publisher stays refused
                store.add_history(row)
        replaced = (previous_meta or {}).get("publisher")
        store.add_history({"sequence": m["sequence"], "publisher": m["publisher"],
                           "region": m["region"], "kind": m["kind"],
                           "base_sequence": m.get("base_sequence"), "created": m.get("created"),
                           "applied_at": applied_at, "sha256": pkg.sha256,
                           "signer": pkg.signer, "unsigned": int(pkg.signer is None),
                           "counts": json.dumps(counts),
                           # a change of publisher, and what staff confirmed, stay on record
                           "replaces": replaced if replaced not in (None, m["publisher"]) else None,
                           "confirmed": ",".join(sorted(pkg.confirmed)) or None})


def previous_faq_docs(before: dict[str, list[str]], pkg: Package) -> set[str]:
    """Documents that FAQs changed or removed by the package used to cite."""
    ids = {f["id"] for f in pkg.records["faq"]} | set(pkg.deleted["faq"])
    return {doc for fid in ids for doc in before.get(fid, [])}


def _prune_packages(data_dir: DataDir) -> None:
    kept = sorted(data_dir.packages.iterdir(), key=lambda p: p.name)
    for old in kept[:-settings.KEEP_PACKAGES]:
        if old.is_file():
            old.unlink(missing_ok=True)


def upgrade(data_dir: DataDir | Path | str, progress: Progress | None = None) -> None:
    """Rebuild the current generation for this version of the software (new schema, new index
    fields, the configured engine), atomically like an import; the old one stays for roll back."""
    data_dir = data_dir if isinstance(data_dir, DataDir) else DataDir(data_dir)
    with data_dir.import_lock():
        data_dir.collect_garbage()
        try:
            _upgrade_locked(data_dir, progress)
        finally:
            clear_token_cache()  # the segmentation of every line indexed, not needed any more


def _upgrade_locked(data_dir: DataDir, progress: Progress | None) -> None:
    ptr = data_dir.pointer()
    old_gen = data_dir.generation_path(ptr.generation)
    old = Store.open_readonly(old_gen / "catalog.db", check_version=False)
    try:
        version = old.db.execute("PRAGMA user_version").fetchone()[0]
        sequence = old.meta()["sequence"]
    finally:
        old.close()
    if version >= SCHEMA_VERSION:
        return
    log.info("upgrading generation %s from schema %s", ptr.generation, version)
    name = rebuild(data_dir, old_gen, sequence, progress)
    data_dir.set_pointer(Pointer(name, ptr.generation))  # the old one stays for roll back
    data_dir.collect_garbage(staging=False)


@dataclass
class RepairReport:
    repaired: bool
    sequence: int
    problem: str | None  # what was wrong (for the log and staff), None when nothing was
    took_s: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def repair(data_dir: DataDir | Path | str, progress: Progress | None = None, *,
           force: bool = False) -> RepairReport:
    """Rebuild the live catalogue's search indexes from its db when they are missing, unreadable
    or do not match it (catalog.search.engines.open_index), atomically like an import: the new
    generation replaces the damaged one, whose roll-back target stays the same. Nothing is done
    when they are sound, unless ``force`` (a search failed inside an index that passed the checks).
    A damaged db cannot be rebuilt from: DamagedCatalogue (re-import)."""
    data_dir = data_dir if isinstance(data_dir, DataDir) else DataDir(data_dir)
    began = time.monotonic()
    with data_dir.import_lock():
        data_dir.collect_garbage()
        try:
            got = _repair_locked(data_dir, progress, force, trust_unsealed=False)
        finally:
            clear_token_cache()
    if got is None:
        raise NoCatalogue("本机还没有目录。请由工作人员导入目录更新包。", f"no CURRENT in {data_dir.root}")
    sequence, problem = got
    return RepairReport(problem is not None, sequence, problem, round(time.monotonic() - began, 3))


def _repair_locked(data_dir: DataDir, progress: Progress | None, force: bool = False,
                   trust_unsealed: bool = True) -> tuple[int, str | None] | None:
    """(sequence, what was wrong or None) of the live generation, its indexes rebuilt when they
    needed it; None when there is no catalogue. A generation from before seals (catalog.packaging.datadir.
    seal) passes unless ``trust_unsealed`` is false (what ``repair`` asks: it cannot be checked)."""
    ptr = data_dir.pointer()
    if ptr.generation is None:
        return None
    gen = data_dir.generation_path(ptr.generation)
    try:
        store = Store.open_readonly(gen / "catalog.db")
    except OldSchema:
        _upgrade_locked(data_dir, progress)  # an upgrade rebuilds every index anyway
        return _sequence(data_dir), "older schema"
    try:
        sequence = store.meta()["sequence"]
        engine, problem = open_index(store, gen)
        if engine is not None:
            engine.close()
    finally:
        store.close()
    if problem is None and force:
        problem = "rebuild asked for (an index failed while in use)"
    if problem is None and not trust_unsealed and not (gen / SEAL).exists():
        problem = "no seal (built by an older version): its files cannot be checked"
    if problem is None:
        return sequence, None
    log.warning("rebuilding the indexes of generation %s: %s", ptr.generation, problem)
    if progress is not None:
        progress("repair", 0, 0)
    name = rebuild(data_dir, gen, sequence, progress)
    checkpoint("repair-switch")
    data_dir.set_pointer(Pointer(name, ptr.previous))  # the damaged one is nothing to return to
    data_dir.collect_garbage(staging=False)
    return sequence, problem


def _sequence(data_dir: DataDir) -> int:
    store = Store.open_readonly(data_dir.generation_path(data_dir.pointer().generation) / "catalog.db")
    try:
        return store.meta()["sequence"]
    finally:
        store.close()


@dataclass
class RollbackReport:
    from_sequence: int
    to_sequence: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def rollback(data_dir: DataDir | Path | str) -> RollbackReport:
    """Serve the previous catalogue again (one step back)."""
    data_dir = data_dir if isinstance(data_dir, DataDir) else DataDir(data_dir)
    with data_dir.import_lock():
        ptr = data_dir.pointer()
        if ptr.generation is None:
            raise CatalogError("本机还没有目录，无法回退。")
        if ptr.previous is None or not (data_dir.generation_path(ptr.previous) / "catalog.db").exists():
            raise CatalogError("没有可以回退的上一版目录。")
        migrate(data_dir)  # a roll back to the demo must not bring the demo key back
        now = Store.open_readonly(data_dir.generation_path(ptr.generation) / "catalog.db", check_version=False)
        prev = Store.open_readonly(data_dir.generation_path(ptr.previous) / "catalog.db", check_version=False)
        try:
            report = RollbackReport(now.meta()["sequence"], prev.meta()["sequence"])
        finally:
            now.close()
            prev.close()
        data_dir.set_pointer(Pointer(ptr.previous, None))
        data_dir.collect_garbage()
    log.info("rolled back from %s to %s", report.from_sequence, report.to_sequence)
    return report


