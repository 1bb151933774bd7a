"""``python -m catalog``: the command line for staff, scripts and outside checks.

Each command is a thin shell over the Python function of the same name. Plain Chinese for people,
or one JSON object with ``--json``. Exit codes: 0 success, 1 refused (reason on stderr), 2 usage.
"""

from __future__ import annotations

import argparse
import errno
import json
import logging
import sqlite3
import sys
from pathlib import Path

from catalog import settings
from catalog.packaging.datadir import DataDir
from catalog.errors import CatalogError

log = logging.getLogger("catalog")


def _print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def _setup_logging(data_dir: DataDir | None) -> None:
    from catalog.privacy import MaskingFilter, install_log_masking

    install_log_masking()  # nothing identifying reaches a log: every record is masked
    root = logging.getLogger("catalog")
    root.setLevel(logging.INFO)
    if data_dir is None:
        return
    try:
        data_dir.logs.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(data_dir.logs / "catalog.log", encoding="utf-8")
    except OSError:  # the command itself will say what is wrong with the folder
        root.addHandler(logging.NullHandler())
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskingFilter())
    root.addHandler(handler)


def _progress_printer(args):
    """Progress of a long command: JSON lines on stderr with ``--progress`` (what the kiosk reads),
    else the stage names for a person (none with ``--json``)."""
    from catalog.packaging.packages import STAGES

    last = [None]

    def progress(stage: str, done: int, total: int) -> None:
        if args.progress:
            if last[0] == "gone":
                return
            try:
                sys.stderr.write(json.dumps({"stage": stage, "done": done, "total": total}) + "\n")
                sys.stderr.flush()
            except OSError:  # the reader went away (the kiosk closed): the work goes on
                last[0] = "gone"
        elif not args.json and stage != last[0]:
            print(STAGES.get(stage, stage) + "…", file=sys.stderr)
            last[0] = stage

    return progress


def cmd_import(args, data_dir: DataDir) -> int:
    from catalog.packaging.packages import import_package

    progress = _progress_printer(args)
    confirm = {name for name, flag in (("change_publisher", args.change_publisher),
                                       ("sequence_jump", args.allow_sequence_jump)) if flag}
    report = import_package(data_dir, Path(args.package), trust=[Path(p) for p in args.trust],
                            allow_unsigned=args.allow_unsigned, progress=progress, confirm=confirm)
    if args.json:
        _print_json(report.to_json())
        return 0
    print(f"已导入目录：{report.publisher}（{report.region}）第 {report.sequence} 版，"
          f"{'完整包' if report.kind == 'full' else '增量包'}，用时 {report.took_s:.1f} 秒。")
    if report.unsigned:
        print("注意：这是未签名的更新包（--allow-unsigned）。")
    if report.replaced_publisher:
        print(f"本机目录已从“{report.replaced_publisher}”改为“{report.publisher}”（已记入导入历史）。")
    if report.demo_key_retired:
        print("演示公钥已自动停用：本机不再接受演示签名的更新包。")
    from catalog.packaging.records import LABELS as labels
    for rtype, ch in report.changes.items():
        print(f"  {labels[rtype]}：新增 {len(ch.added)}，修改 {len(ch.changed)}，删除 {len(ch.removed)}")
    return 0


