"""Postings → employment type (``full_time`` | ``part_time`` | ``contract`` | ``internship`` | ``temporary``).

It comes from a source's structured field (``employment_type``) or, where that is empty, from what the title, tags
or description state (``employment_type_in_text``); the vocabulary is below, in English, German, French and Polish.
"""

from __future__ import annotations

import re

from job_analytics.silver.text import fold_case

#: The terms sources use for a kind of contract, in English and German, and the display text JSearch localizes
#: (French, Spanish, Portuguese, Italian, Dutch, Polish, Scandinavian). When a posting names several
#: kinds ("Vollzeit, Befristet", "FULLTIME, CONTRACTOR", "Part-time and Contractor", "Vollzeit oder Teilzeit"), the
#: most specific wins: the order of this table (internship, contract, temporary, part-time, full-time), so a
#: fixed-term full-time job is temporary and a job open to both full and part time counts as part-time.
#: Decisions: an apprenticeship ("Ausbildung", "Azubi", "duales Studium", "alternance") is a training contract and
#: counts as internship; "Werkstudent", "working student", "Minijob" and "Aushilfe" (a helper's job, mostly a
#: Minijob; "Saisonaushilfe", "Ferienjob" are temporary) are part-time; "Festanstellung", "unbefristet" and
#: "permanent" are full-time; "per diem" (engaged day by day) is temporary.
#: Terms that say nothing about the contract map to nothing: "Berufserfahren", "other", "volunteer", "casual",
#: "trainee" (a graduate programme that is an ordinary employment in one country and a training in another).
#: German compounds count: "Pflichtpraktikum", "Vollzeitstelle", "Werkstudententätigkeit".
_EMPLOYMENT_TERMS: tuple[tuple[str, str], ...] = tuple((label, "|".join(terms)) for label, terms in (
    ("internship", (
        r"intern(?:s|ship|ships)?", r"\w*praktikum\w*", r"\w*praktikant\w*", r"praxissemester",
        r"apprentice(?:s|ship|ships)?", r"ausbildung\w*", r"azubi\w*", r"auszubildende[rn]?", r"duales\s+studium",
        r"dual(?:e[rs]?)?\s+student\w*", r"stage", r"stagiaire", r"alternance", r"alternant(?:e)?", r"co-?op",
        r"pr[áa]cticas", r"pasant[íi]a", r"becari[oa]", r"est[áa]gio", r"estagi[áa]ri[oa]", r"tirocinio", r"stagista",
    )),
    ("contract", (
        r"contract(?:s|or|ors)?(?:[- _]to[- _](?:hire|perm\w*))?", r"c2h", r"freelance(?:r|rs)?", r"freelancing",
        r"freiberuf\w*", r"freie[rn]?\s+mitarbeit\w*", r"honorarbasis", r"self[- _]?employed", r"c2c",
        r"corp[- ]to[- ]corp", r"1099", r"b2b", r"ir35", r"umowa\s+(?:zlecenie|o\s+dzie[łl]o)", r"contratista",
        r"aut[óo]nomo", r"zzp", r"zelfstandige",
    )),
    ("temporary", (
        r"temporary", r"temp", r"fixed[- _]?term", r"befristet(?:e[rnms]?)?", r"seasonal", r"interim",
        r"int[ée]rim", r"cdd", r"(?:saison|ferien|urlaubs|weihnachts|sommer)aushilf\w*", r"ferienjob\w*",
        r"per[- _]?diem", r"(?:elternzeit|mutterschutz|krankheits)vertretung",
        r"(?:mat(?:ernity)?|paternity|parental)\s+(?:leave\s+)?cover", r"temporal", r"tempor[áa]rio",
        r"temporaneo", r"tijdelijk", r"vikariat",
    )),
    ("part_time", (
        r"part[- _]?time", r"teilzeit\w*", r"werkstudent\w*", r"werkstudierende[rn]?", r"working\s+student",
        r"minijob\w*", r"mini[- ]job", r"aushilf\w*", r"geringf[üu]gig\w*",
        r"\d{3}[- ]?(?:€|euro|eur)[- ]?(?:job|basis)", r"half[- _]?time", r"halbtags\w*", r"hiwi", r"studentische[rn]?\s+(?:hilfskraft|mitarbeit\w*)",
        r"temps\s+partiel", r"mi-temps", r"p[óo][łl]\s+etatu", r"cz[ęe][śs][ćc]\s+etatu", r"medio\s+tiempo",
        r"tiempo\s+parcial", r"(?:media|jornada)\s+(?:jornada|parcial)", r"meio\s+per[íi]odo", r"tempo\s+parcial",
        r"tempo\s+parziale", r"deeltijds?", r"deltid",
    )),
    ("full_time", (
        r"full[- _]?time", r"vollzeit\w*", r"festanstellung", r"festangestellt\w*", r"unbefristet(?:e[rnms]?)?",
        r"permanent", r"regular", r"cdi", r"temps\s+(?:plein|complet)", r"pe[łl]e?ny\s+etat", r"pe[łl]en\s+etat",
        r"tiempo\s+completo", r"jornada\s+completa", r"tempo\s+(?:integral|pieno)", r"voltijds?", r"heltid",
    )),
))
_EMPLOYMENT_LABELS = tuple(label for label, _ in _EMPLOYMENT_TERMS)
_WORD_START, _WORD_END = r"(?<![^\W_])", r"(?![^\W_])"  # "_" may join: "FULL_TIME", "CONTRACT_TO_HIRE"
_EMPLOYMENT = tuple(
    (label, re.compile(rf"{_WORD_START}(?:{rx}){_WORD_END}", re.IGNORECASE)) for label, rx in _EMPLOYMENT_TERMS
)
_ANY_TERM = "|".join(rx for _, rx in _EMPLOYMENT_TERMS)
# "contract" qualified by what kind of contract it is names that kind, not freelance work; an employment contract
# names none.
_QUALIFIED_CONTRACT = (
    (re.compile(r"(?<!\w)(?:permanent|unlimited|open[- ]ended|indefinite|unbefristete[rnms]?)\s+(?:employment\s+)?"
                r"(?:contract|vertrag)(?!\w)", re.IGNORECASE), "permanent"),
    (re.compile(r"(?<!\w)(?:fixed[- ]?term|temporary|limited|short[- ]term|befristete[rnms]?)\s+(?:employment\s+)?"
                r"(?:contract|vertrag)(?!\w)", re.IGNORECASE), "fixed-term"),
    (re.compile(r"(?<!\w)(?:employment\s+contract|contract\s+of\s+employment)(?!\w)", re.IGNORECASE), ""),
)


