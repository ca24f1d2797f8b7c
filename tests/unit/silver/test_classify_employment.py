"""Employment type from structured fields and, where those are empty, from the title, tags and description.

Strings are as the sources send them: JSearch enums and display text, Arbeitnow ``job_types``, Lever
``commitment``, Greenhouse/Ashby/Workable/SmartRecruiters employment-type values, titles and description lines
of real postings.
"""

import pytest

from job_analytics.silver.employment import employment_type, employment_type_in_text


@pytest.mark.parametrize("raw, expected", [
    # enums
    ("FULL_TIME", "full_time"),
    ("PART_TIME", "part_time"),
    ("TEMPORARY", "temporary"),
    ("CONTRACT_TO_HIRE", "contract"),
    ("PER_DIEM", "temporary"),
    ("VOLUNTEER", None),
    ("OTHER", None),
    ("FullTime", "full_time"),
    ("PartTime", "part_time"),
    ("full-time", "full_time"),
    ("Full Time", "full_time"),
    (["FULLTIME", "PARTTIME"], "part_time"),
    # display text
    ("Part-time and Contractor", "contract"),  # the most specific of the kinds named
    ("Full-time and Part-time", "part_time"),
    ("Full-time, Temporary", "temporary"),
    ("Contract-to-hire", "contract"),
    ("Permanent contract", "full_time"),  # a kind of contract, not freelance work
    ("Fixed-term contract", "temporary"),
    ("Temporary contract", "temporary"),
    ("Full-time employment contract", "full_time"),
    ("Internship", "internship"),
    ("Co-op", "internship"),
    ("Seasonal", "temporary"),
    ("Casual", None),
    ("Trainee", None),
    # German
    ("Werkstudentin", "part_time"),
    ("working student", "part_time"),
    ("Praktikant", "internship"),
    ("Praktikantin", "internship"),
    ("Pflichtpraktikum", "internship"),
    ("Minijob", "part_time"),
    ("Mini-Job", "part_time"),
    ("Freelance", "contract"),
    ("Freiberuflich", "contract"),
    ("Freelancer", "contract"),
    ("Freie Mitarbeit", "contract"),
    ("befristet", "temporary"),
    ("befristeter Vertrag", "temporary"),
    ("unbefristeter Vertrag", "full_time"),
    ("Ausbildung", "internship"),
    ("Duales Studium", "internship"),
    ("Vollzeitstelle", "full_time"),
    ("Teilzeit (20 Std.)", "part_time"),
    ("Studentische Aushilfe", "part_time"),
    ("Aushilfe", "part_time"),
    ("Saisonaushilfe", "temporary"),
    ("Ferienjob", "temporary"),
    (["full time", "berufserfahren"], "full_time"),
    (["Werkstudent", "Berufseinsteiger"], "part_time"),
    (["berufserfahren"], None),
    # French and Polish
    ("CDI", "full_time"),
    ("CDD", "temporary"),
    ("Stage", "internship"),
    ("Alternance", "internship"),
    ("B2B", "contract"),
    ("Umowa zlecenie", "contract"),
    ("Tiempo completo", "full_time"),
    ("Medio tiempo", "part_time"),
    ("Contratista", "contract"),
    ("Prácticas", "internship"),
    ("Tempo integral", "full_time"),
    ("Estágio", "internship"),
    ("Deeltijd", "part_time"),
    # terms that are not kinds of contract
    ("International", None),
    ("Home Office", None),
    ("Remote", None),
    ([None, "Full-time"], "full_time"),
])
def test_employment_type_from_structured_values(raw, expected):
    assert employment_type(raw) == expected


