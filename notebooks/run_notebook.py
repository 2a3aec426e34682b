"""Execute a notebook headless (nbclient) and fail on any cell error. Used by ctest."""

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def main(path: str) -> int:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=240, kernel_name="python3",
                            resources={"metadata": {"path": str(Path(path).parent)}})
    client.execute()
    print(f"{path}: {len(nb.cells)} cells executed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