def employment_type(raw: str | list[str] | None) -> str | None:
    """``full_time`` | ``part_time`` | ``contract`` | ``internship`` | ``temporary`` from a source's own terms.

    Accepts one term, a joined list of terms or a list: enums (JSearch ``FULLTIME``, ``CONTRACTOR``, Google's
    ``FULL_TIME``, Ashby ``FullTime``), display text (Lever ``Full-time``, JSearch ``Part-time and Contractor``),
    German (Arbeitnow ``Vollzeit``, ``Werkstudent``, ``Praktikum``). None when no term names a kind of contract;
    several kinds: see ``_EMPLOYMENT_TERMS``.
    """
    if raw is None:
        return None
    text = ", ".join(str(r) for r in raw if r is not None) if isinstance(raw, list) else str(raw)
    lowered = text.lower()
    if "contract" in lowered or "vertrag" in lowered:
        for pattern, replacement in _QUALIFIED_CONTRACT:
            text = pattern.sub(replacement, text)
    for label, pattern in _EMPLOYMENT:
        if pattern.search(text):
            return label
    return None


def employment_type_in_text(title: str | None, tags: list[str] | None, description: str | None) -> str | None:
    """The employment type a posting states in its title, else in its tags, else in its description (plain
    text); for postings whose structured field is empty. Same labels as ``employment_type``, or None.

    A title counts its employment words ("Werkstudent Data Analytics (m/w/d)", "Freelance React Developer") but
    "contract", "permanent" and "temp" only where they qualify the job: set apart ("Data Engineer (Contract)",
    "Data Engineer - 6 Month Contract") or leading it ("Contract Java Developer"), never in "Contract Manager" or
    "Smart Contract Engineer". A tag counts when it is wholly an employment term. A description counts only
    explicit statements: labelled fields ("Employment type: Contract", "Anstellungsart: Vollzeit"), "this is a
    full-time position", "on a contract basis", "in Vollzeit", a line such as "Full-time, permanent"; never a
    mention such as "full-time employees enjoy", "contract management", "smart contracts", and not what a job
    may become ("with the option of a permanent contract", "Übernahme in eine Festanstellung").
    """
    return _in_title(title) or _in_tags(tags) or _in_description(description)