@pytest.mark.parametrize("title, expected", [
    ("Werkstudent Data Analytics (m/w/d)", "part_time"),
    ("Werkstudent*in Softwareentwicklung", "part_time"),
    ("Working Student Marketing (f/m/x)", "part_time"),
    ("Data Engineer (Contract)", "contract"),
    ("Senior Data Engineer - 6 Month Contract - Remote", "contract"),
    ("Data Engineer | Contract | Outside IR35", "contract"),
    ("Data Engineer (Contract-to-Hire)", "contract"),
    ("Data Engineer (Contract/Remote)", "contract"),
    ("Contract Java Developer", "contract"),
    ("Senior Python Contractor", "contract"),
    ("Independent Contractor - Data Labeling", "contract"),
    ("Praktikum Marketing", "internship"),
    ("Pflichtpraktikum im Bereich Data Science (m/w/d)", "internship"),
    ("Praktikant*in Business Intelligence", "internship"),
    ("Data Science Intern, Summer 2025", "internship"),
    ("Software Engineering Internship", "internship"),
    ("Software Developer Co-op (Fall 2025)", "internship"),
    ("Ausbildung zum Fachinformatiker für Anwendungsentwicklung (m/w/d)", "internship"),
    ("Duales Studium Informatik (B.Sc.)", "internship"),
    ("Stage - Data Analyst (H/F)", "internship"),
    ("Part-Time Bookkeeper", "part_time"),
    ("Buchhalter (m/w/d) in Teilzeit", "part_time"),
    ("Minijob Aushilfe im Lager (m/w/d)", "part_time"),
    ("Freelance React Developer", "contract"),
    ("Freiberuflicher Data Scientist (m/w/d)", "contract"),
    ("Temporary Data Entry Clerk", "temporary"),
    ("Temp Receptionist", "temporary"),
    ("HR Business Partner (Maternity Cover, 12 months)", "temporary"),
    ("Data Analyst - Fixed Term Contract", "temporary"),
    ("Elternzeitvertretung Controller (m/w/d)", "temporary"),
    ("Interim Head of Data", "temporary"),
    ("Softwareentwickler (m/w/d) in Vollzeit", "full_time"),
    ("Full-Time Remote Customer Success Manager", "full_time"),
    ("Data Engineer - Permanent", "full_time"),
    # the word is the job's subject, or means something else
    ("Contract Manager", None),
    ("Contracts Administrator", None),
    ("Smart Contract Engineer (Solidity)", None),
    ("Senior Smart Contract Developer", None),
    ("Government Contract Specialist", None),
    ("Contract Management Lead", None),
    ("Internal Auditor", None),
    ("International Sales Manager", None),
    ("Internship Program Coordinator", None),
    ("Permanent Makeup Artist", None),
    ("Stage Manager", None),
    ("Full Stack Developer", None),
    ("Senior Data Engineer", None),
    ("Ausbildungsleiter (m/w/d)", None),
    ("Project Manager - General Contractor", None),
    ("Temperature Control Engineer", None),
    ("Freelancer Success Manager", None),
    ("Contractor Relations Manager", None),
    ("Temp Agency Coordinator", None),
    ("Internist - Internal Medicine", None),
    ("Trainee Data Science", None),
    ("Graduate Data Engineer", None),
    # more set-apart and leading forms
    ("Python Developer - Permanent - London", "full_time"),
    ("Senior Data Engineer (Perm)", "full_time"),
    ("Data Analyst (12 month FTC)", "temporary"),
    ("Executive Assistant (Temp-to-Perm)", "temporary"),
    ("Mat Leave Cover - Marketing Manager", "temporary"),
    ("Per Diem Nurse", "temporary"),
    ("Permanent Part-Time Receptionist", "part_time"),
    ("Softwareentwickler Java (Vollzeit, unbefristet)", "full_time"),
    ("Projektmanager (m/w/d) befristet auf 2 Jahre", "temporary"),
    ("Saisonaushilfe Weihnachtsgeschäft", "temporary"),
    ("Studentische Hilfskraft (HiWi) Informatik", "part_time"),
])
def test_employment_type_in_title(title, expected):
    assert employment_type_in_text(title, None, None) == expected


@pytest.mark.parametrize("tags, expected", [
    (["dev", "contract", "python"], "contract"),
    (["Full Time", "react"], "full_time"),
    (["part-time", "non tech"], "part_time"),
    (["Werkstudent"], "part_time"),
    (["internship"], "internship"),
    (["smart contracts", "solidity", "web3"], None),
    (["contract management"], None),
    (["b2b", "saas", "sales"], None),  # business-to-business, not a Polish contract
    (["internal tools"], None),
    ([], None),
    (None, None),
])
def test_employment_type_in_tags(tags, expected):
    assert employment_type_in_text(None, tags, None) == expected


