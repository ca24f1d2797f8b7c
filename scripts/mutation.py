"""Mutation testing of the rule modules with mutmut, one module at a time, reported per module.

    python scripts/mutation.py                     # every module in MODULES
    python scripts/mutation.py salary location     # some of them
    python scripts/mutation.py src/job_analytics/silver/foo.py=tests/unit/silver/test_foo*.py
    python scripts/mutation.py salary --survivors --fail-under 90
    python scripts/mutation.py text --keep /tmp/survivors          # also writes each survivor's diff there
    python scripts/mutation.py text --only '*x_fix_text__mutmut_*'  # check only the mutants matching a pattern

mutmut 3 writes its mutated copy to ``mutants/`` in the working directory. Each module therefore runs in its own
temporary copy of the repository (without ``.venv``, ``data``, ``.git``), with a ``[tool.mutmut]`` section written
into that copy's ``pyproject.toml``: the checkout is never touched, and runs can happen while others work in it.
The score is killed / (all mutants that were checked); mutants killed by a timeout count as killed. Rule tables
read once per process (``@cache`` loaders) are rebuilt for the mutants in their loading code: see ``_CACHE_PLUGIN``.
docs/mutation.md has the scores and the survivors left.
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

#: module name → (source files, test file globs), paths relative to the repository root. A module's score counts
#: the mutants of all its source files (location: the parser and the gazetteer it reads).
MODULES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "salary": (("src/job_analytics/silver/salary.py", "src/job_analytics/silver/salary_text.py",
                "src/job_analytics/silver/currencies.py"), ("tests/unit/silver/test_salary*.py",)),
    "location": (
        ("src/job_analytics/silver/location.py", "src/job_analytics/silver/rules/places.py"),
        ("tests/unit/silver/test_location*.py",),
    ),
    "classify": (("src/job_analytics/silver/classify.py", "src/job_analytics/silver/employment.py"),
                 ("tests/unit/silver/test_classify*.py",)),
    "text": (("src/job_analytics/silver/text.py",), ("tests/unit/silver/test_text*.py",)),
}

#: Tests left out of a module's mutation runs: timings, which mutmut's instrumentation slows down and which test
#: no result.
DESELECT: dict[str, tuple[str, ...]] = {
    "location": ("tests/unit/silver/test_location_gazetteer.py::test_gazetteer_loads_fast_and_parses_fast",),
}

_SKIP = shutil.ignore_patterns(
    ".venv", "data", ".git", "mutants", ".airflow", ".cache", "__pycache__", ".pytest_cache", ".ruff_cache",
    "node_modules", "logs", "target",
)
# Rules read their tables once per process (``@cache`` loaders: the gazetteer, the title rules, the skills). mutmut
# forks each mutant's test run from the process that ran the tests once to map tests to functions, so a mutant in
# the code such a loader runs would never run (the table is already built), and would be mapped to the one test
# that happened to fill the cache. This pytest plugin, loaded into mutmut's runs, fixes both: while the map is made,
# it fills each zero-argument cache of the package once, notes the functions that filling runs, and counts them as
# called by every test that reads the cache; in a mutant's run, it empties the caches whose filling runs the
# mutated function, so the table is built again with the mutant in it.
_CACHE_PLUGIN = '''
import inspect
import json
import os
import sys
from pathlib import Path

import pytest

_FILE = Path(os.environ["MUTATION_CACHES_FILE"])
_PACKAGE = os.environ.get("MUTATION_CACHES_PACKAGE", "job_analytics")


def _caches():
    found = {}
    for name, module in list(sys.modules.items()):
        if module is None or not (name == _PACKAGE or name.startswith(_PACKAGE + ".")):
            continue
        for attr, value in list(vars(module).items()):
            if hasattr(value, "cache_clear") and hasattr(value, "cache_info") and callable(value):
                try:
                    needs_args = any(p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
                                     for p in inspect.signature(value).parameters.values())
                except (TypeError, ValueError):
                    continue
                if not needs_args:
                    found[f"{value.__module__}.{value.__qualname__}"] = value
    return found


def _mutant():
    from mutmut.mutation.trampoline import get_mutant_under_test
    return get_mutant_under_test()


_fills = {}  # cache → the functions its filling runs
_calls = {}


def pytest_collection_finish(session):
    mutant = _mutant()
    caches = _caches()
    if mutant == "stats":
        from mutmut.state import state
        for key, function in caches.items():
            hits, state()._stats = state()._stats, set()
            function.cache_clear()
            try:
                function()
            finally:
                _fills[key], state()._stats = sorted(state()._stats), hits
        _FILE.write_text(json.dumps(_fills), encoding="utf-8")
    elif "__mutmut_" in mutant and _FILE.is_file():
        mutated = mutant.partition("__mutmut_")[0]
        for key, called in json.loads(_FILE.read_text(encoding="utf-8")).items():
            if mutated in called and key in caches:
                caches[key].cache_clear()


def _used(function):
    info = function.cache_info()
    return info.hits + info.misses


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    if _fills:
        caches = _caches()
        _calls.update({key: _used(caches[key]) for key in _fills if key in caches})
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    yield
    if _fills:
        from mutmut.state import state
        caches = _caches()
        for key, called in _fills.items():
            if key in caches and _used(caches[key]) != _calls.get(key):
                state()._stats.update(called)
'''
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


def _target(spec: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """``salary`` or ``path/to/module.py=test_glob[,test_glob…]`` → (name, source files, test globs)."""
    if spec in MODULES:
        sources, tests = MODULES[spec]
        return spec, sources, tests
    if "=" in spec:
        source, tests = spec.split("=", 1)
        return Path(source).stem, (source,), tuple(t for t in tests.split(",") if t)
    raise SystemExit(f"unknown module {spec!r}: use one of {', '.join(MODULES)} or SOURCE.py=TEST_GLOB[,TEST_GLOB]")


def _mutmut_section(sources: tuple[str, ...], tests: list[str], deselect: tuple[str, ...] = ()) -> str:
    def toml_list(items: list[str] | tuple[str, ...]) -> str:
        return "[" + ", ".join(f'"{item}"' for item in items) + "]"

    roots = sorted({Path(source).parts[0] for source in sources})  # "src": the package is imported from mutants/src
    return (
        "\n[tool.mutmut]\n"
        f"source_paths = {toml_list(roots)}\n"
        f"only_mutate = {toml_list(sources)}\n"
        f"pytest_add_cli_args_test_selection = {toml_list(tests)}\n"
        "pytest_add_cli_args = "
        f"{toml_list(['-p', 'no:cacheprovider', '-q', '-p', 'mutation_caches', *(f'--deselect={t}' for t in deselect)])}\n"
    )


def run_module(
    name: str, sources: tuple[str, ...], test_globs: tuple[str, ...], python: str, max_children: int,
    only: tuple[str, ...] = (), keep: Path | None = None,
) -> Report:
    tests = sorted({str(Path(p).relative_to(REPO)) for g in test_globs for p in glob.glob(str(REPO / g))})
    if not all((REPO / source).is_file() for source in sources) or not tests:
        raise SystemExit(f"{name}: {', '.join(sources)} or its tests {test_globs} not found")
    with tempfile.TemporaryDirectory(prefix=f"mutation-{name}-") as tmp:
        work = Path(tmp) / "repo"
        shutil.copytree(REPO, work, ignore=_SKIP, symlinks=True)
        pyproject = work / "pyproject.toml"
        text = re.sub(r"\n\[tool\.mutmut\][^\[]*", "\n", pyproject.read_text(encoding="utf-8"))
        pyproject.write_text(text + _mutmut_section(sources, tests, DESELECT.get(name, ())), encoding="utf-8")
        plugins = Path(tmp) / "plugins"
        plugins.mkdir()
        (plugins / "mutation_caches.py").write_text(_CACHE_PLUGIN, encoding="utf-8")
        env = {
            **os.environ,
            "PATH": f"{Path(python).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(plugins), os.environ.get("PYTHONPATH")])),
            "MUTATION_CACHES_FILE": str(Path(tmp) / "caches.json"),
        }
        print(f"== {name}: mutating {', '.join(sources)} against {', '.join(tests)}", flush=True)
        run = subprocess.run(
            [python, "-m", "mutmut", "run", "--max-children", str(max_children), *only], check=False, cwd=work,
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        if run.returncode != 0:
            print(run.stdout[-4000:], file=sys.stderr)
            raise SystemExit(f"{name}: mutmut run failed with exit code {run.returncode}")
        listed = subprocess.run(
            [python, "-m", "mutmut", "results", "--all", "true"], cwd=work, env=env,
            capture_output=True, text=True, check=True,
        )
        statuses = {m["mutant"]: m["status"] for m in map(_RESULT_LINE.match, listed.stdout.splitlines()) if m}
        report = Report(name, statuses)
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            show = "import sys\nfrom mutmut.__main__ import show\nfor name in sys.argv[1:]:\n    show.callback(name)\n"
            diffs = subprocess.run([python, "-c", show, *report.survived], cwd=work, env=env,
                                   capture_output=True, text=True, check=False).stdout
            (keep / f"{name}.diff").write_text(diffs, encoding="utf-8")
            print(f"   {len(report.survived)} surviving mutants' diffs in {keep / f'{name}.diff'}", flush=True)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", help=f"names ({', '.join(MODULES)}) or SOURCE.py=TEST_GLOB,...")
    parser.add_argument("--python", default=str(REPO / ".venv" / "bin" / "python"), help="interpreter with mutmut")
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--survivors", action="store_true", help="list the surviving mutants of each module")
    parser.add_argument("--fail-under", type=float, default=None, help="exit 1 if a module scores below this %%")
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR",
                        help="write the diff of each surviving mutant to DIR/<module>.diff")
    parser.add_argument("--only", action="append", default=[], metavar="PATTERN",
                        help="check only the mutants whose name matches PATTERN (fnmatch; repeatable)")
    args = parser.parse_args(argv)

    reports = [run_module(*_target(spec), python=args.python, max_children=args.max_children,
                          only=tuple(args.only), keep=args.keep)
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