def _most_specific(terms: list[str]) -> str | None:
    labels = {label for term in terms if (label := employment_type(term))}
    return next((label for label in _EMPLOYMENT_LABELS if label in labels), None)


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE | re.MULTILINE)


# Title words that name the employment wherever they stand.
_TITLE_WORDS = _rx(
    rf"{_WORD_START}(?:"
    r"intern(?:s|ship|ships)?(?!\s+(?:program\w*\s+)?(?:coordinator|manager|recruit\w*|lead|specialist|advisor"
    r"|mentor|supervisor|director|partner|relations))"
    r"|\w*praktikum\w*|\w*praktikant\w*|praxissemester|apprentice(?:ship)?s?|azubi\w*|auszubildende[rn]?"
    r"|ausbildung(?=\s+(?:zu[mr]|als)\b)|duales\s+studium|dual(?:e[rs]?)?\s+student\w*|stagiaire"
    r"|stage(?=\s+(?:de|d['’]|en)\b)"
    r"|alternance|alternant(?:e)?"
    r"|freelance(?:r|rs)?(?!\s+(?:success|community|relations|manag\w*|marketplace|support|operations|network))"
    r"|freelancing|freiberuf\w*|freie[rn]?\s+mitarbeit\w*|contract[- ]to[- ](?:hire|perm\w*)|c2h"
    r"|\d+\+?[- ]?(?:months?|mos?|weeks?|monate?n?)[- ]contract"
    r"|temporary|seasonal|fixed[- ]term|befristet\w*|(?:saison|ferien|urlaubs|weihnachts|sommer)aushilf\w*|interim"
    r"|(?:elternzeit|mutterschutz|krankheits)vertretung|(?:mat(?:ernity)?|paternity|parental)\s+(?:leave\s+)?cover"
    r"|temp[- ]to[- ](?:perm\w*|hire)|per[- ]diem"
    r"|part[- ]?time|teilzeit\w*|werkstudent\w*|werkstudierende[rn]?|working\s+student|minijob\w*|mini[- ]job"
    r"|\d{3}[- ]?(?:€|euro|eur)[- ]?(?:job|basis)|aushilf\w*|studentische[rn]?\s+(?:hilfskraft|mitarbeit\w*)|hiwi"
    r"|halbtags\w*|full[- ]?time|vollzeit\w*|festanstellung|festangestellt\w*|unbefristet\w*"
    rf"){_WORD_END}"
)
# Words that qualify a job only when set apart: a whole segment of the title ("(Contract, Remote)", "- Permanent").
_TITLE_SEGMENTS = re.compile(r"\s+[-–—|/·•:]\s+|[(),\[\]|;·•:/]|\s[-–—]+|[-–—]+\s")
_SEGMENT_QUALIFIER = (r"(?:\d+\+?[- ]?(?:months?|mos?|weeks?|years?)|long[- ]term|short[- ]term|w-?2|1099|remote"
                      r"|hybrid|on-?site|paid|unpaid|summer|fall|autumn|spring|winter|\d{4}|full[- ]?time"
                      r"|part[- ]?time)")
_TITLE_SEGMENT_TERM = _rx(
    rf"(?:{_SEGMENT_QUALIFIER}[\s,]+)*"
    r"(?P<kind>contract(?:or)?|c2c|permanent|perm|temp|ftc|stage|co-?op|intern(?:ship)?)"
    rf"(?:[\s,]+(?:{_SEGMENT_QUALIFIER}|position|role|basis|only|opportunity|assignment|to\s+hire|student))*"
)
_SEGMENT_KIND = {"perm": "permanent", "ftc": "fixed-term", "c2c": "contract"}
# ... or leading the title ("Contract Java Developer", "Temp Receptionist"), or ending a role ("Python
# Contractor", "Software Developer Co-op"), unless they are the job's subject ("Contract Manager",
# "Government Contractor").
_CONTRACT_SUBJECT = (r"manag\w*|specialist|analyst|administrat\w*|admin|negotiat\w*|lawyer|attorney|counsel|officer"
                     r"|coordinator|compliance|review\w*|lifecycle|drafting|pricing|estimator|associate|closer"
                     r"|professional|law|support|owner|relations|safety|agency|control|sales")
