"""The public keys a kiosk trusts, one file per key in ``data_dir/trusted_keys``."""

from __future__ import annotations

from pathlib import Path

from catalog.datadir import DataDir, atomic_write
from catalog.errors import CatalogError
from catalog.signing import fingerprint, load_public_raw


def _file_name(fp: str) -> str:
    return fp.replace(" ", "") + ".pub"


def install_key(data_dir: DataDir, pub_file: Path) -> str:
    """Trust the public key in ``pub_file``; returns its fingerprint."""
    raw = load_public_raw(pub_file)
    fp = fingerprint(raw)
    data_dir.ensure()
    import base64

    atomic_write(data_dir.trusted_keys / _file_name(fp), base64.b64encode(raw) + b"\n")
    return fp


def remove_key(data_dir: DataDir, fp: str) -> None:
    path = data_dir.trusted_keys / _file_name(fp)
    if not path.exists():
        raise CatalogError(f"没有找到指纹为 {fp} 的公钥。")
    path.unlink()


def trusted_keys(data_dir: DataDir) -> dict[str, bytes]:
    """fingerprint -> raw public key, for every key staff installed."""
    out: dict[str, bytes] = {}
    if not data_dir.trusted_keys.exists():
        return out
    for path in sorted(data_dir.trusted_keys.glob("*.pub")):
        try:
            raw = load_public_raw(path)
        except CatalogError:
            continue  # a damaged key file trusts nothing
        out[fingerprint(raw)] = raw
    return out
