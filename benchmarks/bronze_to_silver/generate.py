"""N realistic bronze records for one day, mixing the six raw API shapes, written as the scrape stage writes them.

Templates are the real recorded records (tests/fixtures/recorded, the bundled demo recordings); each generated
record is a template with its id, title, company, location, salary, skills, HTML description and dates varied from
pools. About 1 % of the lines are bad (truncated JSON, missing id, empty title, a date in the future, an absurd
salary, a record that is not an object) and about 2 % repeat an earlier id with another date (within-source
duplicates). One source per shape, one ``part-00000.jsonl.gz`` per source, each line the ingest envelope.
"""

from __future__ import annotations

import gzip
import json
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RECORDED = REPO / "tests" / "fixtures" / "recorded"
BUNDLED = REPO / "src" / "job_analytics" / "ingest" / "sources" / "recordings"

SHAPES = {  # shape: (share of records, files, key of the record list)
    "jsearch": (0.25, sorted(RECORDED.glob("jsearch/*.json")), "data"),
    "remotive": (0.20, [BUNDLED / "remotive/api/remote-jobs.json"], "jobs"),
    "arbeitnow": (0.15, sorted(BUNDLED.glob("arbeitnow/api/*.json")), "data"),
    "remoteok": (0.10, [RECORDED / "remoteok/api.json"], None),
    "greenhouse": (0.15, sorted(RECORDED.glob("greenhouse/**/*.json")), "jobs"),
    "lever": (0.15, sorted(RECORDED.glob("lever/**/*.json")), None),
}
TITLES = [
    "Data Engineer", "Senior Data Engineer", "Staff Data Engineer", "Junior Data Analyst", "Analytics Engineer",
    "Machine Learning Engineer", "Senior Backend Engineer (Python)", "Data Scientist", "Lead Data Engineer",
    "Platform Engineer, Data", "<b>Senior</b> Analytics Engineer", "BI Developer (m/w/d)",
    "Software Engineer &amp; Data", "Head of Data", "DevOps Engineer (AWS)", "Frontend Developer (React)",
    "Product Manager, Data Platform", "Werkstudent Data Engineering (w/m/d)", "Principal ML Engineer",
    "Data Engineer II", "Database Administrator", "Site Reliability Engineer", "Intern, Data Science",
]
COMPANIES = [f"{a} {b}" for a in ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Nordlicht",
                                  "Fjordlake", "Vandelay", "Soylent", "Tyrell", "Cyberdyne", "Wonka", "Aperture")
             for b in ("Inc.", "GmbH", "Ltd", "Analytics", "Labs", "AG", "LLC", "")]
LOCATIONS = [
    "Berlin, Germany", "Munich", "Hamburg, DE", "New York, NY", "San Francisco, CA, United States", "London, UK",
    "Remote - US", "Worldwide", "Remote (Europe)", "Paris, France", "Amsterdam, Netherlands", "Toronto, Canada",
    "Austin, Texas", "Remote", "Zürich, Switzerland", "Wien, Österreich", "Madrid, Spain", "USA only", "Anywhere",
    "Bengaluru, India", "Sydney, Australia", "Lisbon, Portugal", "Warsaw, Poland", "Dublin, Ireland",
]
SALARY_TEXTS = [
    "$120k - $150k", "€60.000 - €80.000", "£55,000 - £70,000 per year", "$45 - $60 / hour", "80-100k EUR",
    "Competitive", "", "$9,000/month", "CHF 110'000 – 130'000", "₹18,00,000 - ₹25,00,000", "up to $200k",
    "60000 EUR", "$1,000,000,000,000",
]
SKILLS = ["python", "sql", "spark", "airflow", "dbt", "kafka", "aws", "gcp", "azure", "docker", "kubernetes",
          "snowflake", "terraform", "java", "scala", "go", "react", "typescript", "pandas", "tableau", "looker"]
