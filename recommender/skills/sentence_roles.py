"""What each sentence of a credential or a job posting does: teach, require, describe the employer, ...

A syllabus names many skills it does not teach: what a learner must already know ("familiarity with
Python is assumed"), who the course is for ("designed for experienced computer users"), who funded it,
who teaches it, why the field matters. A posting likewise names its company's products and the
benefits it offers beside what it asks of a candidate. Only some sentences say what a credential
*teaches* or what a job *needs*, so each sentence gets a role, read from its own words and from the
heading it sits under ("Prerequisites:", "What you'll learn", "About us", "We offer"):

- a credential['’]s sentences: ``outcome`` (what the learner will be able to do), ``topic`` (what the
  course covers: a syllabus unit, "topics include"), ``prerequisite``, ``audience``, ``boilerplate``
  (provider, programme, instructors, funding, marketing, links, logistics) or ``context`` (background
  that does not say what is taught). ``TEACHING`` roles teach; a prerequisite *requires*; the rest
  teaches nothing.
- a posting's sentences: ``requirement``, ``responsibility``, ``company``, ``offer``, ``logistics`` or
  ``other``; the skills of ``STATING`` sentences are the skills the posting asks for.

The rules are cue phrases and headings (no model), checked against sentences labelled blind
(docs/benchmarks.md, "Sentence roles").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .segment import Sentence

__all__ = [
    "COURSE_ROLES",
    "POSTING_ROLES",
    "REQUIRING",
    "STATING",
    "TEACHING",
    "course_roles",
    "posting_roles",
]

COURSE_ROLES = ("title", "outcome", "topic", "prerequisite", "audience", "boilerplate", "context")
TEACHING = frozenset({"title", "outcome", "topic"})
REQUIRING = frozenset({"prerequisite"})
POSTING_ROLES = ("title", "requirement", "responsibility", "company", "offer", "logistics", "other")
STATING = frozenset({"title", "requirement", "responsibility"})


def _cues(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# ---------------------------------------------------------------- credentials
_COURSE_HEADINGS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "prerequisite",
        _cues(
            r"\bprerequisites?\b",
            r"\bprior (knowledge|experience)\b",
            r"\brequirements?\b",
            r"\b(recommended|required) (background|knowledge|experience)\b",
            r"\bbefore you (start|begin|enrol)",
            r"\bwhat you (need|should know)\b",
        ),
    ),
    (
        "audience",
        _cues(r"\bwho (is this|should (take|enrol|attend))\b", r"\b(target )?audience\b", r"\bwho it['’]?s for\b"),
    ),
    (
        "outcome",
        _cues(
            r"\bwhat you(['’]ll| will) (learn|be able)",
            r"\blearning (outcomes?|objectives?)\b",
            r"\bskills (you(['’]ll| will) (gain|learn)|acquired|gained)\b",
            r"\bcourse objectives?\b",
            r"\byou will be able to\b",
        ),
    ),
    (
        "topic",
        _cues(
            r"\bsyllabus\b",
            r"\b(course )?(outline|contents?|curriculum|overview)\b",
            r"\bmodules?\b",
            r"\btopics?\b",
            r"\bagenda\b",
            r"\bschedule\b",
        ),
    ),
    (
        "boilerplate",
        _cues(
            r"\binstructors?\b",
            r"\bfaculty\b",
            r"\babout (the )?(instructor|provider|university|school)",
            r"\backnowledg",
            r"\bfunding\b",
            r"\bsponsors?\b",
            r"\bpartners?\b",
            r"\bfaq\b",
            r"\bcertificat",
            r"\bpricing\b",
            r"\benrol",
            r"\bmeet the\b",
        ),
    ),
)
# Checked in this order: the first role whose cue a sentence holds is its role.
_NO_PREREQUISITE = _cues(
    r"\bno (prior|previous|background|prerequisite|experience)",
    r"\bnot (required|necessary)\b",
    r"\bwithout (any )?(prior|previous)\b",
)
_PROGRAMME = _cues(
    r"\bpart of (a|an|the|our)\b.*\b(program|programme|micromasters|series|certificate|specialization|track)\b",
    r"\bmicromasters\b",
    r"\bprofessional certificate\b",
    r"\bxseries\b",
)
# Background about the world rather than the course ("Analytics-based marketing is increasingly important").
_BACKGROUND = _cues(
    r"^(however|despite|today|thus|therefore|historically|according to|in recent (years|decades)|over the (last|past)|"
    r"every year|nowadays|currently|as a result|unfortunately|indeed|in fact|yet)\b",
    r"\bis (key|vital|essential|critical|crucial|increasingly important|more important than ever|becoming)\b",
    r"\bis defined as\b",
    r"\b(a|one) common misconception\b",
    r"\bmain challenges\b",
)
_COURSE_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "boilerplate",
        _cues(
            r"\b(taught|led|presented|developed|created|designed|offered) by (prof|dr|the|our|[A-Z])",
            r"\bprofessor\b",
            r"\blecturer",
            r"\binstructors?\b",
            r"\bhas (held|taught|worked|served|published)\b",
            r"\bauthor of\b",
            r"\b(ph\.?d|doctorate)\b",
            r"\bfunded\b",
            r"\bfunding\b",
            r"\bfinancial support\b",
            r"\bgrants?\b",
            r"\backnowledg",
            r"\bthanks? to\b",
            r"\bsponsor",
            r"\bin (partnership|collaboration) with\b",
            r"\bverified (certificate|track)\b",
            r"\bjoin us\b",
            r"\b(first|next) (crucial |important )?step\b",
            r"\b(short|instructional|lecture) videos?\b",
            r"\bbite-sized\b",
            r"\bdiscussion (forum|board)s?\b",
            r"\bforo\b",
            r"\bpeer[- ](graded|reviewed|assessed)\b",
            r"\bpreviously,? (dr|prof)\b",
            r"\benrol",
            r"\bclick\b",
            r"\bvisit\b",
            r"https?://",
            r"www\.",
            r"\bself-paced\b",
            r"\bhours? (per|a) week\b",
            r"\baudit\b",
            r"\bfree of charge\b",
            r"\bupgrade\b",
            r"\bsyllabus\b",
            r"\bfaq\b",
            r"\bemail\b",
            r"\bhonou?r code\b",
            r"\bfastest[- ]growing\b",
            r"\bin[- ]demand\b",
            r"\b(high|growing|increasing) demand\b",
            r"\bsalar(y|ies)\b",
            r"\bcareer (opportunities|advancement|prospects)\b",
            r"\bjobs?\b.*\b(grow|demand|hiring)",
            r"\bearn (a|an|your) (certificate|credential|badge)\b",
            r"\bworld['’]?s (leading|top|best)\b",
            r"\b(ranked|renowned|world-class|award-winning)\b",
            r"\bwe (thank|are grateful)\b",
            r"\bcopyright\b",
        ),
    ),
    (
        "audience",
        _cues(
            r"\b(designed|intended|ideal|perfect|suited|suitable|aimed|geared|tailored|meant|created|written|built)"
            r" for\b",
            r"\bthis (course|program|programme|class) is (for|open to|appropriate)\b",
            r"\bwhether you(['’]re| are)\b",
            r"\bif you(['’]re| are) (a|an|already|new|interested|looking)\b",
            r"\bfor (anyone|everyone|those|people|learners|students|professionals|beginners|managers|individuals)\b",
            r"\bno (prior|previous) (experience|knowledge)\b",
        ),
    ),
    (
        "prerequisite",
        _cues(
            r"\bprerequisites?\b",
            r"\bprior (knowledge|experience|exposure)\b",
            r"\b(should|must|need to|are expected to) (already )?"
            r"(have|know|be (familiar|comfortable|proficient|able))\b",
            r"\bfamiliarity with\b",
            r"\b(assumes?|assumed|expected)\b.*\b(knowledge|familiarity|background|experience)\b",
            r"\b(knowledge|understanding|background|experience) (of|in|with)\b.*"
            r"\b(required|recommended|expected|assumed|helpful|needed)\b",
            r"\brecommended (background|that you)\b",
            r"\bbefore (taking|enrolling|starting)\b",
            r"\bcomfortable with\b",
            r"\bbasic (knowledge|understanding|familiarity) of\b",
        ),
    ),
    (
        "outcome",
        _cues(
            r"\byou(['’]ll| will)( also)?( be able to| learn| gain| develop| acquire| build| master| understand|"
            r" discover| explore| practi[cs]e| apply| get| use| create| design| analy[sz]e| write| know| work| study|"
            r" leave| find)\b",
            r"\blearn (how|to|about|the|what|why|essential|key|fundamental|basic|core|practical|advanced)\b",
            r"^learn\b",
            r"\bby the end\b",
            r"\bupon completion\b",
            r"\bafter (completing|finishing|taking) (this|the)\b",
            r"\bbe able to\b",
            r"\b(students|learners|participants|you) will\b",
            r"\bgain (an? |the )?(understanding|knowledge|skills|experience|insight|expertise|foundation|confidence)",
            r"\bskills (acquired|gained|you will)\b",
            r"\bhelp(s)? you\b",
            r"\bprepares? you\b",
            r"\bteach(es)? you\b",
            r"\bequip(s)? you\b",
            r"\bgives? you\b",
            r"^(develop|build|master|understand|discover|apply|create|design|analy[sz]e|use|gain|acquire|explore|"
            r"implement|identify|evaluate|practi[cs]e|write|manage|plan|conduct|perform|improve|get|leverage|learn|"
            r"deploy|program|code|model|measure|communicate|lead|examine|investigate|solve|assess|compare|describe|"
            r"explain|recogni[sz]e|construct|prepare|define|interpret|utili[sz]e|employ|work)\b",
        ),
    ),
    (
        "topic",
        _cues(
            r"^(week|module|unit|lesson|part|section|chapter|day|session|topic|lecture)\s*\d",
            r"\btopics? (include|covered|will include|such as|are)\b",
            r"\b(this|the|our|each) (course|program|programme|module|class|unit|lesson|week|mooc|series)\b.{0,40}\b"
            r"(covers?|explores?|introduces?|examines?|focus(es)?|provides?|teaches|presents?|addresses|discuss(es)?|"
            r"looks? at|reviews?|surveys?|includes?|"
            r"will (cover|explore|introduce|examine|focus|teach|provide|discuss|look|review))\b",
            r"\bwe(['’]ll| will)( also| then| first)? (discuss|cover|explore|examine|introduce|look|study|learn|review|"
            r"begin|consider|focus|start|delve|dive|analy[sz]e|investigate|apply|use|work|build|see|present|move)\b",
            r"\bintroduction to\b",
            r"\boverview of\b",
            r"\bfundamentals of\b",
            r"\bprinciples of\b",
            r"\b(covers?|covering|including|includes?)\b",
            r"\bfocus(es|ing)? on\b",
            r"\bdelves? into\b",
            r"\bhands-on\b",
            r"\bcase stud(y|ies)\b",
            r"\bexercises?\b",
            r"\bprojects?\b",
        ),
    ),
)
_HEADING = re.compile(r"^[^.!?]{1,60}:?$")


def _heading_role(sentence: str, text: str, end: int, headings: Sequence[tuple[str, re.Pattern[str]]]) -> str | None:
    """The role a heading announces for the sentences under it (None when ``sentence`` is no heading)."""
    words = sentence.split()
    is_heading = (
        len(words) <= 6
        and _HEADING.match(sentence)
        and (text[end : end + 1] == ":" or sentence.endswith(":") or len(words) <= 4)
    )
    if not is_heading:
        return None
    for role, pattern in headings:
        if pattern.search(sentence):
            return role
    return None


# "About us: we are ...", "Prerequisites: Python": a heading and its content on one line.
_INLINE_HEADING = re.compile(r"^([A-Z][\w &/'’-]{1,40}):\s+(?=\S)")


def _inline_heading(body: str, headings: Sequence[tuple[str, re.Pattern[str]]]) -> tuple[str | None, str]:
    """The role an inline heading announces, and the sentence without it."""
    match = _INLINE_HEADING.match(body)
    if match is None:
        return None, body
    for role, pattern in headings:
        if pattern.search(match.group(1)):
            return role, body[match.end() :]
    return None, body


def course_roles(text: str, sentences: Sequence[Sentence]) -> list[str]:
    """Each sentence's role in a credential text (see the module docstring)."""

    def heading(body: str, announced: str) -> str:
        # A heading is content when it names a unit ("Module 2: Go to market"), else it teaches nothing.
        return "topic" if announced == "topic" and re.search(r"\d", body) else "boilerplate"

    return _walk(text, sentences, _COURSE_HEADINGS, _course_role, heading)