_TITLE_LEADING = _rx(rf"^\s*(?P<kind>contract(?:or)?|temp)\s+(?!(?:{_CONTRACT_SUBJECT}|and|or|&)\b)\w")
_TITLE_TRAILING = _rx(r"(?<!smart )(?<!government )(?<!federal )(?<!general )(?<!defense )(?<!defence )(?<!prime )"
                      r"(?<=\w )(?P<kind>contractor|co-?op)\s*$")


def _in_title(title: str | None) -> str | None:
    if not title:
        return None
    found = [m.group(0) for m in _TITLE_WORDS.finditer(title)]
    segments = _TITLE_SEGMENTS.split(title)
    for segment in segments:
        if m := _TITLE_SEGMENT_TERM.fullmatch(segment.strip()):
            kind = m.group("kind").lower()
            found.append(_SEGMENT_KIND.get(kind, kind))
        elif m := _TITLE_TRAILING.search(segment):
            found.append(m.group("kind"))
    if m := _TITLE_LEADING.search(segments[0]):
        found.append(m.group("kind"))
    return _most_specific(found)


# Terms that name an employment when they stand alone (a tag, a line), unlike "regular", "stage" or "b2b".
_PLAIN_TERM = (r"(?:full|part)[- _]?time|contract(?:or)?|contract[- ]to[- ]hire|freelance(?:r)?|freelancing"
               r"|intern(?:ship)?s?|temporary|seasonal|fixed[- ]term|permanent|werkstudent(?:in)?|working\s+student"
               r"|vollzeit|teilzeit|praktikum|minijob|festanstellung|befristet|unbefristet|apprenticeship"
               r"|ausbildung"
               r"|cdi|cdd")
_TAG_TERM = _rx(rf"\s*(?:{_PLAIN_TERM}|temp)\s*")


def _in_tags(tags: list[str] | None) -> str | None:
    return _most_specific([str(t) for t in tags or [] if t is not None and _TAG_TERM.fullmatch(str(t))])


# Explicit statements in a description. Each has a group ``kind`` that ``employment_type`` reads.
_KIND = (r"full[- ]?time|part[- ]?time|temporary|temp|fixed[- ]term|seasonal|freelance"
         r"|contract(?:or)?(?:[- ]to[- ](?:hire|perm(?:anent)?))?|internship|intern|permanent")
_QUALS = (r"(?:(?:(?:fully\s+|100\s?%\s+)?remote|hybrid|on-?site|in-?office|office-based|long[- ]term|short[- ]term"
          r"|\d+(?:[.,]\d+)?\+?[- ]?(?:months?|weeks?|years?|hours?|hrs?)(?:[- ](?:per|a)[- ]week)?|permanent|paid"
          r"|unpaid|salaried|hourly|exempt|non-exempt|w-?2|1099|summer|winter|spring|fall|autumn|new|exciting|great"
          r"|flexible|immediate|entry[- ]level|junior|senior|temporary)[\s,/]+(?:and\s+|or\s+)?){0,4}")
_STATEMENT_END = (r"(?=\s*(?:$|[.,;:!?)(\[\]–—-]|(?:position|role|job|opportunity|vacancy|assignment|engagement"
                  r"|basis|gig|contract|employment|post|placement|and|or|for|of|with|until|through|lasting"
                  r"|starting|that|which|based|paid|working)\b))")
_ROLE_NOUN = r"(?:position|role|job|opportunity|vacancy|assignment|engagement|gig|placement|contract)"
_DE_PERSON = (r"werkstudent\w*|werkstudierende\w*|praktikant\w*|aushilfe\w*|minijobber\w*|freelancer\w*"
              r"|freie[rn]?\s+mitarbeiter\w*|teilzeitkraft|vollzeitkraft|auszubildende\w*|azubi\w*")
_DE_CONTRACT = (r"(?:stelle|vertrag|anstellung|arbeitsvertrag|arbeitsverhältnis|beschäftigung|position"
                r"|festanstellung)")
