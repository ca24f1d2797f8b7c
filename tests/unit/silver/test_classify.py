from pathlib import Path

import pytest
import yaml

from job_analytics.silver import classify
from job_analytics.silver.classify import extract_skills, role_family, seniority
from job_analytics.silver.employment import employment_type

RULES = Path(classify.__file__).parent / "rules"


@pytest.mark.parametrize("raw, expected", [
    # Remotive
    ("full_time", "full_time"),
    ("part_time", "part_time"),
    ("contract", "contract"),
    ("freelance", "contract"),
    ("internship", "internship"),
    ("other", None),
    # Arbeitnow (job_types joined by the mapper)
    ("Full Time, Berufserfahren", "full_time"),
    ("Part Time", "part_time"),
    ("Berufserfahren", None),
    ("Werkstudent", "part_time"),
    ("Praktikum", "internship"),
    ("Vollzeit", "full_time"),
    ("Teilzeit", "part_time"),
    ("Festanstellung", "full_time"),
    ("Befristet", "temporary"),
    ("Vollzeit, Befristet", "temporary"),  # a fixed-term full-time job is temporary
    ("Unbefristet", "full_time"),
    # JSearch
    ("FULLTIME", "full_time"),
    ("PARTTIME", "part_time"),
    ("CONTRACTOR", "contract"),
    ("INTERN", "internship"),
    (["FULLTIME", "CONTRACTOR"], "contract"),
    # Lever and others
    ("Full-time", "full_time"),
    ("Part-time", "part_time"),
    ("Full-time Employee", "full_time"),
    ("Temporary", "temporary"),
    ("Permanent", "full_time"),
    ("Internal", None),
    ("", None),
    (None, None),
    ([], None),
])
def test_employment_type(raw, expected):
    assert employment_type(raw) == expected


@pytest.mark.parametrize("title, level, family", [
    ("Senior Data Engineer", "senior", "data_engineer"),
    ("Sr. Backend Engineer", "senior", "software_engineer"),
    ("Staff Software Engineer", "principal", "software_engineer"),
    ("Principal ML Engineer", "principal", "ml_engineer"),
    ("Lead Data Scientist", "lead", "data_scientist"),
    ("Junior Frontend Developer", "junior", "software_engineer"),
    ("Software Engineer II", "mid", "software_engineer"),
    ("Software Engineer I", "junior", "software_engineer"),
    ("Mid-Senior Java Developer", "senior", "software_engineer"),
    ("Regular Python Developer", "mid", "software_engineer"),
    ("Data Analyst Intern", "intern", "data_analyst"),
    ("Werkstudent Data Analytics (m/w/d)", "intern", "data_analyst"),
    ("Engineering Manager, Data Platform", "manager", "data_engineer"),
    ("Senior Engineering Manager", "manager", "software_engineer"),
    ("Senior Product Manager", "senior", "product_manager"),
    ("Associate Product Manager", "junior", "product_manager"),
    ("Director of Engineering", "director", "other"),
    ("Head of Data", "director", "other"),
    ("VP of Engineering", "executive", "other"),
    ("CTO", "executive", "other"),
    ("Managing Director", "executive", "other"),
    ("Chief of Staff", None, "other"),
    ("Backend Developer (Go)", None, "software_engineer"),
    ("DevOps Engineer", None, "devops_sre"),
    ("Site Reliability Engineer (SRE)", None, "devops_sre"),
    ("UX/UI Designer", None, "designer"),
    ("Product Designer", None, "designer"),
    ("QA Automation Engineer", None, "qa_engineer"),
    ("Software Engineer in Test", None, "qa_engineer"),
    ("Machine Learning Engineer", None, "ml_engineer"),
    ("Data Scientist, Machine Learning", None, "data_scientist"),
    ("Analytics Engineer", None, "data_engineer"),
    ("BI Developer", None, "data_analyst"),
    ("Product Analyst", None, "data_analyst"),
    ("Security Engineer", None, "security_engineer"),
    ("Senior Softwareentwickler (m/w/d)", "senior", "software_engineer"),
    ("Business Development Manager", "manager", "other"),
    ("Internal Communications Specialist", None, "other"),
    ("Customer Support Specialist", None, "other"),
])
def test_seniority_and_role_family(title, level, family):
    assert (seniority(title), role_family(title)) == (level, family)