def cmd_status(args, data_dir: DataDir) -> int:
    from catalog.catalogue import status

    st = status(data_dir)
    if args.json:
        _print_json(st.to_json())
        return 0
    if st.sequence is None:
        print(f"本机还没有目录（数据目录：{data_dir.root}）。请导入目录更新包：python -m catalog import 更新包.zip")
        return 0
    applied = (st.applied_at or "")[:16].replace("T", " ")  # 2026-11-22 12:07, the kiosk's clock
    print(f"目录：{st.publisher}（{st.region}）第 {st.sequence} 版，导入于 {applied}")
    print(f"领域 {st.domains} 个，目录事项 {st.items} 条，文件 {st.documents} 份，问答 {st.faqs} 条")
    print(f"上一版：{'第 %d 版（可回退）' % st.previous_sequence if st.previous_sequence else '无'}")
    print(f"签名：{'未签名（测试用）' if st.unsigned else '已验证，公钥指纹 ' + (st.signer or '')}")
    print(f"检索引擎：{st.engine}")
    if st.vectors_total:
        print(f"段落向量：{'齐全（' + st.vectors + '）' if st.vectors else f'{st.vectors_done}/{st.vectors_total} 段，其余段落只按关键词检索'}")
    _print_keys(st.trusted_keys)
    if st.demo_key_trusted:
        print("注意：本机仍信任演示公钥（私钥是公开的），导入正式目录后它会自动停用。")
    return 0


def _print_keys(keys: list[dict]) -> None:
    if not keys:
        print("信任的公钥：无")
    for k in keys:
        pubs = "、".join(k["publishers"]) or "（没有指定发布单位，不能签名任何目录）"
        print(f"信任的公钥：{k['fingerprint']}{'（演示公钥）' if k['demo'] else ''}，可签名：{pubs}")


def cmd_trust(args, data_dir: DataDir) -> int:
    from catalog.packaging import trust

    if args.action in ("add", "remove") and not args.key:
        print("请给出公钥文件（add）或公钥指纹（remove）。", file=sys.stderr)
        return 2
    if args.action == "add":
        if not args.publisher:
            print("请用 --publisher 给出这把公钥可以签名的发布单位（与更新包清单中的 publisher 完全一致）。",
                  file=sys.stderr)
            return 2
        with data_dir.import_lock():
            fp = trust.install_key(data_dir, Path(args.key), args.publisher)
        key = trust.keys(data_dir)[fp]
        if args.json:
            _print_json(key.to_json())
        else:
            print(f"已信任公钥 {fp}，可签名：{'、'.join(key.publishers)}")
        return 0
    if args.action == "remove":
        fp = trust.normal_fingerprint(args.key)
        with data_dir.import_lock():
            for publisher in args.publisher or [None]:
                trust.remove_key(data_dir, fp, publisher)
        if args.json:
            _print_json({"removed": fp, "publishers": args.publisher})
        elif args.publisher:
            print(f"公钥 {fp} 不再被信任用于“{'、'.join(args.publisher)}”。")
        else:
            print(f"已删除公钥 {fp}。")
        return 0
    keys = [k.to_json() for k in trust.keys(data_dir).values()]
    if args.json:
        _print_json({"keys": keys, "demo_retired": trust.demo_retired(data_dir)})
    else:
        _print_keys(keys)
    return 0


def cmd_rollback(args, data_dir: DataDir) -> int:
    from catalog.packaging.packages import rollback

    r = rollback(data_dir)
    if args.json:
        _print_json(r.to_json())
    else:
        print(f"已回退：从第 {r.from_sequence} 版回到第 {r.to_sequence} 版。")
    return 0


def cmd_repair(args, data_dir: DataDir) -> int:
    from catalog.packaging.packages import repair

    r = repair(data_dir, _progress_printer(args), force=args.force)
    if args.json:
        _print_json(r.to_json())
    elif r.repaired:
        print(f"已从目录数据重建检索索引（第 {r.sequence} 版，用时 {r.took_s:.1f} 秒）。")
    else:
        print(f"检索索引完好（第 {r.sequence} 版），不需要修复。")
    return 0


def cmd_show(args, data_dir: DataDir) -> int:
    """The pages the kiosk shows (catalog.views), for people and outside checks."""
    from catalog import views
    from catalog.catalogue import Catalog

    with Catalog.open(data_dir) as cat:
        if args.page == "home":
            page = views.home(cat)
        elif args.page == "questions":
            page = views.popular_questions(cat)
        else:
            if not args.id:
                raise CatalogError(f"请给出编号，例如：show {args.page} 编号。")
            page = {"document": views.document, "domain": views.domain, "faq": views.answer_of}[args.page](cat, args.id)
            if page is None:
                from catalog.packaging.records import LABELS

                what = LABELS[args.page]
                raise CatalogError(f"本机目录中没有编号为 {args.id} 的{what}。")
        if args.json:
            _print_json(page.to_json())
        else:
            print(_page_text(args.page, page))
    return 0