_LABELS = (
    r"employment(?:\s+type|\s+status)?|type\s+of\s+(?:employment|contract|position|role|job)|job\s+types?"
    r"|position(?:\s+types?)?|role\s+type|contract\s+type|work\s+type|job\s+status|commitment"
    r"|engagement(?:\s+type)?"
    r"|schedule|(?:working\s+|work\s+)?hours|contract|duration|type"
    r"|anstellungsart|beschäftigungsart|art\s+der\s+(?:anstellung|beschäftigung|stelle)|anstellungsverhältnis"
    r"|beschäftigungsverhältnis|arbeitsverhältnis|vertragsart|vertragsform|vertrag|arbeitszeit(?:modell)?"
    r"|stellenart|stellentyp|jobart|jobtyp|anstellung|beschäftigung|befristung|(?:stellen)?umfang"
    r"|type\s+de\s+contrat|contrat|temps\s+de\s+travail"
)
_TERM_LIST = rf"(?:{_ANY_TERM})(?:[ \t]*(?:[,/|&+·•]|and|und|or|oder|bzw\.?)[ \t]*(?:{_ANY_TERM}))*"
# Substrings (of the lower-cased text) without which a rule cannot match: most descriptions skip most rules.
_EN_KIND_WORDS = ("full-time", "full time", "fulltime", "part-time", "part time", "parttime", "temp", "fixed",
                  "seasonal", "freelance", "contract", "intern", "permanent")