def _walk(
    text: str,
    sentences: Sequence[Sentence],
    headings: Sequence[tuple[str, re.Pattern[str]]],
    role_of: Callable[[str, str | None], str],
    heading_role: Callable[[str, str], str],
) -> list[str]:
    """Sentence by sentence, the section a heading opens (inline "Requirements: SQL" or on its own line)
    stays in force until the next one; ``role_of(body, section)`` gives a sentence's role,
    ``heading_role(body, section)`` a heading's own."""
    roles: list[str] = []
    section: str | None = None
    for sentence in sentences:
        body = text[sentence.start : sentence.end]
        inline, rest = _inline_heading(body, headings)
        if inline is not None:
            section = inline
            roles.append(role_of(rest, section))
            continue
        announced = _heading_role(body, text, sentence.end, headings)
        if announced is not None:
            section = announced
            roles.append(heading_role(body, announced))
            continue
        roles.append(role_of(body, section))
    return roles


def _course_role(body: str, section: str | None) -> str:
    if _PROGRAMME.search(body):
        # "In this course, part of the X MicroMasters program, you will learn ...": the learning wins.
        teaching = _COURSE_CUES[-2][1].search(body) or _COURSE_CUES[-1][1].search(body)
        return "outcome" if teaching else "boilerplate"
    if _BACKGROUND.search(body) and not _COURSE_CUES[-2][1].search(body) and not _COURSE_CUES[-1][1].search(body):
        return "context"
    for role, pattern in _COURSE_CUES:
        if pattern.search(body):
            if role == "prerequisite" and _NO_PREREQUISITE.search(body):
                return "audience"
            if section in ("prerequisite", "audience", "boilerplate") and role in TEACHING:
                return section  # "Learners should know how to ..." under "Prerequisites"
            return role
    if section is not None:
        return section
    # Most sentences of a course page say what it covers (blind-labelled edX sentences: 72% outcome or
    # topic, 13% background): a sentence with no cue, in any language, is taken as a topic.
    return "topic"


