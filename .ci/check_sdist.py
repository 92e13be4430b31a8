"""Check that a source distribution carries the whole test suite and the files it reads.

Usage: python .ci/check_sdist.py dist/nldtib_forecast-X.tar.gz

Every file that git tracks under tests/ and examples/ (and docs/howto_scenario_file.rst, which
a test reads) must be in the archive; nothing generated (``docs/_build``,
``docs/auto_examples``, byte code) may be. Exit status 1 with the missing files otherwise.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path


def main(archive: str) -> int:
    with tarfile.open(archive) as tar:
        names = {Path(*Path(m).parts[1:]).as_posix() for m in tar.getnames()}
    tracked = subprocess.run(["git", "ls-files", "tests", "examples", "docs"],
                             capture_output=True, text=True, check=True).stdout.split()
    needed = [f for f in tracked if not f.startswith(("docs/_build", "docs/auto_examples",
                                                      "docs/api/generated"))]
    missing = sorted(set(needed) - names)
    generated = sorted(n for n in names if "/_build/" in n or "/auto_examples/" in n
                       or n.endswith((".pyc", ".pyo")))
    if missing or generated:
        for f in missing[:20]:
            print(f"missing from the sdist: {f}")
        for f in generated[:20]:
            print(f"generated file in the sdist: {f}")
        return 1
    print(f"sdist ok: {len(needed)} tracked test, example and docs files present")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
