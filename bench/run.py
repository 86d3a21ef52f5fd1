"""`make bench`: run every bench/bench_*.py in turn; each prints one JSON line per figure set."""
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    only = sys.argv[1:]
    failed = 0
    for script in sorted(HERE.glob("bench_*.py")):
        if only and script.stem.removeprefix("bench_") not in only:
            continue
        failed |= subprocess.run([sys.executable, str(script)], cwd=HERE).returncode != 0
    sys.exit(failed)
