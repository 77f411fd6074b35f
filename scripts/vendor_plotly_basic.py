"""Fetch plotly.js's official basic bundle from the npm registry, check it against its pins, and vendor it compressed.

``make plotly-basic`` runs this (it installs the ``vendor`` extra, Zopfli, at the lock's version
first). It runs ``npm pack plotly.js-basic-dist-min@VERSION`` (the npm client, the registry's
ordinary way), checks the tarball's and the bundle's SHA-256 and the bundle's size against
``analysis/templates/vendor/plotly-basic.provenance.yaml``, compresses the bundle with Zopfli
(deterministic; gzip -9 would make every chart page 21 KB heavier, past the 600 KB budget) and
checks the compressed file's SHA-256 too before it writes ``plotly-basic.min.js.gz``, the file
report pages inline. Nothing is written when any hash differs.

With ``--version V`` it fetches another version and prints the pins to write into the provenance
file instead (V must be the plotly.js version of the installed plotly); then run it again to
write the file. Nothing here runs when reports are made.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import yaml

VENDOR = Path(__file__).resolve().parents[1] / "analysis" / "templates" / "vendor"
PROVENANCE = VENDOR / "plotly-basic.provenance.yaml"
TARGET = VENDOR / "plotly-basic.min.js.gz"
PACKAGE = "plotly.js-basic-dist-min"
MEMBER = "package/plotly-basic.min.js"
ZOPFLI_ITERATIONS = 15


def fetch(version: str) -> tuple[bytes, bytes]:
    """The npm tarball of the package at ``version``, and the bundle inside it."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["npm", "pack", "--silent", f"{PACKAGE}@{version}"], cwd=folder, check=True,
                       stdout=subprocess.DEVNULL)
        tarball = next(Path(folder).glob("*.tgz")).read_bytes()
    with tarfile.open(fileobj=io.BytesIO(tarball)) as archive:
        return tarball, archive.extractfile(MEMBER).read()


def compress(bundle: bytes) -> bytes:
    """The bundle gzip-compressed by Zopfli, checked to give the bundle back."""
    import zopfli.gzip

    packed = zopfli.gzip.compress(bundle, numiterations=ZOPFLI_ITERATIONS)
    if gzip.decompress(packed) != bundle:
        raise SystemExit("the compressed bundle does not give the bundle back")
    return packed


def main(argv: list[str] | None = None) -> int:
    """Fetch, check and vendor the bundle; 1 (nothing written) when a hash or size differs from its pin."""
    pins = yaml.safe_load(PROVENANCE.read_text(encoding="utf-8"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default=str(pins["version"]), help="another version, to print its pins")
    args = parser.parse_args(argv)
    try:
        import zopfli  # noqa: F401
    except ImportError:
        print("Zopfli is not installed: run `make plotly-basic` (it installs the vendor extra)", file=sys.stderr)
        return 1
    tarball, bundle = fetch(args.version)
    packed = compress(bundle)
    found = {"tarball_sha256": hashlib.sha256(tarball).hexdigest(), "sha256": hashlib.sha256(bundle).hexdigest(),
             "bytes": len(bundle), "gz_sha256": hashlib.sha256(packed).hexdigest(), "gz_bytes": len(packed)}
    if args.version != str(pins["version"]):
        print(f"version: {args.version}\n" + "\n".join(f"{key}: {value}" for key, value in found.items()))
        return 0
    wrong = [f"{key} {found[key]} (pinned {pins.get(key)})" for key in found if pins.get(key) != found[key]]
    if wrong:
        print(f"{PACKAGE}@{args.version} differs from {PROVENANCE.name}, nothing written: " + "; ".join(wrong),
              file=sys.stderr)
        return 1
    TARGET.write_bytes(packed)
    print(f"{TARGET}: {len(packed):,} bytes, every pin checked ({PACKAGE}@{args.version})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