# ---------------------------------------------------------------- postings
_POSTING_HEADINGS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "requirement",
        _cues(
            r"\brequirements?\b",
            r"\bqualifications?\b",
            r"\bskills\b",
            r"\bwho you are\b",
            r"\bwhat (you(['’]ll)? need|we(['’]re)? look(ing)? for)\b",
            r"\bprofile\b",
            r"\bexperience\b",
            r"\bmust have\b",
            r"\bnice to have\b",
            r"\bcompetenc",
        ),
    ),
    (
        "responsibility",
        _cues(
            r"\bresponsibilit",
            r"\bduties\b",
            r"\bwhat you(['’]ll| will) do\b",
            r"\bthe role\b",
            r"\bjob (description|summary|purpose)\b",
            r"\brole (description|summary)\b",
            r"\btasks\b",
            r"\bkey (accountabilit|activities)",
            r"\bday to day\b",
        ),
    ),
    (
        "company",
        _cues(
            r"\babout (us|the company|our company|the team)\b",
            r"\bwho we are\b",
            r"\bcompany\b",
            r"\bour (mission|story|team)\b",
        ),
    ),
    (
        "offer",
        _cues(r"\bwe offer\b", r"\bbenefits?\b", r"\bperks\b", r"\bwhat we (offer|provide)\b", r"\bcompensation\b"),
    ),
    ("logistics", _cues(r"\bhow to apply\b", r"\blocation\b", r"\bworking (hours|days)\b", r"\bjob type\b")),
)
_POSTING_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "offer",
        _cues(
            r"\b(we|you will|you'll) (offer|provide|get|receive|enjoy)\b",
            r"\bcompetitive (salary|package|pay|compensation)\b",
            r"\b(medical|health|social) insurance\b",
            r"\bpaid (leave|vacation|time off)\b",
            r"\bbonus(es)?\b",
            r"\bbenefits\b",
            r"\bcareer (growth|development|path)\b",
            r"\btraining (will be )?provided\b",
        ),
    ),
    (
        "logistics",
        _cues(
            r"\bapply\b",
            r"\bsend (your|a) (cv|resume)\b",
            r"\bequal opportunity\b",
            r"\bwork(ing)? (hours|days)\b",
            r"\b(full|part)[- ]time\b",
            r"\blocated\b",
            r"\blocation\b",
            r"\bshift",
            r"\bcontract\b",
            r"\bvisa\b",
            r"\bsalary\b",
            r"\bdeadline\b",
            r"\bhybrid\b",
            r"\bremote\b",
            r"\bonsite\b",
            r"\bon-site\b",
        ),
    ),
    (
        "company",
        _cues(
            r"\b(we are|we['’]re) (a|an|the|one|leading|looking to grow)\b",
            r"\bour (company|clients|customers|mission|vision|team|products?|platform)\b",
            r"\bfounded\b",
            r"\bheadquarter",
            r"\bleading (provider|company|firm)\b",
            r"\bis a (leading|global|fast)",
            r"\bestablished in\b",
        ),
    ),
    (
        "requirement",
        _cues(
            r"\b(\d+\+?|one|two|three|four|five|several)\s*(\+\s*)?(years?|yrs)\b",
            r"\bexperience (in|with|of)\b",
            r"\b(knowledge|understanding|proficien\w*|familiar\w*|expertise|command|mastery) (of|in|with)\b",
            r"\b(degree|bachelor['’]?s?|master['’]?s?|diploma|certification|certified)\b",
            r"\bmust (have|be)\b",
            r"\b(strong|excellent|good|solid|proven|demonstrated|hands-on)\b",
            r"\bability to\b",
            r"\bable to\b",
            r"\bskills?\b",
            r"\bfluen",
            r"\bpreferred\b",
            r"\bplus\b",
            r"\brequired\b",
            r"\bis a must\b",
        ),
    ),
    (
        "responsibility",
        _cues(
            r"^(design|develop|build|manage|lead|maintain|create|implement|coordinate|support|prepare|"
            r"ensure|monitor|analy[sz]e|work|write|test|review|handle|provide|conduct|perform|plan|"
            r"report|follow|participate|collaborate|assist|deliver|identify|communicate|train|track|"
            r"oversee|supervise|define|execute|troubleshoot|install|configure|administer|operate|"
            r"negotiate|sell|achieve|update|document|evaluate|research|investigate|respond|resolve|"
            r"drive|own|mentor|present|organi[sz]e|schedule|control|set|establish|generate|make|take)\w*\b",
            r"\byou will\b",
            r"\byou['’]ll\b",
            r"\bresponsible for\b",
            r"\bin charge of\b",
        ),
    ),
)


def posting_roles(text: str, sentences: Sequence[Sentence]) -> list[str]:
    """Each sentence's role in a job posting (see the module docstring); a heading states nothing."""
    return _walk(text, sentences, _POSTING_HEADINGS, _posting_role, lambda body, announced: "logistics")


def _posting_role(body: str, section: str | None) -> str:
    for role, pattern in _POSTING_CUES:
        if pattern.search(body):
            if section in ("requirement", "responsibility") and role in ("requirement", "responsibility"):
                return section if role != section and section == "requirement" else role
            return role
    if section is not None:
        return section
    # Postings are mostly about the job (blind-labelled Wuzzuf sentences: 93% duties or requirements): a
    # sentence with no other cue is taken as a duty, a short one as a requirement.
    return "requirement" if len(body.split()) <= 8 else "responsibility"