def _page_text(kind: str, page) -> str:
    if kind == "home":
        lines = ["领域：" + "、".join(f"{d.name}（{page.documents_per_domain.get(d.id, 0)}）"
                                   for d in page.domains if d.pilot)]
        lines += ["常见问题："] + [f"  {f.question}  ({f.id})" for f in page.questions]
        lines += ["最新公开："] + [f"  {m.title}　{m.date or ''}  ({m.id})" for m in page.latest]
        return "\n".join(lines)
    if kind == "questions":
        return "\n".join(f"{page.names.get(d, d)}：" + "；".join(f.question for f in page.by_domain[d])
                         for d in page.order) or "（没有问答）"
    if kind == "document":
        d = page.document
        head = f"《{d.title}》 {d.doc_number or ''} {d.issuer or ''} {d.published or d.written or ''} {d.status}"
        extra = [f"解读：{i.title}（{i.id}）" for i in page.interpretations]
        extra += [f"相关问答：{f.question}（{f.id}）" for f in page.faqs]
        return "\n".join([head.strip(), "", d.body, "", *extra]).strip()
    if kind == "domain":
        lines = [page.domain.name + (f"：{page.domain.description}" if page.domain.description else ""),
                 f"文件 {len(page.documents)} 份"]
        for it in page.items:
            lines.append(f"  {it.level1 or ''} {it.level2 or ''}（{len(page.item_documents.get(it.id, []))} 份）".rstrip())
        return "\n".join(lines)
    a = page.result.answers[0]
    return f"问：{a.question}\n答：{a.answer}\n依据：" + "、".join(m.title for m in page.documents.values())


def cmd_inspect(args, data_dir: DataDir) -> int:
    """What the staff screen says of a package, without importing it."""
    from catalog.packaging.sync import describe, inspect_package

    info = inspect_package(data_dir, Path(args.package))
    if args.json:
        _print_json(info.to_json())
    else:
        verdict = "可以导入。" if info.applies else ("需要确认：" if info.confirmable else "不能导入：") + info.reason
        print(describe(info) + "\n" + verdict)
    return 0


BATCH_LINE_BYTES = 16 << 20  # a longer line is read this far (a query reads only its start anyway)


def _batch_lines(path: str):
    """(line number, text) for every line of ``path`` ("-": standard input), in order; the text
    is None for a line that is not UTF-8. Read as bytes, so one bad line costs only itself."""
    import codecs

    src = sys.stdin.buffer if path == "-" else open(path, "rb")
    try:
        n = 0
        while raw := src.readline(BATCH_LINE_BYTES):
            n += 1
            if n == 1:
                raw = raw.removeprefix(codecs.BOM_UTF8)  # Notepad's UTF-8
            whole = raw.endswith(b"\n") or len(raw) < BATCH_LINE_BYTES
            while not whole:  # skip the rest of an overlong line
                more = src.readline(BATCH_LINE_BYTES)
                whole = not more or more.endswith(b"\n")
            raw = raw.rstrip(b"\n").removesuffix(b"\r")
            try:
                # an overlong line may end inside a character: the incremental decoder leaves it
                yield n, codecs.getincrementaldecoder("utf-8")().decode(raw, final=False)
            except UnicodeDecodeError:
                yield n, None
    finally:
        if src is not sys.stdin.buffer:
            src.close()


def _unreadable_line(n: int) -> dict:
    return {"line": n, "error": f"第 {n} 行不是 UTF-8 编码的文字，没有读取。请把文件另存为 UTF-8 编码后重试。"}