_TERM_WORDS = (
    *_EN_KIND_WORDS, "regular", "vollzeit", "teilzeit", "werkstud", "working student", "praktik", "minijob", "mini-job",
    "aushilf", "ferienjob", "befrist", "festan", "freiberuf", "freie", "honorar", "praxissem", "ausbildung", "azubi",
    "auszubild", "duale", "stage", "alternan", "co-op", "coop", "apprentic", "cdi", "cdd", "interim", "intérim", "ir35",
    "b2b", "1099", "c2c", "c2h", "self-employ", "self employ", "diem", "cover", "vertretung", "etat", "umowa",
    "partiel", "plein", "half", "halbtags", "hiwi", "studentisch", "geringf", "basis", "euro",
)
# Labelled fields, matched at the start of a line or of a "|"-separated part: "Employment type: Contract",
# "Job Types: Full-time, Permanent", "Anstellungsart: Vollzeit"; or a label alone on its line, the value below it.
_VALUE_END = r"(?=[ \t]*(?:$|[.,;!()\[\]|/–—-]|\d))"
_LABELLED = _rx(rf"[ \t]*(?:[-*•][ \t]*)?(?:{_LABELS})[ \t]*[:：|–—-][ \t]*(?P<kind>{_TERM_LIST}){_VALUE_END}")
_LABEL_LINE = _rx(rf"[ \t]*(?:[-*•][ \t]*)?(?:{_LABELS})[ \t]*:?[ \t]*")
_VALUE_LINE = _rx(rf"[ \t]*(?P<kind>{_TERM_LIST}){_VALUE_END}")
_FIELD_SEPARATOR = re.compile(r"[|•·;]")
_DESCRIPTION_RULES = tuple((words, _rx(pattern)) for words, pattern in (
    # "This is a full-time position", "The role is a 6-month contract", "It is a paid internship"
    (_EN_KIND_WORDS, (
        r"\b(?:this|the)\s+(?:position|role|job|opportunity|vacancy|assignment|engagement|opening|post|placement)"
        rf"\s+is\s+(?:an?\s+|offered\s+(?:as\s+an?\s+|on\s+an?\s+)?)?{_QUALS}(?P<kind>{_KIND}){_STATEMENT_END}"
    )),
    (_EN_KIND_WORDS, rf"\b(?:this|it)\s+is\s+an?\s+{_QUALS}(?P<kind>{_KIND}){_STATEMENT_END}"),
    # "on a contract basis", "a full-time, remote position", "this contract role"
    (_EN_KIND_WORDS + ("1099", "c2c", "corp"),
     rf"\bon\s+an?\s+{_QUALS}(?P<kind>{_KIND}|1099|c2c|corp[- ]to[- ]corp|self[- ]employed)\s+basis\b"),
    (_EN_KIND_WORDS, rf"\b(?:an?|this|the|our)\s+{_QUALS}(?P<kind>{_KIND})[\s,]+{_QUALS}{_ROLE_NOUN}\b"),
    # "We are looking for a full-time Senior Data Engineer", "hiring a part-time bookkeeper"
    (_EN_KIND_WORDS + ("working student",), (
        r"\b(?:looking\s+for|seeking|hiring|searching\s+for|recruiting|in\s+search\s+of|to\s+hire)\s+"
        rf"(?:an?\s+|one\s+)?{_QUALS}(?P<kind>full[- ]?time|part[- ]?time|temporary|freelance|seasonal|intern"
        r"|internship|working\s+student)\b"
    )),
    (("internship",), (
        rf"\b(?:this|the|our)\s+{_QUALS}(?P<kind>internship)\s+"
        r"(?:is|will|lasts|runs|starts|begins|offers|position|role)\b"
    )),
    # phrases that only ever describe the employment
    (("-to-", " to "), r"(?P<kind>contract[- ]to[- ](?:hire|perm\w*)|temp[- ]to[- ](?:perm\w*|hire))\b"),
    (("ir35",), r"\b(?:inside|outside)\s+(?:of\s+)?(?P<kind>IR35)\b"),
    (("fixed",), r"\b(?P<kind>fixed[- ]term)\s+(?:contract|position|role|basis|appointment|employment)\b"),
    (("cover",), r"\b(?P<kind>(?:maternity|paternity|parental)\s+(?:leave\s+)?cover)\b"),
    # German: "in Vollzeit", "in Voll- oder Teilzeit", "auf Minijob-Basis", "befristet auf 12 Monate"
    (("zeit",), (
        r"(?<!auch )\bin\s+(?P<kind>voll-?\s*(?:(?:oder|und|bzw\.?|/)\s*)?teilzeit|vollzeit|teilzeit)"
        r"(?:\s*(?:oder|und|bzw\.?|/)\s*(?:teilzeit|vollzeit))?\b"
        r"(?!\s*(?:ist\s+|sind\s+|wäre\s+)?(?:auch\s+)?(?:möglich|denkbar|optional))"
    )),
    (("basis",), (
        r"\bauf\s+(?P<kind>(?:minijob|\d{3}[- ]?(?:€|euro)|freiberuflicher|honorar|teilzeit|vollzeit|freelance)"
        r"[- ]?basis)\b"
    )),
    (("such",), rf"\b(?:wir\s+suchen|suchen\s+wir|sucht)\b[^.\n]{{0,80}}?\b(?P<kind>{_DE_PERSON})"),
    (("als ",), rf"(?:^|[.!?]\s+)als\s+(?P<kind>{_DE_PERSON})\b"),
    (("rahmen",), r"\bim\s+rahmen\s+(?:eines|deines|ihres|des)\s+(?P<kind>\w*praktikums|praxissemesters)\b"),
    (("praktikum", "praxissem"), r"\b(?P<kind>(?:pflicht|praxis)praktikum\w*|praxissemester)\b"),
    (("befristet",), (
        r"\b(?P<kind>befristet)\s+(?:auf|für|bis)\s+"
        r"(?:\d|zunächst|ein|zwei|drei|sechs|neun|zwölf|achtzehn|vierundzwanzig)"
    )),
    (("befristet",), r"\b(?:zunächst|vorerst)\s+(?:auf\s+[^.\n]{1,25}?\s+)?(?P<kind>befristet)\b"),
    (("befristet",), (
        r"\b(?:stelle|position|anstellung|vertrag|tätigkeit|beschäftigung)\s+ist\s+(?:zunächst\s+|vorerst\s+)?"
        r"(?:auf\s+[^.\n]{1,25}?\s+)?(?P<kind>befristet|unbefristet)\b"
    )),
    (("befristete",), rf"\b(?P<kind>befristete[rns]?|unbefristete[rns]?)\s+{_DE_CONTRACT}\b"),
    (("vertretung",), r"\b(?P<kind>(?:elternzeit|mutterschutz|krankheits)vertretung)\b"),
    (("festanstellung",), r"\b(?:eine|einer|die)\s+(?:unbefristete\s+)?(?P<kind>festanstellung)\b"),
    (("en ",), r"\b(?:poste\s+)?en\s+(?P<kind>cdi|cdd|alternance|stage|intérim)\b"),
))
# Rules whose substrings above are common in other words ("such", "en ", " to "): words (of the case-folded text,
# ``fold_case``) of which the rule also needs one from each group, its kind in particular.
_DE_PERSON_STEMS = ("werkstudent", "werkstudierende", "praktikant", "aushilfe", "minijobber", "freelancer", "freie",
                    "teilzeitkraft", "vollzeitkraft", "auszubildende", "azubi")
