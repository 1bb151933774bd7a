"""Build real catalogue packages for tests from the real-content fixture in tests/fixtures/."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from catalog import settings as _settings
from catalog.packaging.pack import pack
from catalog.packaging.signing import keygen

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
PUBLISHER = "测试用县政务公开办"


def _load(name: str) -> list[dict]:
    return [json.loads(line) for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines() if line]


DOMAINS = _load("domains.jsonl")
ITEMS = _load("items.jsonl")
DOCUMENTS = _load("documents.jsonl")
DOC_BY_TITLE = {d["title"]: d for d in DOCUMENTS}

# Two FAQs stating facts of the fixture's real regulations.
FAQS = [
    {"id": "faq-hukou-newborn", "question": "新生儿出生后多久要申报户口？",
     "variants": ["孩子生了多久内要上户口", "婴儿出生登记的期限"],
     "answer": "婴儿出生后一个月以内，由户主、亲属、抚养人或者邻居向婴儿常住地户口登记机关申报出生登记。（依据：《户口登记条例》第七条）",
     "domains": ["hjgl"], "documents": [DOC_BY_TITLE["户口登记条例"]["id"]]},
    {"id": "faq-xxgk-deadline", "question": "申请政府信息公开多久能答复？",
     "variants": ["依申请公开多少天给答复", "信息公开申请的答复期限"],
     "answer": "能够当场答复的当场答复；不能当场答复的，自收到申请之日起20个工作日内答复；需要延长的，延长期限最长不得超过20个工作日。（依据：《中华人民共和国政府信息公开条例》第三十三条）",
     "domains": ["zwgk"], "documents": [DOC_BY_TITLE["政府信息公开条例"]["id"]]},
]


@dataclass
class Keys:
    key: Path
    pub: Path
    other_key: Path
    other_pub: Path


def make_keys(folder: Path) -> Keys:
    key, pub = keygen(folder / "publisher")
    okey, opub = keygen(folder / "stranger")
    return Keys(key, pub, okey, opub)


def records(n_docs: int = 5) -> dict[str, list[dict]]:
    """A consistent catalogue: all domains and fixture items, the first ``n_docs`` documents."""
    docs = copy.deepcopy(DOCUMENTS[:n_docs])
    doc_ids = {d["id"] for d in docs}
    faqs = [copy.deepcopy(f) for f in FAQS if set(f["documents"]) <= doc_ids]
    return {"domain": copy.deepcopy(DOMAINS), "item": copy.deepcopy(ITEMS), "document": docs, "faq": faqs}


FILE_OF = {"domain": "domains.jsonl", "item": "items.jsonl", "document": "documents.jsonl", "faq": "faqs.jsonl"}


def write_source(folder: Path, recs: dict[str, list[dict]], sequence: int = 1,
                 publisher: str = PUBLISHER, terms: str | None = None,
                 extra_files: dict[str, bytes] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_text(json.dumps(
        {"publisher": publisher, "region": "测试县", "sequence": sequence}, ensure_ascii=False),
        encoding="utf-8")
    for rtype, fname in FILE_OF.items():
        (folder / fname).write_text("".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n"
                                            for r in recs[rtype]), encoding="utf-8")
    if terms is not None:
        (folder / "terms.txt").write_text(terms, encoding="utf-8")
    for rel, data in (extra_files or {}).items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    return folder


def build(tmp: Path, name: str, recs: dict, *, key: Path | None, sequence: int = 1,
          base: Path | None = None, vectors: bool = False, **kw) -> Path:
    """A real package zip built with ``catalog.packaging.pack.pack``; without passage vectors unless
    asked (embedding real laws' passages takes minutes; tests/catalog/test_passages.py packs them)."""
    src = write_source(tmp / f"src-{name}", recs, sequence=sequence, **kw)
    out = tmp / f"{name}.zip"
    pack(src, out, key=key, sequence=sequence, base=base, vectors=vectors)
    return out


def snapshot(data_dir: Path) -> dict[str, str]:
    """sha256 of every file of a data folder except logs and the lock file."""
    out = {}
    if not data_dir.exists():
        return out
    for p in sorted(data_dir.rglob("*")):
        rel = p.relative_to(data_dir).as_posix()
        if p.is_file() and not rel.startswith("logs/") and p.name != ".import.lock":
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def run_cli(*args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """``python -m catalog ARGS`` in a subprocess, as staff and outside checks run it."""
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run([sys.executable, "-m", "catalog", *args], cwd=REPO, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


def small_records():
    """Three short made-up test texts (not presented as real documents) and no FAQs: small enough
    to embed in a test."""
    recs = records(0)
    bodies = {
        "n1": ("某省城乡居民最低生活保障办法", "第一条 为了保障困难群众基本生活，制定本办法。\n"
               "第二条 申请最低生活保障，由共同生活的家庭成员向户籍所在地的乡镇人民政府（街道办事处）提出书面申请。\n"
               "第三条 乡镇人民政府应当自受理申请之日起三十日内作出审核意见。"),
        "n2": ("某市噪声污染防治条例", "第一条 为了防治噪声污染，制定本条例。\n"
               "第二条 在已竣工交付使用的住宅楼进行室内装修活动，应当限制作业时间，并采取其他有效措施，以减轻、避免对周围居民造成环境噪声污染。"),
        "n3": ("某县高龄津贴发放办法", "第一条 年满八十周岁的本县户籍老年人，可以申领高龄津贴。\n第二条 高龄津贴按月发放。"),
    }
    for i, (doc_id, (title, body)) in enumerate(bodies.items()):
        recs["document"].append({
            "id": doc_id, "title": title, "kind": "政策文件", "doc_number": None, "index_number": None,
            "issuer": None, "region": "全国", "written": None, "published": f"2024-0{i + 1}-01",
            "status": "现行有效", "domains": ["shjz"], "items": [], "interprets": None, "url": None,
            "body": body, "attachments": []})
    return recs


def signed_zip(path, files: dict, key, sequence: int, **manifest_extra):
    """A package signed with ``key`` whose files are exactly ``files`` (name -> text or bytes),
    written without ``pack`` (which refuses to sign what an import would refuse)."""
    from catalog.packaging.signing import load_private, sign

    data = {k: v.encode() if isinstance(v, str) else v for k, v in files.items()}
    manifest = {"format": _settings.PACKAGE_FORMAT, "format_version": _settings.PACKAGE_FORMAT_VERSION,
                "publisher": PUBLISHER, "region": "测试县", "sequence": sequence, "kind": "full",
                "created": "2026-01-01T00:00:00Z", **manifest_extra}
    manifest["files"] = {k: hashlib.sha256(v).hexdigest() for k, v in data.items()}
    raw = json.dumps(manifest, ensure_ascii=False).encode()
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", raw)
        zf.writestr("manifest.sig", sign(load_private(key), raw))
        for k, v in data.items():
            zf.writestr(k, v)
    return path

