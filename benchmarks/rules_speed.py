"""Speed of silver's text rules on realistic descriptions, and a check that their results do not change.

    uv run python benchmarks/rules_speed.py                 # µs per call: this tree and the baseline revision
    uv run python benchmarks/rules_speed.py --check         # every output on the corpus equals the baseline's
    uv run python benchmarks/rules_speed.py --record FILE   # write this tree's outputs on the corpus to FILE
    uv run python benchmarks/rules_speed.py --compare FILE  # compare this tree's outputs with a recorded FILE

The rules: ``salary_in_text``, ``employment_type_in_text``, ``fix_text`` and ``html_to_text``. The baseline is the
same modules as committed at ``--baseline`` (default ``HEAD``), read with ``git show``; without git only this
tree is timed.

Timing inputs are built from the recorded payloads (``tests/fixtures/recorded``: Greenhouse ``content``, RemoteOK
and Remotive ``description``, JSearch ``job_description``, Lever, Arbeitnow), the bundled demo recordings
(``src/job_analytics/ingest/sources/recordings``) and the labelled salary snippets (``tests/fixtures/salary``):
descriptions in plain text are joined to 2.5 and 5 KB with a salary snippet or two among their lines, as a
posting states pay somewhere in its body. "Dirty" inputs are the same text with typographic characters (’ – • é
ü €) and read back as Windows-1252, as RemoteOK sends it; in half of them only some lines are broken.

The check corpus is wider: every string of every recorded payload (and its dirty forms), each description as a
whole, line by line and joined to long texts, every snippet, every string literal of the rules' unit tests, and
generated statements for every currency marker and employment term the rules know.
"""

from __future__ import annotations

import argparse
import ast
import csv
import gc
import importlib.util
import json
import random
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from job_analytics.silver import currencies, employment, salary, salary_text, text

REPO = Path(__file__).resolve().parents[1]
RECORDED = REPO / "tests" / "fixtures" / "recorded"
BUNDLED = REPO / "src" / "job_analytics" / "ingest" / "sources" / "recordings"
SNIPPETS = REPO / "tests" / "fixtures" / "salary" / "snippets.csv"
UNIT_TESTS = REPO / "tests" / "unit" / "process"
MODULES = {"salary": salary_text, "classify": employment, "text": text}
TITLE_KEYS = ("title", "position", "job_title", "text")
DESCRIPTION_KEYS = ("content", "description", "job_description", "descriptionPlain", "descriptionBodyPlain",
                    "additionalPlain", "openingPlain", "salaryDescriptionPlain")
TAG_KEYS = ("tags", "job_types", "job_employment_types")


# --- inputs ------------------------------------------------------------------------------------------------------


def _payloads() -> list[Any]:
    files = sorted(RECORDED.rglob("*.json")) + sorted(BUNDLED.rglob("*.json"))
    return [json.loads(path.read_text(encoding="utf-8")) for path in files]


