"""Ed25519 keys and signatures for catalogue packages.

Key files are text: the raw 32-byte key in base64 on one line (``.key`` private, ``.pub`` public).
The fingerprint staff compare is the first 16 hex digits of SHA-256 of the raw public key, in
groups of four.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PrivateFormat, PublicFormat, NoEncryption

from catalog.errors import CatalogError


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def keygen(prefix: str | Path) -> tuple[Path, Path]:
    """Write ``PREFIX.key`` (private, mode 600) and ``PREFIX.pub``; returns both paths."""
    key_path, pub_path = Path(f"{prefix}.key"), Path(f"{prefix}.pub")
    for existing in (key_path, pub_path):
        if existing.exists():  # a new pair would cut off every kiosk that trusts the old key
            raise CatalogError(f"{existing} 已经存在，没有生成新密钥。更换密钥会使已信任旧公钥的查询机"
                               "拒收新更新包；确需更换，请先把旧文件移走并通知各乡镇。", f"exists: {existing}")
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(base64.b64encode(raw).decode() + "\n")
    pub_path.write_text(base64.b64encode(_raw_public(private.public_key())).decode() + "\n")
    return key_path, pub_path


KEY_FILE_MAX_BYTES = 4096  # a key file is one line of 44 characters


def _read_raw(path: Path, what: str) -> bytes:
    import stat

    path = Path(path)
    try:
        st = path.stat()
        # a FIFO or device named x.pub would block the reader for ever; a huge file is no key
        if not stat.S_ISREG(st.st_mode) or st.st_size > KEY_FILE_MAX_BYTES:
            raise CatalogError(f"{what}文件 {path.name} 不是有效的密钥文件（不是普通文件，或者过大）。",
                               f"mode {st.st_mode:o}, {st.st_size} bytes")
        with open(path, "rb") as fh:
            text = fh.read(KEY_FILE_MAX_BYTES + 1).decode("utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"无法读取{what}文件 {path}。", str(exc)) from exc
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise CatalogError(f"{what}文件 {Path(path).name} 的格式不对，不是有效的密钥。", str(exc)) from exc
    if len(raw) != 32:
        raise CatalogError(f"{what}文件 {Path(path).name} 的格式不对，不是有效的密钥。",
                           f"{len(raw)} bytes, expected 32")
    return raw


def load_private(path: Path) -> Ed25519PrivateKey:
    """The private key of a ``.key`` file. Both kinds of file hold 32 bytes in base64, so a public
    key given by mistake would "sign" with a key nobody trusts: a ``.pub`` is refused, and so is a
    key whose public half differs from the ``.pub`` of the same name beside it."""
    path = Path(path)
    if path.suffix.lower() == ".pub":
        raise CatalogError(f"{path.name} 是公钥文件，不能用来签名。请给出私钥文件（.key），公钥文件是发给各乡镇安装的。",
                           "public key given as --key")
    private = Ed25519PrivateKey.from_private_bytes(_read_raw(path, "私钥"))
    sibling = path.with_suffix(".pub")
    if sibling.is_file():
        try:
            pub = _read_raw(sibling, "公钥")
        except CatalogError:
            pub = None
        if pub is not None and pub != _raw_public(private.public_key()):
            if pub == _read_raw(path, "私钥"):
                raise CatalogError(f"{path.name} 的内容与公钥 {sibling.name} 相同，它是公钥，不是私钥。",
                                   "the .key file holds the public key")
            raise CatalogError(f"私钥 {path.name} 与旁边的公钥 {sibling.name} 不是一对，不能用它签名。"
                               "请确认用的是本单位正在使用的那一对密钥。", "key pair mismatch")
    return private


def load_public_raw(path: Path) -> bytes:
    path = Path(path)
    if path.suffix.lower() == ".key":
        raise CatalogError(f"{path.name} 是私钥文件，不能作为公钥使用。私钥必须留在县政务公开办，"
                           "不要拷到U盘上；请改用同名的 .pub 公钥文件。", "private key given as a public key")
    raw = _read_raw(path, "公钥")
    Ed25519PublicKey.from_public_bytes(raw)  # raises on a malformed key
    return raw


def fingerprint(raw_public: bytes) -> str:
    """``ab12 cd34 ef56 7890``: what staff compare with the publisher's."""
    digest = hashlib.sha256(raw_public).hexdigest()[:16]
    return " ".join(digest[i:i + 4] for i in range(0, 16, 4))


def fingerprint_file(path: Path) -> str:
    return fingerprint(load_public_raw(path))


def sign(private: Ed25519PrivateKey, data: bytes) -> bytes:
    """The base64 signature text of ``data`` (what goes into manifest.sig)."""
    return base64.b64encode(private.sign(data)) + b"\n"


def verify(signature_text: bytes, data: bytes, trusted: dict[str, bytes]) -> str | None:
    """The fingerprint of the trusted key that signed ``data``, or None when none did."""
    try:
        signature = base64.b64decode(signature_text.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    for fp, raw in trusted.items():
        try:
            Ed25519PublicKey.from_public_bytes(raw).verify(signature, data)
            return fp
        except InvalidSignature:
            continue
    return None
