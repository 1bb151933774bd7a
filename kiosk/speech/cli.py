"""``python -m kiosk speak (--text TEXT | --doc DOC_ID) [--rate 0.5..2.0] -o OUT.wav``: synthesize
with the offline engine, for staff checks and tests (16-bit mono PCM WAV)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def speak_main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m kiosk speak", description="用离线朗读引擎合成语音")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--text")
    src.add_argument("--doc", metavar="DOC_ID")
    p.add_argument("--data-dir")
    p.add_argument("--rate", type=float, default=1.0, help="语速，0.5 到 2.0")
    p.add_argument("-o", "--out", required=True, metavar="OUT.wav")
    args = p.parse_args(argv)
    from kiosk.speech import engine
    from kiosk.speech.sentences import split_sentences

    if not engine.MIN_RATE <= args.rate <= engine.MAX_RATE:
        print("语速要在 0.5 到 2.0 之间。", file=sys.stderr)
        return 2
    text = args.text
    if args.doc:
        from catalog.catalogue import Catalog
        from catalog.packaging.datadir import DataDir
        from catalog.errors import CatalogError

        try:
            with Catalog.open(DataDir(args.data_dir) if args.data_dir else DataDir()) as cat:
                doc = cat.store.document(args.doc)
        except CatalogError as exc:
            print(exc.message, file=sys.stderr)
            return 1
        if doc is None:
            print(f"没有编号为 {args.doc} 的文件。", file=sys.stderr)
            return 1
        text = doc.title + "。\n" + doc.body
    sentences = [s.text for s in split_sentences(text or "")]
    if not sentences:
        print("没有可以朗读的文字。", file=sys.stderr)
        return 2
    try:
        audio = engine.synthesize_all(sentences, args.rate)
    except engine.SpeechUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return 1
    Path(args.out).write_bytes(audio.wav_bytes())
    print(f"已写入 {args.out}：{len(sentences)} 句，{audio.seconds:.1f} 秒。")
    return 0