PARAGRAPHS = [
    "<p>We are building the data platform behind our products and need help.</p>",
    "<h3>What you'll do</h3><ul><li>Build batch &amp; streaming pipelines</li><li>Own data models</li></ul>",
    "<p>Our stack: {skills}. You will work closely with analysts and product teams.</p>",
    "<h3>Requirements</h3><ul><li>3+ years with {skill}</li><li>Strong SQL</li><li>Good communication</li></ul>",
    "<p>Benefits: 30 days of vacation, remote budget, learning stipend &amp; a team offsite every year.</p>",
    "<div><p>Wir bieten ein motiviertes Team, flexible Arbeitszeiten und moderne Technologien.</p></div>",
    "<p>Salary range: {salary}. Equity on top.</p>",
]


def _templates(files: list[Path], key: str | None) -> list[dict]:
    out = []
    for path in files:
        payload = json.loads(path.read_text())
        records = payload.get(key) if key else payload
        out.extend(r for r in records if isinstance(r, dict) and len(r) > 3)
    return out


def _description(rng: random.Random) -> str:
    skills = rng.sample(SKILLS, rng.randint(1, 5))
    paragraphs = rng.sample(PARAGRAPHS, rng.randint(2, len(PARAGRAPHS)))
    return "".join(p.format(skills=", ".join(skills), skill=skills[0], salary=rng.choice(SALARY_TEXTS))
                   for p in paragraphs)


def _vary(shape: str, template: dict, n: int, rng: random.Random, posted: datetime) -> dict:
    r = dict(template)
    title, company, location = rng.choice(TITLES), rng.choice(COMPANIES).strip(), rng.choice(LOCATIONS)
    description, tags = _description(rng), rng.sample(SKILLS, rng.randint(0, 6))
    low = rng.choice([30, 45, 60, 80, 100, 120, 150]) * 1000
    if shape == "jsearch":
        r.update(job_id=f"js{n:09d}", job_title=title, employer_name=company, job_description=description,
                 job_location=location, job_city=location.split(",")[0], job_required_skills=tags or None,
                 job_min_salary=low if rng.random() < 0.5 else None, job_max_salary=low * 1.25,
                 job_salary_period=rng.choice(["YEAR", "MONTH", "HOUR", None]),
                 job_posted_at_datetime_utc=posted.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                 job_posted_at_timestamp=int(posted.timestamp()))
    elif shape == "remotive":
        r.update(id=n, title=title, company_name=company, candidate_required_location=location, tags=tags,
                 salary=rng.choice(SALARY_TEXTS), description=description,
                 publication_date=posted.strftime("%Y-%m-%dT%H:%M:%S"))
    elif shape == "arbeitnow":
        r.update(slug=f"{title.lower().replace(' ', '-')[:30]}-{n}", title=title, company_name=company,
                 location=location, tags=tags, description=description, created_at=int(posted.timestamp()))
    elif shape == "remoteok":
        r.update(id=str(n), position=title, company=company, location=location, tags=tags, description=description,
                 salary_min=low if rng.random() < 0.6 else 0, salary_max=low + 20000,
                 date=posted.isoformat(), epoch=int(posted.timestamp()))
    elif shape == "greenhouse":
        r.update(id=n, title=title, company_name=company, location={"name": location},
                 content=description.replace("<", "&lt;").replace(">", "&gt;"),
                 updated_at=posted.isoformat(), first_published=posted.isoformat())
    else:  # lever
        r.update(id=f"{n:08x}-lever", text=title, categories={**(r.get("categories") or {}), "location": location},
                 description=description, descriptionPlain=None, createdAt=int(posted.timestamp() * 1000))
        if rng.random() < 0.5:
            r["salaryRange"] = {"min": low, "max": low * 1.3, "currency": rng.choice(["USD", "EUR", "GBP"]),
                                "interval": "per-year-salary"}
    return r


def _as_recorded(shape: str, template: dict, n: int, rng: random.Random, posted: datetime) -> dict:
    """The recorded record as it was received (its long real description, its own title, company and place); only
    its id and dates are new, so each line is a distinct posting. ``rng`` is unused: the signature is ``_vary``'s."""
    r = dict(template)
    when = {"jsearch": {"job_id": f"js{n:09d}", "job_posted_at_datetime_utc": posted.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                        "job_posted_at_timestamp": int(posted.timestamp())},
            "remotive": {"id": n, "publication_date": posted.strftime("%Y-%m-%dT%H:%M:%S")},
            "arbeitnow": {"slug": f"{str(r.get('slug', 'job'))[:40]}-{n}", "created_at": int(posted.timestamp())},
            "remoteok": {"id": str(n), "date": posted.isoformat(), "epoch": int(posted.timestamp())},
            "greenhouse": {"id": n, "updated_at": posted.isoformat(), "first_published": posted.isoformat()},
            "lever": {"id": f"{n:08x}-lever", "createdAt": int(posted.timestamp() * 1000)}}[shape]
    r.update(when)
    return r


