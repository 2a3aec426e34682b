"""Execute a notebook headless (nbclient) and fail on any cell error, or on a plotting cell that
showed no chart. Used by ctest.

Charts are shown inline (the notebooks use ``%matplotlib inline``), so the kernel must not inherit
a non-interactive ``MPLBACKEND`` such as Agg from the test environment.
"""

import os
import re
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

# A cell that draws: pyplot figures, pandas/axes plots, or an explicit show.
_PLOTS = re.compile(r"plt\.(subplots|figure|plot|hist|bar|scatter|show)\b|\.plot\(|\.hist\(")


def plotting_cells_without_image(nb) -> list[int]:
    missing = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not _PLOTS.search(cell.source):
            continue
        images = [o for o in cell.get("outputs", [])
                  if "image/png" in o.get("data", {}) or "image/svg+xml" in o.get("data", {})]
        if not images:
            missing.append(i)
    return missing


def main(path: str) -> int:
    os.environ.pop("MPLBACKEND", None)  # the kernel chooses the inline backend
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=240, kernel_name="python3",
                            resources={"metadata": {"path": str(Path(path).parent)}})
    client.execute()
    missing = plotting_cells_without_image(nb)
    if missing:
        print(f"{path}: plotting cells {missing} produced no image", file=sys.stderr)
        return 1
    print(f"{path}: {len(nb.cells)} cells executed, every plotting cell showed its chart")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
