"""Getting a kiosk to a servable catalogue: recover from a crash, load the demo when empty."""

from __future__ import annotations

import logging
from pathlib import Path

from catalog.catalogue import Catalog
from catalog.packaging.datadir import DataDir
from catalog.errors import IndexDamaged
from catalog.packaging.packages import import_package, repair

log = logging.getLogger("kiosk")
RESOURCES = Path(__file__).resolve().parents[1] / "resources"
DEMO_PACKAGE = RESOURCES / "demo" / "demo.zip"
DEMO_KEY = RESOURCES / "demo" / "demo.pub"


def open_catalog(data_dir: DataDir, demo: bool, progress=None) -> Catalog:
    """Open the live catalogue; in demo mode an empty data folder first gets the demo package
    (trusting the demo key). Runs in the background: imports and loading jieba take seconds."""
    interrupted = data_dir.interrupted()
    # An apply child that outlived a kiosk restart still holds the lock: its files are not leftovers.
    interrupted = data_dir.recover() and interrupted
    try:  # bindings and the demo key's retirement written down once (catalog.packaging.trust.migrate)
        from catalog.packaging.trust import migrate

        migrate(data_dir)
    except OSError:
        pass  # the next import or roll back does it
    if data_dir.pointer().generation is None and demo:
        import_package(data_dir, DEMO_PACKAGE, trust=[DEMO_KEY], progress=progress)
    cat = open_or_repair(data_dir, progress)
    cat.interrupted_update = interrupted  # the window tells staff and citizens what happened
    cat.search("政务公开", limit=1)  # warm the segmenter and the index before a citizen types
    from catalog.search import ime

    ime.warm_up()  # the keyboard's character table, so the first key tap does not wait for it
    from catalog.privacy import mask

    mask("我叫王秀英，zhangsan的低保")  # the masker's tagger and pinyin tables (0.7 s cold)
    return cat


def open_or_repair(data_dir: DataDir, progress=None, force: bool = False) -> Catalog:
    """The live catalogue; when its search index is damaged or missing (its data intact), the
    index is first rebuilt from the data (catalog.packaging.packages.repair), with ``progress`` telling the
    screen so; ``force`` rebuilds it whatever the checks say (a search failed inside it). A damaged
    db is not repairable here: DamagedCatalogue says to re-import."""
    if not force:
        try:
            return Catalog.open(data_dir)
        except IndexDamaged as exc:
            log.warning("catalogue index damaged (%s); rebuilding it from the db", exc.detail)
    report = repair(data_dir, progress, force=force)
    log.info("index repaired in %.1f s: %s", report.took_s, report.problem)
    cat = Catalog.open(data_dir)
    cat.repaired_index = report.repaired
    return cat