def _bad(r: dict, shape: str, rng: random.Random, line: str) -> str | dict:
    kind = rng.randrange(6)
    if kind == 0:
        return line[: len(line) // 2]  # truncated line
    id_key = {"jsearch": "job_id", "arbeitnow": "slug"}.get(shape, "id")
    title_key = {"jsearch": "job_title", "remoteok": "position", "lever": "text"}.get(shape, "title")
    if kind == 1:
        return {k: v for k, v in r.items() if k != id_key}
    if kind == 2:
        return {**r, title_key: "  "}
    if kind == 3:
        return "not an object"
    if kind == 4 and shape == "remotive":
        return {**r, "salary": "$900,000,000,000 per year"}
    return {**r, **_future(shape)}


def _future(shape: str) -> dict:
    when = datetime(2031, 1, 1, tzinfo=UTC)
    return {"jsearch": {"job_posted_at_datetime_utc": when.isoformat(), "job_posted_at_timestamp": None},
            "remotive": {"publication_date": when.isoformat()}, "arbeitnow": {"created_at": int(when.timestamp())},
            "remoteok": {"date": when.isoformat(), "epoch": None},
            "greenhouse": {"first_published": when.isoformat()},
            "lever": {"createdAt": int(when.timestamp() * 1000)}}[shape]


def generate(lake: Path, day: date, n: int, seed: int = 5, bad_share: float = 0.01, dup_share: float = 0.02,
             real: bool = False) -> dict:
    """Write ``n`` bronze lines for ``day`` under ``lake``; returns the count per source. ``real``: the recorded
    records as received (long real HTML descriptions), only ids and dates new (``_as_recorded``)."""
    vary = _as_recorded if real else _vary
    rng = random.Random(seed)
    fetched = datetime(day.year, day.month, day.day, 6, tzinfo=UTC)
    counts = {}
    for shape, (share, files, key) in SHAPES.items():
        templates = _templates(files, key)
        count = round(n * share) if shape != "lever" else n - sum(counts.values())
        partition = lake / "bronze" / f"source={shape}" / f"ingest_date={day.isoformat()}"
        partition.mkdir(parents=True, exist_ok=True)
        head = {"source": shape, "api": shape, "request_url": f"https://{shape}.example/api?page=1",
                "fetched_at": fetched.isoformat()}
        recent: list[dict] = []
        with gzip.open(partition / "part-00000.jsonl.gz", "wt", encoding="utf-8", compresslevel=1) as out:
            for i in range(count):
                posted = fetched - timedelta(minutes=rng.randrange(30 * 24 * 60))
                if recent and rng.random() < dup_share:  # the same id again, dated differently
                    record = vary(shape, rng.choice(templates), 0, rng, posted)
                    source_ids = rng.choice(recent)
                    record.update(source_ids)
                else:
                    record = vary(shape, rng.choice(templates), i, rng, posted)
                    id_key = {"jsearch": "job_id", "arbeitnow": "slug"}.get(shape, "id")
                    if len(recent) < 1000:
                        recent.append({id_key: record[id_key]})
                    elif rng.random() < 0.01:
                        recent[rng.randrange(1000)] = {id_key: record[id_key]}
                line = json.dumps({**head, "record": record}, ensure_ascii=False, separators=(",", ":"))
                if rng.random() < bad_share:
                    bad = _bad(record, shape, rng, line)
                    line = bad if isinstance(bad, str) and bad != "not an object" else json.dumps(
                        {**head, "record": bad}, ensure_ascii=False, separators=(",", ":"))
                out.write(line + "\n")
        counts[shape] = count
    return counts