@pytest.mark.parametrize("title", ["", "   ", None])
def test_no_title_no_class(title):
    assert seniority(title) is None
    assert role_family(title) is None


@pytest.mark.parametrize("tags, text, expected", [
    (["go", "k8s", "postgres"], None, ["Go", "Kubernetes", "PostgreSQL"]),
    (["py", "Python3"], None, ["Python"]),
    (["golang"], None, ["Go"]),
    (["AWS Lambda", "google cloud"], None, ["AWS", "GCP"]),
    # Go is never found in Google nor in the verb
    ([], "We use Google Cloud and go-to-market tools; you will go above and beyond.", ["GCP"]),
    ([], "Experience with Go and Python. Golang preferred.", ["Go", "Python"]),
    ([], "Python, Go, Rust", ["Go", "Python", "Rust"]),
    ([], "Backend services written in Go.", ["Go"]),
    ([], "Go developers wanted", ["Go"]),
    # R and C only as a language
    ([], "Our R&D team. Microsoft(R) Office. Series C funding.", []),
    ([], "Proficiency in R, Python or SQL", ["Python", "R", "SQL"]),
    ([], "Statistics in R.", ["R", "Statistics"]),
    (["R"], None, ["R"]),
    (["r"], "Our R&D", ["R"]),
    ([], "C/C++ embedded developer; also C#", ["C", "C#", "C++"]),
    ([], "C programming and ANSI C", ["C"]),
    # word boundaries
    ([], "Node.js and Vue.js, TypeScript, JavaScript", ["JavaScript", "Node.js", "TypeScript", "Vue.js"]),
    ([], "Java 8, Java8, JavaScript", ["Java", "JavaScript"]),
    ([], "PostgreSQL, MySQL, NoSQL", ["MySQL", "PostgreSQL"]),
    ([], "ASP.NET and .NET Core; Ruby on Rails", [".NET", "Ruby on Rails"]),
    ([], "CI/CD with GitHub Actions; A/B testing", ["A/B Testing", "CI/CD", "GitHub Actions"]),
    # words that are also skills only count in their product spelling
    ([], "We excel at building React apps and react quickly", ["React"]),
    ([], "Apache Spark, PySpark; sparks joy", ["Spark"]),
    ([], "Swift and SwiftUI; SWIFT payments; swift delivery", ["Swift"]),
    ([], "REST APIs for the rest of the team", ["REST"]),
    ([], "AWS, Amazon Web Services, GCP, Azure, Docker, k8s, Terraform",
     ["AWS", "Azure", "Docker", "GCP", "Kubernetes", "Terraform"]),
    ([], "dbt, Airflow, Snowflake, BigQuery, Looker, Power BI, Tableau, Excel",
     ["Airflow", "BigQuery", "dbt", "Excel", "Looker", "Power BI", "Snowflake", "Tableau"]),
    (["machine learning"], "ML models, LLMs, NLP", ["LLM", "Machine Learning", "NLP"]),
    ([], None, []),
    ([], "", []),
])
def test_extract_skills(tags, text, expected):
    assert extract_skills(tags, text) == expected


def test_skills_taxonomy_is_all_strings_and_unique():
    entries = yaml.safe_load((RULES / "skills.yml").read_text("utf-8"))
    names = [e["name"] for e in entries]
    assert len(entries) >= 80
    assert len(set(names)) == len(names)
    for entry in entries:
        for key in ("aliases", "exact", "tags", "patterns"):
            assert all(isinstance(v, str) for v in entry.get(key, [])), entry  # YAML reads bare no/on/yes as bool
        assert isinstance(entry["name"], str), entry
