"""Mutation testing of the rule modules with mutmut, one module at a time, reported per module.

    python scripts/mutation.py                     # every module in MODULES
    python scripts/mutation.py salary location     # some of them
    python scripts/mutation.py src/job_analytics/process/foo.py=tests/unit/process/test_foo*.py
    python scripts/mutation.py salary --survivors --fail-under 90

mutmut 3 writes its mutated copy to ``mutants/`` in the working directory. Each module therefore runs in its own
temporary copy of the repository (without ``.venv``, ``data``, ``.git``), with a ``[tool.mutmut]`` section written
into that copy's ``pyproject.toml``: the checkout is never touched, and runs can happen while others work in it.
The score is killed / (all mutants that were checked); mutants killed by a timeout count as killed.
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

#: module name → (source file, test file globs), paths relative to the repository root.
MODULES: dict[str, tuple[str, tuple[str, ...]]] = {
    "salary": ("src/job_analytics/process/salary.py", ("tests/unit/process/test_salary*.py",)),
    "location": ("src/job_analytics/process/location.py", ("tests/unit/process/test_location*.py",)),
    "classify": ("src/job_analytics/process/classify.py", ("tests/unit/process/test_classify*.py",)),
    "text": ("src/job_analytics/process/text.py", ("tests/unit/process/test_text*.py",)),
}

_SKIP = shutil.ignore_patterns(
    ".venv", "data", ".git", "mutants", ".airflow", ".cache", "__pycache__", ".pytest_cache", ".ruff_cache",
    "node_modules", "logs", "target",
)
_RESULT_LINE = re.compile(r"^\s+(?P<mutant>\S+): (?P<status>.+)$")
_KILLED = {"killed", "timeout", "caught by type check", "segfault"}
_UNCOUNTED = {"skipped", "not checked", "check was interrupted by user"}


@dataclass
class Report:
    name: str
    statuses: dict[str, str]  # mutant → status

    @property
    def counts(self) -> Counter[str]:
        return Counter(self.statuses.values())

    @property
    def killed(self) -> int:
        return sum(n for status, n in self.counts.items() if status in _KILLED)

    @property
    def checked(self) -> int:
        return sum(n for status, n in self.counts.items() if status not in _UNCOUNTED)

    @property
    def survived(self) -> list[str]:
        return sorted(m for m, status in self.statuses.items() if status not in _KILLED | _UNCOUNTED)

    @property
    def score(self) -> float:
        return 100.0 * self.killed / self.checked if self.checked else 0.0


def _target(spec: str) -> tuple[str, str, tuple[str, ...]]:
    """``salary`` or ``path/to/module.py=test_glob[,test_glob…]`` → (name, source, test globs)."""
    if spec in MODULES:
        source, tests = MODULES[spec]
        return spec, source, tests
    if "=" in spec:
        source, tests = spec.split("=", 1)
        return Path(source).stem, source, tuple(t for t in tests.split(",") if t)
    raise SystemExit(f"unknown module {spec!r}: use one of {', '.join(MODULES)} or SOURCE.py=TEST_GLOB[,TEST_GLOB]")


def _mutmut_section(source: str, tests: list[str]) -> str:
    source_root = Path(source).parts[0]  # "src": the package is imported from mutants/src
    quoted = ", ".join(f'"{t}"' for t in tests)
    return (
        "\n[tool.mutmut]\n"
        f'source_paths = ["{source_root}"]\n'
        f'only_mutate = ["{source}"]\n'
        f"pytest_add_cli_args_test_selection = [{quoted}]\n"
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]\n'
    )


def run_module(name: str, source: str, test_globs: tuple[str, ...], python: str, max_children: int) -> Report:
    tests = sorted({str(Path(p).relative_to(REPO)) for g in test_globs for p in glob.glob(str(REPO / g))})
    if not (REPO / source).is_file() or not tests:
        raise SystemExit(f"{name}: {source} or its tests {test_globs} not found")
    with tempfile.TemporaryDirectory(prefix=f"mutation-{name}-") as tmp:
        work = Path(tmp) / "repo"
        shutil.copytree(REPO, work, ignore=_SKIP, symlinks=True)
        pyproject = work / "pyproject.toml"
        text = re.sub(r"\n\[tool\.mutmut\][^\[]*", "\n", pyproject.read_text(encoding="utf-8"))
        pyproject.write_text(text + _mutmut_section(source, tests), encoding="utf-8")
        env = {**os.environ, "PATH": f"{Path(python).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
        print(f"== {name}: mutating {source} against {', '.join(tests)}", flush=True)
        run = subprocess.run(
            [python, "-m", "mutmut", "run", "--max-children", str(max_children)], check=False, cwd=work, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        if run.returncode != 0:
            print(run.stdout[-4000:], file=sys.stderr)
            raise SystemExit(f"{name}: mutmut run failed with exit code {run.returncode}")
        listed = subprocess.run(
            [python, "-m", "mutmut", "results", "--all", "true"], cwd=work, env=env,
            capture_output=True, text=True, check=True,
        )
    statuses = {m["mutant"]: m["status"] for m in map(_RESULT_LINE.match, listed.stdout.splitlines()) if m}
    return Report(name, statuses)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", help=f"names ({', '.join(MODULES)}) or SOURCE.py=TEST_GLOB,...")
    parser.add_argument("--python", default=str(REPO / ".venv" / "bin" / "python"), help="interpreter with mutmut")
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--survivors", action="store_true", help="list the surviving mutants of each module")
    parser.add_argument("--fail-under", type=float, default=None, help="exit 1 if a module scores below this %%")
    args = parser.parse_args(argv)

    reports = [run_module(*_target(spec), python=args.python, max_children=args.max_children)
               for spec in (args.modules or list(MODULES))]

    print(f"\n{'module':<12} {'mutants':>8} {'killed':>7} {'survived':>9} {'score':>7}")
    for r in reports:
        print(f"{r.name:<12} {r.checked:>8} {r.killed:>7} {len(r.survived):>9} {r.score:>6.1f}%")
    if args.survivors:
        for r in reports:
            for mutant in r.survived:
                print(f"  {r.name}: {mutant} ({r.statuses[mutant]})")
    failing = [r.name for r in reports if args.fail_under is not None and r.score < args.fail_under]
    if failing:
        print(f"below {args.fail_under:.0f}%: {', '.join(failing)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