def _check_batch_args(args, what: str) -> bool:
    if args.batch is None and getattr(args, what) is None:
        print("请给出要搜索的词，或用 --batch 文件。" if what == "query" else "请给出要问的问题，或用 --batch 文件。",
              file=sys.stderr)
        return False
    if args.batch is not None and not args.json:
        print("--batch 需要与 --json 一起使用。", file=sys.stderr)
        return False
    return True


def cmd_search(args, data_dir: DataDir) -> int:
    from catalog.catalogue import Catalog

    if not _check_batch_args(args, "query"):
        return 2
    with Catalog.open(data_dir) as cat:
        kwargs = dict(domains=args.domain, kind=args.kind, status=args.status, year=args.year,
                      limit=args.limit)
        if args.batch is not None:
            for n, q in _batch_lines(args.batch):
                _print_json(cat.search(q, **kwargs).to_json() if q is not None else _unreadable_line(n))
            return 0
        result = cat.search(args.query, **kwargs)
    if args.json:
        _print_json(result.to_json())
        return 0
    if not result.hits:
        print(f"没有找到与“{args.query}”相关的文件。请换个说法，或减少筛选条件。")
        return 0
    head = f"找到 {result.total} 份文件" + ("（没有完全匹配的结果，以下为部分匹配）" if result.relaxed else "")
    print(head + f"，用时 {result.took_ms:.0f} 毫秒：")
    for n, h in enumerate(result.hits, 1):
        print(f"{n}. {h.title}  [{h.kind}·{h.status}·{h.published or '日期不详'}]  ({h.id})")
        print(f"   {h.snippet}")
    return 0


STATUS_WORDS = {"answered": "找到答案", "unsure": "不能确定，您是不是想问", "out_of_scope": "这个问题不在本机的政策问答范围内"}


def cmd_ask(args, data_dir: DataDir) -> int:
    from catalog.catalogue import Catalog

    if not _check_batch_args(args, "question"):
        return 2
    with Catalog.open(data_dir) as cat:
        if args.batch is not None:
            for n, q in _batch_lines(args.batch):
                _print_json(cat.ask(q, limit=args.limit).to_json() if q is not None else _unreadable_line(n))
            return 0
        result = cat.ask(args.question, limit=args.limit)
        if args.json:
            _print_json(result.to_json())
            return 0
        sure = "" if result.status == "out_of_scope" else f"把握 {result.confidence:.0%}，"
        print(f"{STATUS_WORDS[result.status]}（{sure}用时 {result.took_ms:.0f} 毫秒）")
        if result.status == "out_of_scope":
            print("请换个说法，或向工作人员咨询。")
            return 0
        shown = result.answers[:1] if result.status == "answered" else result.answers
        for n, a in enumerate(shown, 1):
            print(f"{n}. {a.question}  ({a.faq_id})")
            if result.status == "answered":
                print(f"   {a.answer}")
            meta = cat.store.document_meta(a.documents)
            for d in a.documents:
                if d in meta:
                    print(f"   出处：{meta[d].title}  ({d})")
    return 0


def cmd_extract(args, data_dir: DataDir) -> int:
    from catalog.catalogue import Catalog
    from catalog.extract import extract

    chosen = [x for x in (args.doc_id, args.faq, args.item) if x]
    if len(chosen) != 1:
        print("请给出一份文件的编号，或用 --faq / --item 其中之一。", file=sys.stderr)
        return 2
    with Catalog.open(data_dir) as cat:
        result = extract(cat.store, args.out, doc_id=args.doc_id, faq_id=args.faq, item_id=args.item,
                         paragraphs=args.paragraphs, large=args.large)
    if args.json:
        _print_json(result.to_json())
    else:
        print(f"已生成 {result.path}，共 {result.pages} 页。")
    return 0


