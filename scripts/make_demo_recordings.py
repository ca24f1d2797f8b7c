"""Write the demo's recorded API pages: realistic postings plus a few deliberately bad records.

    .venv/bin/python scripts/make_demo_recordings.py [--out DIR]

Deterministic (fixed seed): running it again rewrites identical files. Output, in the layout ``ingest/sources/replay.py``
answers from: ``remotive/api/remote-jobs.json`` (one page) and ``arbeitnow/api/job-board-api.json`` + ``@page=2`` +
``@page=3`` (linked by ``links.next``), and ``README.md`` listing what the pages hold.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

SEED = 20240101
OUT = Path(__file__).resolve().parents[1] / "src" / "job_analytics" / "ingest" / "sources" / "recordings"
WINDOW_START = datetime(2023, 12, 2, tzinfo=UTC)
WINDOW_END = datetime(2024, 1, 1, 5, 0, tzinfo=UTC)
FUTURE = datetime(2099, 3, 1, 9, 0, tzinfo=UTC)  # later than any replay can be fetched
REMOTIVE_GOOD, ARBEITNOW_PER_PAGE = 130, 34

FAMILIES: dict[str, tuple[list[str], list[str]]] = {
    "data": (
        [
            "Data Engineer",
            "Data Platform Engineer",
            "Big Data Engineer",
            "ETL Developer",
            "Analytics Engineer",
        ],
        [
            "python",
            "sql",
            "spark",
            "airflow",
            "dbt",
            "aws",
            "kafka",
            "snowflake",
            "bigquery",
            "k8s",
            "terraform",
        ],
    ),
    "analytics": (
        [
            "Data Analyst",
            "BI Developer",
            "Product Analyst",
            "Business Intelligence Analyst",
            "Marketing Analyst",
        ],
        ["sql", "dbt", "looker", "tableau", "python", "excel", "power bi", "bigquery", "snowflake"],
    ),
    "ml": (
        [
            "Machine Learning Engineer",
            "Data Scientist",
            "MLOps Engineer",
            "NLP Engineer",
            "Applied Scientist",
        ],
        ["python", "pytorch", "tensorflow", "machine learning", "aws", "k8s", "spark", "mlflow", "sql"],
    ),
    "backend": (
        [
            "Backend Engineer",
            "Python Developer",
            "Software Engineer - Payments",
            "Go Developer",
            "Java Engineer",
        ],
        ["python", "go", "java", "postgres", "k8s", "docker", "aws", "kafka", "graphql", "django", "fastapi"],
    ),
    "frontend": (
        ["Frontend Developer (React)", "Full Stack Developer", "Frontend Engineer", "UI Engineer"],
        ["react", "typescript", "javascript", "css", "graphql", "node.js", "next.js"],
    ),
    "ops": (
        [
            "DevOps Engineer",
            "Site Reliability Engineer",
            "Platform Engineer",
            "Cloud Infrastructure Engineer",
        ],
        ["k8s", "kubernetes", "terraform", "aws", "gcp", "azure", "docker", "linux", "prometheus", "ci/cd"],
    ),
}
LEVELS = ["", "", "", "Senior ", "Senior ", "Junior ", "Lead ", "Staff ", "Principal "]
REMOTIVE_CATEGORY = {"data": "Data", "analytics": "Data", "ml": "Data", "backend": "Software Development",
                     "frontend": "Software Development", "ops": "DevOps / Sysadmin"}  # fmt: skip
COMPANIES = [
    "Northwind Analytics", "Lumen Labs", "Brightwave", "Kestrel Health", "Quantix", "Helio Payments", "Tessellate",
    "Cobalt Robotics", "Orbital Commerce", "Pinecrest Software", "Harbor & Finch", "Meridian Mobility", "Vantage AI",
    "Bluefield Insurance", "Sparrow Logistics", "Atlas Genomics", "Clearpath Energy", "Nimbus Cloudworks",
    "Saffron Foods", "Copperline Media", "Redwood Fintech", "Polar Security", "Tidewater Games", "Everlane Learning",
]  # fmt: skip
DE_COMPANIES = [
    "Fjord Data GmbH", "Datenwerk AG", "Spreewerk Solutions GmbH", "Isarlabs GmbH", "Rheinmetrik GmbH",
    "Elbkontor Digital GmbH", "Mainfeld Software GmbH", "Alpenblick Analytics GmbH", "Hansestadt Logistik SE",
    "Kiezkraft GmbH", "Neckarpuls Technologies GmbH", "Brandenburger Energie AG",
]  # fmt: skip
REMOTIVE_LOCATIONS = [
    "Worldwide", "Worldwide", "USA", "USA", "Europe", "Remote - US", "New York, NY", "Germany, Poland", "UK",
    "Bengaluru, Karnataka, India", "London, England, United Kingdom", "Berlin, Germany", "Canada", "USA, Canada",
    "Americas", "EMEA", "Latin America", "Spain", "Netherlands", "Australia", "India", "Munich", "San Francisco, CA",
]  # fmt: skip
ARBEITNOW_LOCATIONS = [
    "Berlin", "Berlin", "Berlin, Germany", "Munich", "München", "Hamburg", "Frankfurt am Main", "Köln", "Stuttgart",
    "Düsseldorf", "Leipzig", "Remote", "Vienna, Austria", "Zürich, Switzerland", "Karlsruhe", "Dresden",
]  # fmt: skip
SALARIES = [
    "$120k - $150k", "80-100K USD", "€55.000 – €70.000", "£45,000 per annum", "$45/hr", "Competitive",
    "$90,000 - $110,000", "USD 140,000-170,000", "€60k-€75k", "$6,000 - $8,000 / month", "CAD 95k–120k",
    "$150k+ equity", "₹25,00,000 - ₹35,00,000", "£500 - £600 per day", "DOE", "$70-85/hour", "100000",
]  # fmt: skip
JOB_TYPES = ["full_time"] * 8 + ["contract", "contract", "part_time", "freelance", "internship", "other"]
DE_JOB_TYPES = [
    ["Full Time", "Berufserfahren"], ["Full Time"], ["full time", "professional / experienced"],
    ["Full Time", "Mid-Level"], ["Full Time", "Senior"], ["Berufseinsteiger"], ["Werkstudent"], ["Praktikum"],
    ["Part Time"], ["Contract"], [],
]  # fmt: skip
DE_TAGS = ["IT", "Software Development", "Data Science", "Information Technology", "Engineering"]
BENEFITS = ["30 days of paid vacation", "a home-office budget", "equity", "a learning budget of €1,500",
            "flexible hours", "health &amp; dental insurance", "a yearly team offsite"]  # fmt: skip


def slug(text: str) -> str:
    return re.sub(
        r"[^a-z0-9]+", "-", text.lower().replace("ü", "ue").replace("ö", "oe").replace("ä", "ae")
    ).strip("-")


class Maker:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.ids: set[int] = set()

    def moment(self) -> datetime:
        span = (WINDOW_END - WINDOW_START).total_seconds()
        return WINDOW_START + timedelta(seconds=self.rng.randrange(int(span)))

    def role(self) -> tuple[str, str, list[str]]:
        family = self.rng.choice(sorted(FAMILIES))
        titles, skills = FAMILIES[family]
        title = self.rng.choice(LEVELS) + self.rng.choice(titles)
        return family, title, self.rng.sample(skills, self.rng.randint(2, 6))

    def description(self, company: str, title: str, skills: list[str], german: bool = False) -> str:
        pick = self.rng.sample
        if german:
            return (
                f"<p><strong>{company}</strong> sucht ab sofort eine:n <em>{title}</em>.</p>"
                "<h3>Deine Aufgaben</h3><ul>"
                + "".join(
                    f"<li>Du arbeitest mit {s} &amp; entwickelst unsere Plattform weiter</li>"
                    for s in skills[:3]
                )
                + "</ul><h3>Das bieten wir</h3><ul>"
                + "".join(f"<li>{b}</li>" for b in pick(BENEFITS, 2))
                + "</ul><p>Wir freuen uns auf deine Bewerbung!&nbsp;&#128640;</p>"
            )
        return (
            f"<p><strong>{company}</strong> is hiring a <em>{title}</em> to join our growing team. We&#39;re "
            "remote-first &amp; async by default.</p><h3>What you&#39;ll do</h3><ul>"
            + "".join(f"<li>Build and operate systems with {s}</li>" for s in skills[:3])
            + "<li>Work with stakeholders &lt;across&gt; product &amp; engineering</li></ul>"
            "<h3>What we&#39;re looking for</h3><ul>"
            + "".join(f"<li>{self.rng.randint(2, 7)}+ years of experience with {s}</li>" for s in skills)
            + f"</ul><p>Benefits include {' &amp; '.join(pick(BENEFITS, 2))}.<br>Caf&eacute; on us.</p>"
        )

    def remotive(self, **override: object) -> dict:
        family, title, skills = self.role()
        company = str(override.get("company_name", self.rng.choice(COMPANIES)))
        title = str(override.get("title", title))
        job_id = self.rng.randrange(1_850_000, 1_950_000)
        while job_id in self.ids:
            job_id += 1
        self.ids.add(job_id)
        category = REMOTIVE_CATEGORY[family]
        record = {
            "id": job_id,
            "url": f"https://remotive.com/remote-jobs/{slug(category)}/{slug(title)}-{job_id}",
            "title": title,
            "company_name": company,
            "company_logo": f"https://remotive.com/job/{job_id}/logo",
            "category": category,
            "tags": skills,
            "job_type": self.rng.choice(JOB_TYPES),
            "publication_date": self.moment().strftime("%Y-%m-%dT%H:%M:%S"),
            "candidate_required_location": self.rng.choice(REMOTIVE_LOCATIONS),
            "salary": self.rng.choice(SALARIES) if self.rng.random() < 0.6 else "",
            "description": self.description(company, title, skills),
        }
        record.update(override)
        return record

    def arbeitnow(self, **override: object) -> dict:
        _, title, skills = self.role()
        company = str(override.get("company_name", self.rng.choice(DE_COMPANIES)))
        title = str(override.get("title", title + self.rng.choice(["", "", " (m/w/d)", " (all genders)"])))
        german = self.rng.random() < 0.4
        job_slug = f"{slug(title)}-{slug(company)}-{self.rng.randrange(100_000, 999_999)}"
        record = {
            "slug": job_slug,
            "company_name": company,
            "title": title,
            "description": self.description(company, title, skills, german=german),
            "remote": self.rng.random() < 0.35,
            "url": f"https://www.arbeitnow.com/jobs/companies/{slug(company)}/{job_slug}",
            "tags": self.rng.sample(DE_TAGS, 1) + skills[:3],
            "job_types": self.rng.choice(DE_JOB_TYPES),
            "location": self.rng.choice(ARBEITNOW_LOCATIONS),
            "created_at": int(self.moment().timestamp()),
        }
        record.update(override)
        return record


def build(rng: random.Random) -> tuple[dict, list[dict], Counter]:
    """The remotive payload, the three arbeitnow payloads, and the count of each kind of record."""
    make, kinds = Maker(rng), Counter()
    jobs = [make.remotive() for _ in range(REMOTIVE_GOOD)]
    listed = [make.arbeitnow() for _ in range(3 * ARBEITNOW_PER_PAGE)]
    kinds["remotive_good"], kinds["arbeitnow_good"] = len(jobs), len(listed)

    # The same job (company + title + location) on both boards.
    for company, title, location in [
        ("Fjord Data GmbH", "Senior Data Engineer (m/w/d)", "Berlin, Germany"),
        ("Isarlabs GmbH", "Machine Learning Engineer", "Munich"),
    ]:
        jobs.append(make.remotive(company_name=company, title=title, candidate_required_location=location))
        listed.append(make.arbeitnow(company_name=company, title=title, location=location))
        kinds["remotive_same_job_as_arbeitnow"] += 1
        kinds["arbeitnow_same_job_as_remotive"] += 1

    # Both boards list newest first; the odd records below are then slipped in anywhere.
    jobs.sort(key=lambda job: job["publication_date"], reverse=True)
    listed.sort(key=lambda job: job["created_at"], reverse=True)
    pages = [listed[i : i + len(listed) // 3 + 1] for i in range(0, len(listed), len(listed) // 3 + 1)]

    # Remotive: bad and awkward records.
    no_id = make.remotive()
    del no_id["id"]
    oldest = jobs[-1]
    updated = dict(
        oldest, salary="€70k - €85k", description=oldest["description"] + "<p>Update: salary added.</p>"
    )
    updated["publication_date"] = (
        datetime.fromisoformat(oldest["publication_date"]) + timedelta(days=2)
    ).isoformat()
    remotive_bad = {
        "missing_id": [no_id],
        "empty_title": [make.remotive(title="")],
        "html_title": [make.remotive(title="<b>Senior</b> Data Engineer &amp; ML")],
        "script_title": [make.remotive(title="Data Analyst <script>alert(1)</script>")],
        "exact_duplicate": [dict(jobs[10]), dict(jobs[42])],
        "same_id_later_update": [updated],
        "absurd_salary": [make.remotive(salary="$999,999,999")],
        "future_date": [make.remotive(publication_date=FUTURE.strftime("%Y-%m-%dT%H:%M:%S"))],
        "bad_timestamp": [make.remotive(publication_date="20/12/2023 10:27")],
        "not_an_object": ["this job has been removed"],
    }
    for kind, records in remotive_bad.items():
        kinds[f"remotive_{kind}"] += len(records)
        for record in records:
            jobs.insert(rng.randrange(len(jobs) + 1), record)

    # Arbeitnow: bad and awkward records, spread over the pages.
    no_slug = make.arbeitnow()
    del no_slug["slug"]
    first = pages[2][-1]  # the oldest listed job is listed again, updated, on an earlier page
    moved = dict(first, created_at=first["created_at"] + 86_400, remote=not first["remote"])
    arbeitnow_bad = {
        "missing_id": (0, [no_slug]),
        "empty_title": (1, [make.arbeitnow(title="")]),
        "html_title": (1, [make.arbeitnow(title="Backend Developer &amp; DevOps <i>(m/w/d)</i>")]),
        "exact_duplicate": (1, [dict(pages[1][7])]),
        "same_id_later_update": (0, [moved]),
        "future_date": (2, [make.arbeitnow(created_at=int(FUTURE.timestamp()))]),
        "not_an_object": (2, [None]),
    }
    for kind, (page, records) in arbeitnow_bad.items():
        kinds[f"arbeitnow_{kind}"] += len(records)
        for record in records:
            pages[page].insert(rng.randrange(len(pages[page]) + 1), record)

    remotive = {
        "0-legal-notice": "Demo recording of the Remotive API shape. Live use: link back to the job URL on "
        "Remotive and name Remotive as the source; the API is rate limited, fetch at most a few times a day.",
        "job-count": len(jobs),
        "jobs": jobs,
    }
    base = "https://www.arbeitnow.com/api/job-board-api"
    payloads, start = [], 1
    for number, data in enumerate(pages, start=1):
        payloads.append({
            "data": data,
            "links": {"first": f"{base}?page=1", "last": None, "prev": f"{base}?page={number - 1}" if number > 1 else None,
                      "next": f"{base}?page={number + 1}" if number < len(pages) else None},
            "meta": {"current_page": number, "from": start, "path": base, "per_page": len(pages[0]), "to": start + len(data) - 1,
                     "terms": "Demo recording of the Arbeitnow job board API shape; live use is subject to its terms.",
                     "info": "Jobs are ordered by created_at; use ?page= to paginate."},
        })  # fmt: skip
        start += len(data)
    return remotive, payloads, kinds


def write(out: Path) -> Counter:
    remotive, arbeitnow, kinds = build(random.Random(SEED))
    files = {"remotive/api/remote-jobs.json": remotive, "arbeitnow/api/job-board-api.json": arbeitnow[0]}
    files |= {f"arbeitnow/api/job-board-api@page={n}.json": p for n, p in enumerate(arbeitnow[1:], start=2)}
    for name, payload in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    records = len(remotive["jobs"]) + sum(len(p["data"]) for p in arbeitnow)
    lines = [f"| {kind} | {n} |" for kind, n in sorted(kinds.items())]
    (out / "README.md").write_text(
        "# Demo recordings\n\nWritten by `scripts/make_demo_recordings.py` (seed "
        f"{SEED}); do not edit by hand. Served by `ingest/sources/replay.py` to the `demo` source.\n\n"
        f"{records} raw records in {len(files)} pages, published 2023-12-02 … 2024-01-01T05:00Z "
        "(one per board deliberately in the future). Besides well-formed postings they hold, on purpose:\n\n| kind | records |\n| --- | --- |\n"
        + "\n".join(lines) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    kinds["total_records"] = records
    return kinds


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    for kind, count in sorted(write(parser.parse_args().out).items()):
        print(f"{kind:42} {count}")