_RULE_NEEDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "(?P<kind>contract[- ]to[- ]": (("contract", "temp"), ("hire", "perm")),
    r"\bin\s+(?P<kind>voll": (("voll", "teilzeit"),),
    r"\bauf\s+(?P<kind>": (("minijob", "€", "euro", "freiberuflicher", "honorar", "teilzeit", "vollzeit", "freelance"),),
    r"\b(?:wir\s+suchen": (("suchen", "sucht"), _DE_PERSON_STEMS),
    r"als\s+(?P<kind>": (_DE_PERSON_STEMS,),
    r"\b(?:poste\s+)?en\s+": (("cdi", "cdd", "alternance", "stage", "intérim"),),
}
_RULES_WITH_NEEDS = tuple(
    (words, next((needs for head, needs in _RULE_NEEDS.items() if head in rule.pattern), ()), rule)
    for words, rule in _DESCRIPTION_RULES
)
assert sum(bool(needs) for _, needs, _ in _RULES_WITH_NEEDS) == len(_RULE_NEEDS)
# What a job may become, was, or is not, is no statement of what it is.
_NOT_THIS_JOB = _rx(
    r"\b(?:possib\w*|potential\w*|option\w*|opportunit(?:y|ies)\s+(?:to|for)|chance|convert\w*|conversion"
    r"|transition\w*|extension|extend\w*|become|lead\s+to|path\s+to|after|previous\w*|prior|former\w*|experience\w*"
    r"|not|no|instead\s+of|unlike|rather\s+than|übernahme|übernommen|perspektive\w*|möglichkeit\w*|aussicht\w*"
    r"|nach\s+(?:dem|der|deinem|deiner|ihrem|ihrer)|erfahrung\w*|nicht|kein\w*)\b"
)
_SENTENCE_START = re.compile(r"[.!?]\s|\n")
# Whole lines that are a list of employment terms and work modes: "Full-time, permanent", "Vollzeit | Remote",
# "Full-time remote", "Vollzeit oder Teilzeit (mind. 30 Std.)".
_WORK_MODE = (r"(?:fully\s+|100\s?%\s+)?remote|hybrid|on-?site|in-?office|home\s*office|flexible|worldwide"
              r"|mobiles\s+arbeiten")
_LINE_ITEM = rf"(?:(?:{_PLAIN_TERM}|{_WORK_MODE})(?![^\W_])(?:[ \t]*\([^()\n]{{0,30}}\))?)"
_TERM_LINE = _rx(
    rf"[ \t*•-]*{_LINE_ITEM}(?:(?:[ \t]*[,|/·•&+–—][ \t]*|[ \t]+-[ \t]+|[ \t]+(?:and|und|or|oder)[ \t]+|[ \t]+)"
    rf"{_LINE_ITEM})*[ \t]*[.!]?[ \t]*"
)
_TERM_IN_LINE = _rx(rf"{_WORD_START}(?:{_PLAIN_TERM}){_WORD_END}")


def _in_description(text: str | None) -> str | None:
    if not text:
        return None
    lowered = text.lower()
    if not any(word in lowered for word in _TERM_WORDS):
        return None
    found = _labelled_fields(text)
    folded = None
    for words, needs, rule in _RULES_WITH_NEEDS:
        if not any(word in lowered for word in words):
            continue
        if needs:
            folded = folded if folded is not None else fold_case(text)
            if not all(any(word in folded for word in group) for group in needs):
                continue
        for m in rule.finditer(text):
            before = text[max(0, m.start() - 80):m.start()]
            sentence = before[s.end():] if (s := _last(_SENTENCE_START, before)) else before
            if not _NOT_THIS_JOB.search(sentence):
                found.append(m.group("kind"))
    for line in text.splitlines():
        if len(line) <= 60 and _TERM_LINE.fullmatch(line):
            found.extend(m.group(0) for m in _TERM_IN_LINE.finditer(line))
    return _most_specific(found)


def _labelled_fields(text: str) -> list[str]:
    found: list[str] = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if ":" in line or "|" in line or "-" in line or "–" in line:
            for part in _FIELD_SEPARATOR.split(line) if _FIELD_SEPARATOR.search(line) else (line,):
                if m := _LABELLED.match(part):
                    found.append(m.group("kind"))
        next_line = lines[i + 1] if i + 1 < len(lines) else ""
        if len(line) <= 40 and _LABEL_LINE.fullmatch(line) and (m := _VALUE_LINE.match(next_line)):
            found.append(m.group("kind"))
    return found


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    match = None
    for match in pattern.finditer(text):  # the last one is wanted
        pass
    return match