def cmd_export_usage(args, data_dir: DataDir) -> int:
    from catalog.usage import UsageLog, export

    names = {}
    try:
        from catalog.catalogue import Catalog

        with Catalog.open(data_dir) as cat:
            names = {d.id: d.name for d in cat.store.domains()}
    except CatalogError:
        pass  # no catalogue: domain ids stay as they are
    files = export(UsageLog(data_dir.usage_db), args.out, names)
    if args.json:
        _print_json({"files": [str(f) for f in files]})
    else:
        print(f"已导出 {len(files)} 个统计表到 {args.out}（UTF-8 带 BOM，可用 Excel 打开）。")
    return 0


def cmd_keygen(args, data_dir) -> int:
    from catalog.packaging.signing import fingerprint_file, keygen

    key, pub = keygen(args.prefix)
    fp = fingerprint_file(pub)
    if args.json:
        _print_json({"key": str(key), "pub": str(pub), "fingerprint": fp})
    else:
        print(f"已生成密钥：私钥 {key}（请妥善保管，不要外传），公钥 {pub}")
        print(f"公钥指纹：{fp}")
    return 0


def cmd_fingerprint(args, data_dir) -> int:
    from catalog.packaging.signing import fingerprint_file

    fp = fingerprint_file(Path(args.pubkey))
    _print_json({"fingerprint": fp}) if args.json else print(fp)
    return 0


def cmd_embed(args, data_dir) -> int:
    from catalog.answers import semantic, vectors
    from catalog.catalogue import Catalog

    if not semantic.available():
        print("本机没有语句向量模型，检索只用关键词（不影响使用）。", file=sys.stderr)
        return 1
    with Catalog.open(data_dir) as cat:
        cache = vectors.cache_for(data_dir)
        try:
            n = vectors.embed_missing(cat.store, cache, limit=args.limit)
            done, total = vectors.progress_of(cat.store, cache)
        finally:
            cache.close()
    if args.json:
        _print_json({"embedded": n, "done": done, "total": total})
    else:
        print(f"本次计算 {n} 段；共 {total} 段，已有向量 {done} 段。")
    return 0