@pytest.mark.parametrize("description, expected", [
    ("About the role\nThis is a full-time position based in our Berlin office.", "full_time"),
    ("This is a fully remote, full-time role.", "full_time"),
    ("The position is full-time and offers flexible hours.", "full_time"),
    ("This is a 6-month contract with the possibility of extension.", "contract"),
    ("This role is a contract position (W2) for 12 months.", "contract"),
    ("Employment type: Contract", "contract"),
    ("Location: Remote (US)\nEmployment Type: Full-time\nDepartment: Engineering", "full_time"),
    ("Job Types: Full-time, Permanent\nPay: £45,000-£55,000 per year", "full_time"),
    ("Job Type: Part-time\nExpected hours: 20 per week", "part_time"),
    ("Employment Type\nContract", "contract"),
    ("Anstellungsart: Vollzeit", "full_time"),
    ("Art der Anstellung: Teilzeit", "part_time"),
    ("Vertragsart: unbefristet", "full_time"),
    ("Wir suchen ab sofort eine:n Data Engineer (m/w/d) in Vollzeit für unser Team in Köln.", "full_time"),
    ("Wir suchen zum nächstmöglichen Zeitpunkt eine:n Werkstudent:in im Bereich Controlling.", "part_time"),
    ("Als Werkstudent (m/w/d) unterstützt du unser Data-Team mit 20 Stunden pro Woche.", "part_time"),
    ("Die Stelle ist zunächst auf 2 Jahre befristet.", "temporary"),
    ("Die Stelle ist befristet auf 12 Monate (Elternzeitvertretung).", "temporary"),
    ("Wir bieten dir eine unbefristete Festanstellung mit 30 Tagen Urlaub.", "full_time"),
    ("Die Tätigkeit erfolgt auf Minijob-Basis.", "part_time"),
    ("Full-time, permanent", "full_time"),
    ("Vollzeit | Remote", "full_time"),
    ("We are looking for a part-time bookkeeper to join our finance team.", "part_time"),
    ("We're seeking a freelance designer for a three-month project.", "contract"),
    ("We are happy to work with you on a contract basis.", "contract"),
    ("This is a contract-to-hire opportunity.", "contract"),
    ("Rate: £550/day, outside IR35.", "contract"),
    ("This internship lasts six months and starts in September.", "internship"),
    ("12 month fixed-term contract covering maternity leave.", "temporary"),
    ("Poste en CDI basé à Paris.", "full_time"),
    ("Position: Full-time", "full_time"),
    ("Employment type\nFull-time\nSeniority level\nMid-Senior level", "full_time"),  # LinkedIn's criteria list
    ("Die Stelle ist auf zwei Jahre befristet.", "temporary"),
    ("Full-Time | Remote", "full_time"),
    ("Full-time remote", "full_time"),
    ("Vollzeit oder Teilzeit (mind. 30 Std.)", "part_time"),  # open to both: the more specific
    ("Rate: $80-100/hr on a 1099 basis", "contract"),
    ("This is a temp-to-perm opportunity.", "temporary"),
    # mentions that do not say what this job is
    ("Full-time employees enjoy 30 days of paid vacation.", None),
    ("Our full-time team of 50 works across three continents.", None),
    ("Experience with contract management and vendor negotiations.", None),
    ("You will audit smart contracts written in Solidity.", None),
    ("We build contractor management software for construction firms.", None),
    ("Partner with internal stakeholders across the business.", None),
    ("All full-time employees are eligible for our 401(k) plan.", None),
    ("Benefits for full-time staff include health insurance.", None),
    ("Previous experience in a full-time role is a plus.", None),
    ("Du hast bereits Erfahrung als Werkstudent im Bereich Data gesammelt.", None),
    ("Nach dem Praktikum besteht die Möglichkeit der Übernahme in eine Festanstellung.", None),
    ("Teilzeit ist auch möglich.", None),
    ("Die Stelle ist auch in Teilzeit möglich.", None),
    ("Internship experience in data analysis is a plus.", None),
    ("This is a great opportunity to join a fast-growing team.", None),
    ("Contract length will be discussed.", None),
    ("We signed a 12-month contract with a leading retailer.", None),
    ("Our contractors and employees are treated equally.", None),
    ("This is not a contract role.", None),
    ("We hire full-time and part-time staff.", None),
    ("Interns and full-time employees alike receive mentorship.", None),
    ("Our internship program welcomes students every year.", None),
    ("This role is eligible for our full-time benefits package.", None),
    ("Draft and negotiate contracts with vendors.", None),
    ("Mit der Option auf Übernahme in ein unbefristetes Arbeitsverhältnis.", None),
    ("Regular", None),  # alone on a line, these words name nothing
    ("Stage", None),
    ("", None),
    (None, None),
])
def test_employment_type_in_description(description, expected):
    assert employment_type_in_text(None, None, description) == expected


def test_title_comes_before_tags_and_description():
    statement = "This is a full-time position."
    assert employment_type_in_text("Praktikum Marketing", ["full time"], statement) == "internship"
    assert employment_type_in_text("Marketing Manager", ["contract"], statement) == "contract"
    assert employment_type_in_text("Marketing Manager", ["react"], statement) == "full_time"


POSTING = """About Acme Analytics
Acme Analytics helps retailers understand their customers. We are a remote-first company of about 180 people.
The role
We are looking for a Senior Data Engineer to join our Data Platform team. You will build the pipelines that feed our
product and our internal analytics.{statement}
What you will do
Own our dbt project and the data models that our analysts rely on.
Partner with internal stakeholders to define data contracts and service-level objectives.
Experience with contract management systems or retail data is a bonus, not a requirement.
Benefits
Full-time employees enjoy comprehensive medical, dental and vision coverage and a 401(k) plan with a 4% match.
"""


@pytest.mark.parametrize("statement, expected", [
    (" This is a full-time position and can be based anywhere in the United States.", "full_time"),
    (" This is a 6-month contract, outside IR35.", "contract"),
    ("", None),  # every other mention of "full-time", "contract" or "internal" is about something else
])
def test_employment_type_in_a_whole_description(statement, expected):
    description = POSTING.format(statement=statement)
    assert employment_type_in_text("Senior Data Engineer", ["python", "dbt"], description) == expected