def _records(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if any(key in node for key in TITLE_KEYS) and any(key in node for key in DESCRIPTION_KEYS):
            yield node
        for value in node.values():
            yield from _records(value)
    elif isinstance(node, list):
        for value in node:
            yield from _records(value)


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _snippets() -> list[str]:
    with SNIPPETS.open(encoding="utf-8") as handle:
        return [row["text"] for row in csv.DictReader(handle)]


def _test_strings() -> list[str]:
    found: list[str] = []
    for path in sorted(UNIT_TESTS.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.append(node.value)
    return found


_TYPOGRAPHY = (("'", "’"), (" - ", " – "), ("\n- ", "\n• "), ("e.g.", "z. B."), ("Munich", "München"),
               ("Zurich", "Zürich"), ("cafe", "café"), ("resume", "résumé"), ("$", "€"))


def _typographic(value: str) -> str:
    for plain, fancy in _TYPOGRAPHY:
        value = value.replace(plain, fancy)
    return value


def _mojibake(value: str, encoding: str = "sloppy-windows-1252", times: int = 1) -> str:
    import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-1252)

    for _ in range(times):
        value = value.encode("utf-8", errors="surrogatepass").decode(encoding, errors="replace")
    return value


def _partly_broken(value: str, rng: random.Random) -> str:
    return "".join(_mojibake(line) if rng.random() < 0.3 else line for line in value.splitlines(keepends=True))


def _dirty_forms(value: str, rng: random.Random) -> list[str]:
    fancy = _typographic(value)
    return [_mojibake(fancy), _mojibake(fancy, times=2), _mojibake(fancy, "latin-1"), _partly_broken(fancy, rng),
            fancy.replace(" ", "\u200b ", 3).replace("a", "a\x00", 1)]


def _joined(pieces: list[str], extras: list[str], size: int, rng: random.Random) -> str:
    """Plain-text descriptions joined until ``size`` characters, with 1–2 of ``extras`` among their lines."""
    lines: list[str] = []
    while sum(len(line) + 1 for line in lines) < size:
        lines.extend(rng.choice(pieces).splitlines())
    out: list[str] = []
    total = 0
    for line in lines:
        if total + len(line) + 1 > size and out:
            break
        out.append(line)
        total += len(line) + 1
    for extra in rng.sample(extras, rng.randint(1, 2)):
        out.insert(rng.randrange(len(out) + 1), extra)
    return "\n".join(out)


class Inputs:
    """Everything the check feeds the rules, and the timing sets."""

    def __init__(self) -> None:
        rng = random.Random(7)
        payloads = _payloads()
        records = [r for p in payloads for r in _records(p)]
        self.raw_strings = sorted({s for p in payloads for s in _strings(p)})
        html = [str(r[key]) for r in records for key in DESCRIPTION_KEYS if isinstance(r.get(key), str) and r[key]]
        self.html = sorted(set(html))
        plain = [t for t in (text.html_to_text(h) for h in self.html) if t]
        self.plain = sorted(set(plain))
        self.snippets = _snippets()
        self.test_strings = sorted(set(_test_strings()))
        self.triplets: list[tuple[str | None, list[str] | None, str | None]] = []
        for r in records:
            title = next((str(r[k]) for k in TITLE_KEYS if isinstance(r.get(k), str)), None)
            tags = next(([str(t) for t in r[k] if isinstance(t, str)] for k in TAG_KEYS if isinstance(r.get(k), list)),
                        None)
            description = next((text.html_to_text(str(r[k])) for k in DESCRIPTION_KEYS if r.get(k)), None)
            self.triplets.append((title, tags, description))
        self.titles = sorted({t for t, _, _ in self.triplets if t} | {s for s in self.test_strings if len(s) < 160})
        self.lines = sorted({line.strip() for t in self.plain + self.snippets for line in t.splitlines()} - {""})
        cues = _salary_cues() + _employment_cues()
        # timing sets: 2.5 and 5 KB descriptions, clean and dirty text and HTML
        self.desc_5k = [_joined(plain, self.snippets, 5000, rng) for _ in range(60)]
        self.desc_2k5 = [_joined(plain, self.snippets, 2500, rng) for _ in range(60)]
        self.titles_for_timing = [rng.choice(self.titles) for _ in range(60)]
        self.dirty_text_5k = [_mojibake(_typographic(t)) if i % 2 else _partly_broken(_typographic(t), rng)
                              for i, t in enumerate(self.desc_5k[:30])]
        html_5k = [_joined_html(self.html, 5000, rng) for _ in range(30)]
        self.clean_html_5k = [_typographic(h) for h in html_5k]
        self.dirty_html_5k = [_mojibake(h) if i % 2 else _partly_broken(h, rng)
                              for i, h in enumerate(self.clean_html_5k)]
        # check corpus
        long_texts = [_joined(plain, self.snippets + cues, size, rng) for size in (800, 2500, 5000, 8000)
                      for _ in range(40)]
        self.texts = sorted(set(self.plain + self.snippets + self.test_strings + self.lines + cues + long_texts
                                + self.desc_5k + self.desc_2k5 + [t.upper() for t in self.plain + cues]
                                + [t.lower() for t in self.plain + cues]))
        dirty_sources = self.raw_strings + self.test_strings + self.plain[:80] + cues
        dirty = [d for s in dirty_sources if len(s) > 3 for d in _dirty_forms(s, rng)]
        self.repair = sorted(set(self.raw_strings + self.test_strings + self.texts[:2000] + dirty
                                 + self.dirty_text_5k + self.clean_html_5k + self.dirty_html_5k))


def _joined_html(pieces: list[str], size: int, rng: random.Random) -> str:
    out = ""
    while len(out) < size:
        out += rng.choice(pieces)
    return out


def _salary_cues() -> list[str]:
    markers = [*salary._SYMBOLS, *salary._WORDS, *sorted(currencies.fx_codes())[:60], "ZAR", "R", "XAU", "BTC", "usd",
               "Eur", "chf", "PLN", "zł", "Kč", "lakhs", "万"]
    templates = ("Salary: {m} 50,000 - 60,000", "{m}90k–{m}120k per year", "Pay: 45 {m}/hr", "up to {m}200k",
                 "Compensation {m}120.000 brutto", "{m} 18 LPA", "Budget of {m}5,000 for learning",
                 "Base salary range is {m}80 - 100K plus bonus", "{m}1,2 mln", "Ab 4.500 {m} monatlich")
    return [t.format(m=m) for m in markers for t in templates]


def _employment_cues() -> list[str]:
    terms = [*employment._TERM_WORDS, "Full-Time", "FULL_TIME", "Vollzeit", "Teilzeit", "Werkstudent", "Praktikum",
             "Festanstellung", "befristet", "unbefristet", "contract-to-hire", "temp-to-perm", "1099", "W2",
             "inside IR35", "maternity cover", "CDI", "CDD", "stage", "Minijob", "450€-Basis"]
    templates = ("This is a {t} position.", "Employment type: {t}", "Job Types: {t}, Permanent", "{t}",
                 "{t}, remote", "We are looking for a {t} Data Engineer", "on a {t} basis", "Anstellungsart: {t}",
                 "Wir suchen einen {t} (m/w/d)", "in {t}", "the option of a {t} contract", "{t} employees enjoy",
                 "Type\n{t}", "Salary: $50k | {t} | Remote")
    return [t.format(t=term) for term in terms for t in templates]


# --- baseline ----------------------------------------------------------------------------------------------------


def _baseline(revision: str) -> dict[str, ModuleType] | None:
    modules: dict[str, ModuleType] = {}
    for name, module in MODULES.items():
        path = Path(module.__file__ or "")
        relative = path.relative_to(REPO).as_posix()
        try:
            source = subprocess.run(["git", "show", f"{revision}:{relative}"], cwd=REPO, check=True,
                                    capture_output=True, text=True).stdout
        except (OSError, subprocess.CalledProcessError):
            return None
        spec = importlib.util.spec_from_loader(f"_baseline_{name}", loader=None, origin=str(path))
        assert spec is not None
        baseline = importlib.util.module_from_spec(spec)
        baseline.__file__ = str(path)  # the rules' data files are found next to it
        sys.modules[spec.name] = baseline  # dataclasses look their module up
        exec(compile(source, str(path), "exec"), baseline.__dict__)  # noqa: S102 (the committed module itself)
        modules[name] = baseline
    return modules


# --- outputs and timings -----------------------------------------------------------------------------------------


def outputs(modules: dict[str, ModuleType], inputs: Inputs, only: set[str] | None = None) -> dict[str, dict[str, str]]:
    """rule → {repr of the arguments: repr of the result}."""
    salary_in_text = modules["salary"].salary_in_text
    in_text = modules["classify"].employment_type_in_text
    fix_text, html_to_text = modules["text"].fix_text, modules["text"].html_to_text

    def show(value: Any) -> str:
        return repr(value if value is None or isinstance(value, str) else tuple(vars(value).values()))

    def run(rule: Callable[..., Any], calls: list[tuple[Any, ...]]) -> dict[str, str]:
        return {repr(args): show(rule(*args)) for args in calls}

    short = [t for t in inputs.titles + inputs.lines if len(t) <= 200]
    rules: dict[str, Callable[[], dict[str, str]]] = {
        "salary_in_text": lambda: run(salary_in_text, [(None,), ("",), *((t,) for t in inputs.texts)]),
        "employment_type_in_text": lambda: run(in_text, [
            *inputs.triplets, *((None, None, t) for t in inputs.texts), *((t, None, None) for t in short),
            *((None, [t], None) for t in short if len(t) <= 60), (None, None, None), ("", [], ""),
        ]),
        "fix_text": lambda: run(fix_text, [(None,), ("",), *((s,) for s in inputs.repair)]),
        "html_to_text": lambda: run(html_to_text, [(None,), ("",), *((s,) for s in inputs.repair)]),
    }
    return {name: rule() for name, rule in rules.items() if not only or name in only}


def _cases(modules: dict[str, ModuleType], inputs: Inputs) -> dict[str, tuple[Callable[[Any], Any], list[Any]]]:
    salary_in_text = modules["salary"].salary_in_text
    in_text = modules["classify"].employment_type_in_text
    fix_text, html_to_text = modules["text"].fix_text, modules["text"].html_to_text
    titled_5k = list(zip(inputs.titles_for_timing, inputs.desc_5k, strict=True))
    titled_2k5 = list(zip(inputs.titles_for_timing, inputs.desc_2k5, strict=True))
    return {
        "salary_in_text, 5 KB description": (salary_in_text, inputs.desc_5k),
        "salary_in_text, 2.5 KB description": (salary_in_text, inputs.desc_2k5),
        "salary_in_text, labelled snippet": (salary_in_text, inputs.snippets),
        "employment_type_in_text, 5 KB": (lambda tt: in_text(tt[0], None, tt[1]), titled_5k),
        "employment_type_in_text, 2.5 KB": (lambda tt: in_text(tt[0], None, tt[1]), titled_2k5),
        "fix_text, clean 5 KB text": (fix_text, inputs.desc_5k[:30]),
        "fix_text, dirty 5 KB text": (fix_text, inputs.dirty_text_5k),
        "fix_text, dirty 5 KB HTML": (fix_text, inputs.dirty_html_5k),
        "html_to_text, clean 5 KB HTML": (html_to_text, inputs.clean_html_5k),
        "html_to_text, dirty 5 KB HTML": (html_to_text, inputs.dirty_html_5k),
    }


def _timings(variants: list[dict[str, ModuleType]], inputs: Inputs, repeat: int, only: str | None) -> list[dict[str, float]]:
    """µs per call of each case for each variant: the best of ``repeat`` rounds of CPU time, the variants taking
    turns in each round so that both see the same load on a shared machine."""
    cases = [_cases(modules, inputs) for modules in variants]
    result: list[dict[str, float]] = [{} for _ in variants]
    for name in cases[0]:
        if only and only not in name:
            continue
        best = [float("inf")] * len(variants)
        for rule, values in (case[name] for case in cases):
            for value in values[:3]:
                rule(value)  # warm caches (compiled patterns, tables)
        for _ in range(repeat):
            for i, case in enumerate(cases):
                rule, values = case[name]
                gc.collect()
                started = time.process_time()
                for value in values:
                    rule(value)
                best[i] = min(best[i], (time.process_time() - started) / len(values))
        for i in range(len(variants)):
            result[i][name] = best[i] * 1e6
    return result


def _check_fold_case() -> int:
    """``text.fold_case`` keeps every character one character with its class (word, digit, space, line break), and
    maps a character to a letter of the rules' words exactly when ``re.IGNORECASE`` matches the two."""
    import re

    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    folded = text.fold_case(everything)
    problems = 0 if len(folded) == len(everything) else 1
    for cls in (r"\w", r"\d", r"\s"):
        rx = re.compile(cls)
        problems += sum(bool(rx.match(a)) != bool(rx.match(b)) for a, b in zip(everything, folded, strict=False))
    problems += len(everything.splitlines()) != len(folded.splitlines())
    words = [*salary_text._hint_words(), "k", "lpa", "lakhs", "lacs", "crores", "gehalt", "vergütung", "fr.",
             *(w for _, needs, _ in employment._RULES_WITH_NEEDS for group in needs for w in group)]
    by_letter: dict[str, set[str]] = {}
    for a, b in zip(everything, folded, strict=False):
        by_letter.setdefault(b, set()).add(a)
    for letter in sorted({char for word in words for char in word}):
        matched = set(re.findall("(?i)" + re.escape(letter), everything))
        if matched != by_letter.get(letter, set()):
            print(f"fold_case: {letter!r} differs from re.IGNORECASE on {sorted(matched ^ by_letter[letter])}")
            problems += 1
    print(f"{'fold_case':<26}{len(everything):>8} characters  {'as re.IGNORECASE' if not problems else 'DIFFERS'}")
    return problems


def _compare(expected: dict[str, dict[str, str]], got: dict[str, dict[str, str]]) -> int:
    differences = 0
    for rule, values in got.items():
        if rule not in expected:
            continue
        common = [args for args in values if args in expected[rule]]
        mismatched = [args for args in common if values[args] != expected[rule][args]]
        differences += len(mismatched)
        print(f"{rule:<26}{len(common):>8} inputs compared  "
              f"{'identical' if not mismatched else f'{len(mismatched)} differ'}")
        for args in mismatched[:5]:
            print(f"    {args[:150]}\n      expected {expected[rule][args][:150]}\n      got      {values[args][:150]}")
    return differences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare every output with the baseline's")
    parser.add_argument("--record", type=Path, help="write this tree's outputs to a JSON file")
    parser.add_argument("--compare", type=Path, help="compare this tree's outputs with a recorded JSON file")
    parser.add_argument("--baseline", default="HEAD", help="git revision to compare with (default HEAD)")
    parser.add_argument("--only", nargs="*", help="only these rules (salary_in_text, employment_type_in_text, "
                        "fix_text, html_to_text)")
    parser.add_argument("--case", help="time only the cases whose name contains this")
    parser.add_argument("--repeat", type=int, default=5, help="timing rounds; the best is reported")
    args = parser.parse_args()
    inputs = Inputs()
    if args.record or args.compare or args.check:
        only = set(args.only or ())
        got = outputs(MODULES, inputs, only)
        if args.record:
            args.record.write_text(json.dumps(got), encoding="utf-8")
            print(f"{sum(map(len, got.values()))} outputs written to {args.record}")
        differences = _check_fold_case() if args.check else 0
        if args.compare:
            differences += _compare(json.loads(args.compare.read_text(encoding="utf-8")), got)
        if args.check:
            baseline = _baseline(args.baseline)
            if baseline is None:
                sys.exit(f"cannot read the modules at {args.baseline} with git")
            differences += _compare(outputs(baseline, inputs, only), got)
        sys.exit(1 if differences else 0)
    baseline = _baseline(args.baseline)
    variants = [MODULES, baseline] if baseline else [MODULES]
    timings = _timings(variants, inputs, args.repeat, args.case)
    now, before = timings[0], timings[1] if baseline else {}
    print(f"{'µs per call (best of ' + str(args.repeat) + ')':<40}{args.baseline:>12}{'this tree':>12}{'speed-up':>10}")
    for name, micros in now.items():
        old = before.get(name)
        print(f"{name:<40}{old if old is not None else float('nan'):>12.0f}{micros:>12.0f}"
              f"{(old / micros if old else float('nan')):>9.1f}×")


if __name__ == "__main__":
    main()