def cmd_pack(args, data_dir) -> int:
    from catalog.packaging.pack import pack

    if args.key is None and not args.unsigned:
        print("请用 --key 给出私钥文件（或用 --unsigned 制作测试用的未签名包）。", file=sys.stderr)
        return 2
    def show(stage, done, total):
        if done == total or done % 1024 == 0:
            print(f"正在计算段落向量 {done}/{total}", file=sys.stderr)

    r = pack(Path(args.source), Path(args.out), key=None if args.unsigned else Path(args.key),
             sequence=args.sequence, base=Path(args.base) if args.base else None,
             vectors=not args.no_vectors, vector_cache=args.vector_cache, progress=show)
    if args.json:
        _print_json(r.to_json())
    else:
        what = "完整包" if r.kind == "full" else f"增量包（基于第 {r.base_sequence} 版）"
        print(f"已生成{what}：{r.path}，第 {r.sequence} 版，{len(r.files)} 个文件"
              + (f"，签名公钥指纹 {r.fingerprint}" if r.fingerprint else "，未签名"))
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m catalog", description="政务公开目录：导入、查询与打包")
    p.add_argument("--data-dir", help="数据目录（默认：系统的应用数据目录）")
    sub = p.add_subparsers(dest="command", required=True)

    def json_flag(sp):
        sp.add_argument("--json", action="store_true", help="输出一个 JSON 对象")

    sp = sub.add_parser("import", help="导入目录更新包")
    sp.add_argument("package")
    sp.add_argument("--trust", action="append", default=[], metavar="PUBKEY_FILE",
                    help="信任这个公钥后再导入（导入成功后它一直留在本机的信任列表中，可重复给出）")
    sp.add_argument("--allow-unsigned", action="store_true", help="接受未签名的更新包（仅供测试）")
    sp.add_argument("--progress", action="store_true",
                    help="把进度和拒绝原因按 JSON 行写到标准错误（供查询机在后台导入时读取）")
    sp.add_argument("--change-publisher", action="store_true",
                    help="确认改用另一个发布单位的目录（本机目录来自别的单位时需要；会记入导入历史）")
    sp.add_argument("--allow-sequence-jump", action="store_true",
                    help=f"确认接受版本号一次增加超过 {settings.MAX_SEQUENCE_STEP} 的更新包")
    json_flag(sp)
    sp.set_defaults(func=cmd_import, needs_data=True)

    sp = sub.add_parser("trust", help="信任的公钥：add / list / remove")
    sp.add_argument("action", choices=("add", "list", "remove"))
    sp.add_argument("key", nargs="?", metavar="PUBKEY_FILE|FINGERPRINT",
                    help="add：公钥文件；remove：公钥指纹")
    sp.add_argument("--publisher", action="append", default=[], metavar="NAME",
                    help="add：这把公钥可以签名的发布单位（可重复）；remove：只取消它对这个单位的信任")
    json_flag(sp)
    sp.set_defaults(func=cmd_trust, needs_data=True)

    sp = sub.add_parser("status", help="本机目录的版本与数量")
    json_flag(sp)
    sp.set_defaults(func=cmd_status, needs_data=True)

    sp = sub.add_parser("rollback", help="回退到上一版目录")
    json_flag(sp)
    sp.set_defaults(func=cmd_rollback, needs_data=True)

    sp = sub.add_parser("repair", help="检索索引损坏时，从目录数据重建（完好时什么也不做）")
    json_flag(sp)
    sp.add_argument("--progress", action="store_true", help="在标准错误输出上逐行报告进度（JSON）")
    sp.add_argument("--force", action="store_true", help="检查没有发现问题也重建")
    sp.set_defaults(func=cmd_repair, needs_data=True)

    sp = sub.add_parser("show", help="显示查询机上的一页：首页、文件、领域、常见问题、问答")
    sp.add_argument("page", choices=["home", "document", "domain", "questions", "faq"])
    sp.add_argument("id", nargs="?", help="文件、领域或问答的编号")
    json_flag(sp)
    sp.set_defaults(func=cmd_show, needs_data=True)

    sp = sub.add_parser("inspect", help="查看一个更新包能否导入（不导入）")
    sp.add_argument("package")
    json_flag(sp)
    sp.set_defaults(func=cmd_inspect, needs_data=True)

    sp = sub.add_parser("search", help="搜索文件")
    sp.add_argument("query", nargs="?")
    sp.add_argument("--batch", metavar="FILE")
    sp.add_argument("--domain", action="append", default=[])
    sp.add_argument("--kind")
    sp.add_argument("--status")
    sp.add_argument("--year", help="只要这一年发布（或成文）的文件，如 2024")
    sp.add_argument("--limit", type=int, default=settings.DEFAULT_SEARCH_LIMIT)
    json_flag(sp)
    sp.set_defaults(func=cmd_search, needs_data=True)

    sp = sub.add_parser("ask", help="政策问答：回答一个问题")
    sp.add_argument("question", nargs="?")
    sp.add_argument("--batch", metavar="FILE")
    sp.add_argument("--limit", type=int, default=3)
    json_flag(sp)
    sp.set_defaults(func=cmd_ask, needs_data=True)

    sp = sub.add_parser("extract", help="生成文件、问答或目录事项的摘录 PDF")
    sp.add_argument("doc_id", nargs="?", metavar="DOC_ID")
    sp.add_argument("--faq", metavar="ID")
    sp.add_argument("--item", metavar="ID")
    sp.add_argument("--paragraphs", metavar="3-7,9")
    sp.add_argument("--large", action="store_true", help="大字版")
    sp.add_argument("-o", "--out", required=True, metavar="OUT.pdf")
    json_flag(sp)
    sp.set_defaults(func=cmd_extract, needs_data=True)

    sp = sub.add_parser("export-usage", help="导出使用统计（CSV）")
    sp.add_argument("out", metavar="OUT_FOLDER")
    json_flag(sp)
    sp.set_defaults(func=cmd_export_usage, needs_data=True)

    sp = sub.add_parser("keygen", help="生成签名密钥")
    sp.add_argument("prefix", metavar="OUT_PREFIX")
    json_flag(sp)
    sp.set_defaults(func=cmd_keygen, needs_data=False)

    sp = sub.add_parser("fingerprint", help="显示公钥指纹")
    sp.add_argument("pubkey", metavar="PUBKEY_FILE")
    json_flag(sp)
    sp.set_defaults(func=cmd_fingerprint, needs_data=False)

    sp = sub.add_parser("pack", help="制作（并签名）目录更新包")
    sp.add_argument("source", metavar="SOURCE_DIR")
    sp.add_argument("out", metavar="OUT.zip")
    sp.add_argument("--key", metavar="PRIVATE_KEY_FILE")
    sp.add_argument("--sequence", type=int)
    sp.add_argument("--base", metavar="PREVIOUS.zip")
    sp.add_argument("--unsigned", action="store_true", help="不签名（仅供测试）")
    sp.add_argument("--no-vectors", action="store_true", help="不计算段落向量（查询机将自行计算）")
    sp.add_argument("--vector-cache", metavar="FILE", help="已算好的向量的缓存文件（默认在用户缓存目录）")
    json_flag(sp)
    sp.set_defaults(func=cmd_pack, needs_data=False)

    sp = sub.add_parser("embed", help="为本机目录中还没有向量的段落计算向量（可随时中断，下次接着算）")
    sp.add_argument("--limit", type=int, help="最多计算这么多段")
    json_flag(sp)
    sp.set_defaults(func=cmd_embed, needs_data=True)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "progress", False):
        # The reading parent decodes UTF-8 whatever this system's locale (cp936 on Chinese Windows,
        # where a frozen build ignores PYTHONIOENCODING).
        for stream in (sys.stdout, sys.stderr):
            if hasattr(stream, "reconfigure"):
                stream.reconfigure(encoding="utf-8", errors="replace")
    data_dir = DataDir(args.data_dir) if args.data_dir else DataDir()
    if args.needs_data:
        _setup_logging(data_dir)
    else:  # no log file for keygen/fingerprint/pack: and no "refused: …" line from logging's fallback
        logging.getLogger("catalog").addHandler(logging.NullHandler())
    try:
        return args.func(args, data_dir)
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a path that cannot be read or written: a person's mistake, said plainly
        return _refused(args, CatalogError(_os_message(exc), repr(exc)))
    except CatalogError as exc:
        return _refused(args, exc)
    except sqlite3.DatabaseError as exc:  # a catalogue file damaged after it opened
        from catalog.store import DAMAGED

        return _refused(args, CatalogError(DAMAGED, repr(exc)))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - no command ever shows a traceback (a Rust panic
        log.exception("unexpected failure")  # in a library is a BaseException); the log has it
        return _refused(args, CatalogError("出现了意外的错误，操作没有完成，目录没有改动。详细情况已记入日志，"
                                           "请把日志发给技术人员。", repr(exc)))


_OS_REASONS = {errno.ENOENT: "找不到这个文件或文件夹", errno.ENOTDIR: "路径中有一项不是文件夹",
               errno.EISDIR: "这是一个文件夹，不是文件", errno.EACCES: "没有权限",
               errno.ENOSPC: "磁盘空间不足", errno.EROFS: "磁盘是只读的"}


def _os_message(exc: OSError) -> str:
    name = str(exc.filename or "文件").removesuffix(".part")
    reason = _OS_REASONS.get(exc.errno, exc.strerror or str(exc))
    return f"无法读写 {name}：{reason}。请检查路径后重试。"


def _refused(args, exc: CatalogError) -> int:
    log.warning("refused: %s (%s)", exc.message, exc.detail)
    if getattr(args, "progress", False):  # a reading parent tells this from other stderr output
        print(json.dumps({"error": exc.message, "detail": exc.detail,
                          "needs": getattr(exc, "needs", None)}, ensure_ascii=False), file=sys.stderr)
    else:
        print(exc.message, file=sys.stderr)
    return 1
