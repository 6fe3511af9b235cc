"""Knowledge packs from spreadsheets: ``careerkg knowledge template`` and ``careerkg knowledge build``, run as the
installed command, and the library's :func:`careerkg.knowledge.templates.build_pack` and ``summarise``.

The bundled example (``examples/software-ladder/``) builds to exactly the committed pack, which is valid
knowledge beside the article's and reasons across both. Blank templates filled in here build to a pack with
the terms, labels, requirements and provenance written in them. Every problem in the files is reported, one
line each naming file, row and column, with exit code 1 and no output file; unreadable input gives exit code 2.
"""

from __future__ import annotations

import csv
import io
import pickle
import re
import subprocess
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from careerkg.errors import InvalidInputError, UnreadableInputError
from careerkg.knowledge.graphs import knowledge_graph
from careerkg.knowledge.templates import TEMPLATES, TemplateError, blank_templates, build_pack, summarise
from careerkg.reasoning.closure import Reasoner
from careerkg.validation.shacl import validate_knowledge
from careerkg.vocab import CK, DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

RunExe = Callable[..., "subprocess.CompletedProcess[str]"]

LADDER = Namespace("https://example.org/software-ladder#")
LADDER_ONTOLOGY = URIRef("https://example.org/software-ladder")
LADDER_SOURCE = URIRef("https://example.org/software-co/engineering-career-framework")
COACH = Namespace("https://example.org/coaching#")
COACH_ONTOLOGY = URIRef("https://example.org/coaching")
HANDBOOK = URIRef("https://example.org/coaching/handbook")
SURVEY = URIRef("https://example.org/coaching/market-survey")
PEOPLE = Namespace("https://example.org/people/")
DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")

# -- a small framework, written into the blank templates ----------------------------------------------------

SMALL: dict[str, list[dict[str, str]]] = {
    "pack.csv": [
        {
            "namespace": str(COACH),
            "prefix": "coach",
            "title": "Coaching practice framework",
            "version": "0.1.0",
            "description": "Analyst levels of a coaching practice.",
            "license": "https://creativecommons.org/licenses/by/4.0/",
            "source": str(HANDBOOK),
            "source_title": "Coaching practice handbook",
        },
    ],
    "categories.csv": [
        {"id": "CommunicationSkill", "label": "communication skill", "definition": "A skill in getting ideas across."},
    ],
    "roles.csv": [
        {
            "id": "Analyst",
            "label": "analyst",
            "label@fr": "analyste",
            "definition": "Answers questions with data.",
            "alt_labels": "data analyst|business analyst",
            "broad_match": "http://data.europa.eu/esco/isco/C2511",
        },
        {"id": "SeniorAnalyst", "label": "senior analyst", "definition": "Leads analyses end to end."},
        {"id": "AnalyticsLead", "label": "analytics lead", "definition": "Runs the analytics team."},
    ],
    "skills.csv": [
        {
            "id": "DataModelling",
            "label": "data modelling",
            "definition": "Shaping data for analysis.",
            "category": "TechnicalSkill",
        },
        {
            "id": "Storytelling",
            "label": "storytelling",
            "definition": "Explaining findings as a story.",
            "category": "CommunicationSkill",
        },
        {
            "id": "Forecasting",
            "label": "forecasting",
            "definition": "Predicting figures from trends.",
            "category": "ck:AnalyticalSkill",
        },
    ],
    "transitions.csv": [
        {
            "from": "Analyst",
            "to": "SeniorAnalyst",
            "essential": "yearsInRole>=2; skill:DataModelling",
            "optional": "any:CommunicationSkill",
            "section": "Growing as an analyst",
            "justification": "The handbook asks for two years and sound data modelling.",
        },
        {
            "from": "senior analyst",
            "to": "ck:StrategyManager",
            "essential": "skill:Forecasting; skill:ck:MarketTrendAnalysis",
            "optional": "productsManaged>=1; skill:DataModelling",
            "source": str(SURVEY),
            "source_title": "Analyst market survey",
            "section": "Leaving analytics|Strategy roles",
            "justification": "The survey found analysts who forecast well moving into strategy.",
        },
    ],
}


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    path.write_text(out.getvalue(), encoding="utf-8")


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def fill(folder: Path, rows: dict[str, list[dict[str, str]]] = SMALL) -> None:
    """Fill the templates in ``folder`` with ``rows``, adding the language columns the rows use."""
    for name, filled in rows.items():
        (header,) = read_csv(folder / name)
        header += [c for row in filled for c in row if c not in header]
        write_csv(folder / name, header, filled)


def small_pack(folder: Path) -> Path:
    """The small framework, written without the command line (for the error cases)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in blank_templates().items():
        (folder / name).write_text(text, encoding="utf-8")
    fill(folder)
    return folder


def edit(folder: Path, name: str, row: int, column: str, value: str) -> None:
    """Set a cell (``row`` as a spreadsheet numbers it: the header is row 1)."""
    records = read_csv(folder / name)
    records[row - 1][records[0].index(column)] = value
    write_csv(folder / name, records[0], [dict(zip(records[0], r, strict=True)) for r in records[1:]])


def drop_column(folder: Path, name: str, column: str) -> None:
    records = read_csv(folder / name)
    header = [c for c in records[0] if c != column]
    write_csv(folder / name, header, [dict(zip(records[0], r, strict=True)) for r in records[1:]])


def apply(folder: Path, edits: Edits) -> None:
    for name, row, column, value in edits:
        if row == 0:
            drop_column(folder, name, column)
        else:
            edit(folder, name, row, column, value)


def error_lines(done: subprocess.CompletedProcess[str]) -> list[str]:
    lines = done.stderr.splitlines()
    assert lines and all(line.startswith("Error: ") for line in lines), done.stderr
    assert "Traceback" not in done.stderr
    return [line.removeprefix("Error: ") for line in lines]


@pytest.fixture(scope="module")
def ladder_folder(repo_root: Path) -> Path:
    return repo_root / "examples" / "software-ladder"


@pytest.fixture(scope="module")
def committed(repo_root: Path) -> Graph:
    return Graph().parse(repo_root / "examples" / "software-ladder.ttl", format="turtle")


# -- the example ---------------------------------------------------------------------------------------------


def test_building_the_example_gives_the_committed_pack(
    run_exe: RunExe, ladder_folder: Path, committed: Graph, tmp_path: Path
) -> None:
    out = tmp_path / "ladder.ttl"
    done = run_exe("knowledge", "build", str(ladder_folder), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert done.stderr == f"Built {out}: 8 roles, 11 skills, 9 transitions\n"
    assert isomorphic(Graph().parse(out, format="turtle"), committed)
    assert isomorphic(build_pack(ladder_folder), committed)


def test_the_example_is_the_ladder_the_issue_asks_for(committed: Graph) -> None:
    moves = {
        (t, committed.value(t, CK.fromRole), committed.value(t, CK.toRole))
        for t in committed.subjects(RDF.type, CK.Transition)
    }
    pairs = {(f, to) for _, f, to in moves}
    track = ["JuniorEngineer", "Engineer", "SeniorEngineer", "StaffEngineer", "PrincipalEngineer"]
    managers = ["EngineeringManager", "SeniorEngineeringManager", "DirectorOfEngineering"]
    for ladder in (track, managers):
        assert {(LADDER[a], LADDER[b]) for a, b in zip(ladder[:-1], ladder[1:], strict=True)} <= pairs
    assert (LADDER.SeniorEngineer, LADDER.EngineeringManager) in pairs
    assert (LADDER.SeniorEngineer, CK.ProductManager) in pairs
    to_pm = committed.value(LADDER.SeniorEngineerToProductManager, CK.essentialRequirement, any=True)
    assert committed.value(to_pm, CK.requiredSkill) in {CK.CustomerInsight, CK.CustomerNeeds}
    # the pack describes only its own terms, its header and its source, never careerkg's terms
    for subject in committed.subjects():
        assert str(subject).startswith(str(LADDER)) or subject in (LADDER_ONTOLOGY, LADDER_SOURCE), subject


def test_every_move_of_the_example_cites_a_heading_of_its_source(committed: Graph, ladder_folder: Path) -> None:
    headings = {
        line[3:].strip()
        for line in (ladder_folder / "SOURCE.md").read_text("utf-8").splitlines()
        if line.startswith("## ")
    }
    transitions = list(committed.subjects(RDF.type, CK.Transition))
    assert len(transitions) == 9
    for transition in transitions:
        assert committed.value(transition, DCTERMS.source) == LADDER_SOURCE
        sections = {str(s) for s in committed.objects(transition, CK.articleSection)}
        assert sections and sections <= headings, (transition, sections)
        assert committed.value(transition, CK.justification) is not None
    assert committed.value(LADDER_SOURCE, DCTERMS.title) == Literal(
        "Example Software Co. engineering career framework", lang="en"
    )


def test_the_example_pack_is_valid_knowledge_beside_the_article(committed: Graph) -> None:
    graph = knowledge_graph(axioms=False)
    graph += committed
    report = validate_knowledge(graph)
    assert report.conforms, [v.message for v in report.violations]


def test_reasoning_works_across_the_article_and_the_pack(committed: Graph) -> None:
    graph = knowledge_graph(axioms=False)
    graph += committed
    profiles = Graph()
    people = {
        # a senior engineer of three years who mentors, leads and knows customers: management and product
        "sam": (
            LADDER.SeniorEngineer,
            3,
            [CK.Mentoring, LADDER.TechnicalLeadership, CK.CustomerNeeds, CK.CustomerInsight],
        ),
        # the same skills and years as a junior engineer: no move of the pack (they need coding and tests)
        "jo": (
            LADDER.JuniorEngineer,
            3,
            [CK.Mentoring, LADDER.TechnicalLeadership, CK.CustomerNeeds, CK.CustomerInsight],
        ),
        # a junior engineer who codes and tests, after a year: engineer
        "kim": (LADDER.JuniorEngineer, 1, [CK.Coding, LADDER.Testing]),
        # the article's product manager is answered as before in the merged knowledge
        "ada": (CK.ProductManager, 5, [CK.Coding, CK.Mentoring, CK.Research, CK.CustomerInsight]),
    }
    for name, (role, years, skills) in people.items():
        profiles.add((PEOPLE[name], RDF.type, CK.Profile))
        profiles.add((PEOPLE[name], CK.currentRole, role))
        profiles.add((PEOPLE[name], CK.yearsInRole, Literal(Decimal(years))))
        for skill in skills:
            profiles.add((PEOPLE[name], CK.hasSkill, skill))
    profiles.add((PEOPLE.ada, CK.productsManaged, Literal(3)))
    derived = Reasoner(graph).infer(profiles)

    def eligible(name: str) -> set[URIRef]:
        return {o for o in derived.objects(PEOPLE[name], CK.eligibleFor) if isinstance(o, URIRef)}

    assert eligible("sam") == {LADDER.EngineeringManager, CK.ProductManager}
    assert eligible("jo") == set()
    assert eligible("kim") == {LADDER.Engineer}
    assert eligible("ada") == {CK.SeniorProductManager, CK.SoftwareEngineer, CK.ITManager, CK.Founder}
    assert (PEOPLE.sam, CK.meetsRequirement, LADDER.RequiresTwoYearsInRole) in derived
    assert (PEOPLE.jo, CK.meetsRequirement, LADDER.RequiresCustomerInsight) in derived


def test_summarise_counts_the_packs_own_terms(committed: Graph) -> None:
    summary = summarise(committed)
    assert summary == {
        "ontology": str(LADDER_ONTOLOGY),
        "roles": 8,
        "skills": 11,
        "categories": 1,
        "requirements": 23,
        "transitions": 9,
        "rolesWithoutMovesOut": [str(LADDER.DirectorOfEngineering), str(LADDER.PrincipalEngineer)],
        "unusedSkills": [],
    }
    # beside the article's knowledge, only the pack is counted
    merged = knowledge_graph(axioms=False)
    merged += committed
    assert summarise(merged) == summary


@pytest.mark.parametrize(
    ("fmt", "suffix", "parser"), [("nt", ".nt", "nt"), ("xml", ".rdf", "xml"), ("json-ld", ".jsonld", "json-ld")]
)
def test_build_writes_every_rdf_format(
    run_exe: RunExe, ladder_folder: Path, committed: Graph, tmp_path: Path, fmt: str, suffix: str, parser: str
) -> None:
    to_stdout = run_exe("knowledge", "build", str(ladder_folder), "--format", fmt)
    assert to_stdout.returncode == 0, to_stdout.stderr
    assert isomorphic(Graph().parse(data=to_stdout.stdout, format=parser), committed)
    assert to_stdout.stderr.startswith("Built ") and to_stdout.stderr.endswith(": 8 roles, 11 skills, 9 transitions\n")
    out = tmp_path / f"pack{suffix}"  # the format follows the file's suffix
    by_suffix = run_exe("knowledge", "build", str(ladder_folder), "-o", str(out))
    assert by_suffix.returncode == 0, by_suffix.stderr
    assert isomorphic(Graph().parse(out, format=parser), committed)


# -- templates -----------------------------------------------------------------------------------------------


def test_the_shipped_templates_are_the_blank_templates(run_exe: RunExe, repo_root: Path, tmp_path: Path) -> None:
    done = run_exe("knowledge", "template", str(tmp_path / "new" / "framework"))
    assert done.returncode == 0, done.stderr
    written = {p.name: p.read_text("utf-8") for p in (tmp_path / "new" / "framework").iterdir()}
    shipped = {p.name: p.read_text("utf-8") for p in (repo_root / "examples" / "templates").glob("*.csv")}
    assert written == shipped == blank_templates()
    assert set(written) == {"pack.csv", "roles.csv", "skills.csv", "categories.csv", "transitions.csv"}
    for name, columns in TEMPLATES.items():
        assert read_csv(tmp_path / "new" / "framework" / name) == [list(columns)]


def test_the_template_readme_describes_every_column(repo_root: Path) -> None:
    readme = (repo_root / "examples" / "templates" / "README.md").read_text("utf-8")
    for name, columns in TEMPLATES.items():
        section = readme.split(f"## {name}", 1)[1].split("\n## ", 1)[0]
        for column in columns:
            assert f"| `{column}` |" in section, (name, column)


def test_template_keeps_files_unless_forced(run_exe: RunExe, tmp_path: Path) -> None:
    assert run_exe("knowledge", "template", str(tmp_path)).returncode == 0
    (tmp_path / "roles.csv").write_text("id,label,definition\nA,a,An a.\n", encoding="utf-8")
    again = run_exe("knowledge", "template", str(tmp_path))
    assert again.returncode == 2
    assert "exists already" in again.stderr and "--force" in again.stderr
    assert "A,a,An a." in (tmp_path / "roles.csv").read_text("utf-8")
    forced = run_exe("knowledge", "template", str(tmp_path), "--force")
    assert forced.returncode == 0, forced.stderr
    assert (tmp_path / "roles.csv").read_text("utf-8") == blank_templates()["roles.csv"]


def test_filled_templates_build_a_pack_with_their_terms(run_exe: RunExe, tmp_path: Path) -> None:
    folder = tmp_path / "coaching"
    assert run_exe("knowledge", "template", str(folder)).returncode == 0
    fill(folder)
    out = tmp_path / "coaching.ttl"
    done = run_exe("knowledge", "build", str(folder), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stderr == f"Built {out}: 3 roles, 3 skills, 2 transitions\n"
    pack = Graph().parse(out, format="turtle")

    # the ontology header
    assert (COACH_ONTOLOGY, RDF.type, OWL.Ontology) in pack
    assert pack.value(COACH_ONTOLOGY, DCTERMS.title) == Literal("Coaching practice framework", lang="en")
    assert pack.value(COACH_ONTOLOGY, OWL.versionInfo) == Literal("0.1.0")
    assert pack.value(COACH_ONTOLOGY, OWL.versionIRI) == URIRef("https://example.org/coaching/0.1.0")
    assert pack.value(COACH_ONTOLOGY, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert set(pack.objects(COACH_ONTOLOGY, DCTERMS.source)) == {HANDBOOK, SURVEY}
    assert pack.value(HANDBOOK, DCTERMS.title) == Literal("Coaching practice handbook", lang="en")
    assert pack.value(SURVEY, DCTERMS.title) == Literal("Analyst market survey", lang="en")
    assert dict(pack.namespaces())["coach"] == URIRef(str(COACH))

    # roles, skills and the pack's category, with labels in English and French
    assert {s for s in pack.subjects(RDF.type, CK.Role)} == {COACH.Analyst, COACH.SeniorAnalyst, COACH.AnalyticsLead}
    assert set(pack.objects(COACH.Analyst, RDFS.label)) == {
        Literal("analyst", lang="en"),
        Literal("analyste", lang="fr"),
    }
    assert set(pack.objects(COACH.Analyst, SKOS.altLabel)) == {
        Literal("data analyst", lang="en"),
        Literal("business analyst", lang="en"),
    }
    assert pack.value(COACH.Analyst, SKOS.broadMatch) == URIRef("http://data.europa.eu/esco/isco/C2511")
    assert (COACH.CommunicationSkill, RDFS.subClassOf, CK.Skill) in pack
    assert (COACH.Storytelling, RDF.type, COACH.CommunicationSkill) in pack
    assert (COACH.DataModelling, RDF.type, CK.TechnicalSkill) in pack
    assert (COACH.Forecasting, RDF.type, CK.AnalyticalSkill) in pack
    for term in (COACH.Analyst, COACH.DataModelling, COACH.CommunicationSkill, COACH.AnalystToSeniorAnalyst):
        assert pack.value(term, RDFS.isDefinedBy) == COACH_ONTOLOGY
        assert pack.value(term, SKOS.definition) is not None

    # requirements: one individual each, labelled as the article's are, shared between moves
    def requirement(name: str, rdf_class: URIRef, label: str) -> URIRef:
        iri = COACH[name]
        assert (iri, RDF.type, rdf_class) in pack
        assert pack.value(iri, RDFS.label) == Literal(label, lang="en")
        return iri

    years = requirement("RequiresTwoYearsInRole", CK.ThresholdRequirement, "at least two years in the current role")
    assert pack.value(years, CK.thresholdProperty) == CK.yearsInRole
    assert pack.value(years, CK.minimumValue) == Literal("2.0", datatype=DECIMAL)
    products = requirement("RequiresOneProductManaged", CK.ThresholdRequirement, "at least one product managed")
    assert pack.value(products, CK.thresholdProperty) == CK.productsManaged
    modelling = requirement("RequiresDataModelling", CK.SkillRequirement, "skill: data modelling")
    assert pack.value(modelling, CK.requiredSkill) == COACH.DataModelling
    trends = requirement("RequiresMarketTrendAnalysis", CK.SkillRequirement, "skill: market trend analysis")
    assert pack.value(trends, CK.requiredSkill) == CK.MarketTrendAnalysis
    talk = requirement("RequiresAnyCommunicationSkill", CK.SkillCategoryRequirement, "any communication skill")
    assert pack.value(talk, CK.requiredSkillCategory) == COACH.CommunicationSkill
    assert len(list(pack.subjects(CK.requiredSkill, COACH.DataModelling))) == 1

    # transitions, with their provenance
    up, out_of = COACH.AnalystToSeniorAnalyst, COACH.SeniorAnalystToStrategyManager
    assert pack.value(up, RDFS.label) == Literal("analyst to senior analyst", lang="en")
    assert (pack.value(up, CK.fromRole), pack.value(up, CK.toRole)) == (COACH.Analyst, COACH.SeniorAnalyst)
    assert set(pack.objects(up, CK.essentialRequirement)) == {years, modelling}
    assert set(pack.objects(up, CK.optionalRequirement)) == {talk}
    assert pack.value(up, DCTERMS.source) == HANDBOOK
    assert pack.value(up, CK.articleSection) == Literal("Growing as an analyst", lang="en")
    assert pack.value(up, CK.justification) == Literal(
        "The handbook asks for two years and sound data modelling.", lang="en"
    )
    assert (pack.value(out_of, CK.fromRole), pack.value(out_of, CK.toRole)) == (COACH.SeniorAnalyst, CK.StrategyManager)
    assert set(pack.objects(out_of, CK.optionalRequirement)) == {products, modelling}
    assert pack.value(out_of, DCTERMS.source) == SURVEY
    assert set(pack.objects(out_of, CK.articleSection)) == {
        Literal("Leaving analytics", lang="en"),
        Literal("Strategy roles", lang="en"),
    }

    summary = summarise(pack)
    assert summary["rolesWithoutMovesOut"] == [str(COACH.AnalyticsLead)]
    assert summary["unusedSkills"] == []  # storytelling is used through its category
    graph = knowledge_graph(axioms=False)
    graph += pack
    assert validate_knowledge(graph).conforms


def test_summarise_names_skills_no_requirement_uses(tmp_path: Path) -> None:
    folder = small_pack(tmp_path / "pack")
    edit(folder, "transitions.csv", 2, "optional", "")  # any:CommunicationSkill was Storytelling's only use
    summary = summarise(build_pack(folder))
    assert summary["unusedSkills"] == [str(COACH.Storytelling)]
    assert (summary["roles"], summary["skills"], summary["categories"], summary["transitions"]) == (3, 3, 1, 2)


# -- problems: one line each, naming file, row and column; nothing written -----------------------------------

#: Each case: the cells to change (file, row, column, value; row 0 drops the column) and the lines expected.
Edits = list[tuple[str, int, str, str]]
ERROR_CASES: dict[str, tuple[Edits, list[str]]] = {
    "unknown role": (
        [("transitions.csv", 3, "from", "Analist")],
        ['unknown role "Analist" in transitions.csv row 3, column from: did you mean "Analyst"?'],
    ),
    "malformed requirement": (
        [("transitions.csv", 2, "essential", "yearsInRole>=2; DataModelling")],
        [
            'malformed requirement "DataModelling" in transitions.csv row 2, column essential: did you mean '
            '"skill:DataModelling"?'
        ],
    ),
    "missing required column": (
        [("skills.csv", 0, "label", "")],
        ["missing required column in skills.csv row 1, column label: add it to the header (row 1)"],
    ),
    "empty label": (
        [("roles.csv", 4, "label", "")],
        ["empty label in roles.csv row 4, column label: every term needs an English label"],
    ),
    "duplicate id": (
        [("skills.csv", 4, "id", "Analyst")],
        ['duplicate id "Analyst" in skills.csv row 4, column id: already used in roles.csv row 2'],
    ),
    "threshold on an unknown property": (
        [("transitions.csv", 2, "essential", "salary>=3")],
        [
            'a threshold on an unknown property "salary" in transitions.csv row 2, column essential: profiles have '
            "only yearsInRole and productsManaged"
        ],
    ),
    "non-numeric minimum": (
        [("transitions.csv", 3, "optional", "productsManaged>=two")],
        [
            'a non-numeric minimum "two" in transitions.csv row 3, column optional: write a number, such as '
            "yearsInRole>=4"
        ],
    ),
    "unknown category": (
        [("skills.csv", 3, "category", "Communication")],
        [
            'unknown skill category "Communication" in skills.csv row 3, column category: did you mean '
            '"CommunicationSkill"?'
        ],
    ),
    "a move to the same role": (
        [("transitions.csv", 2, "to", "Analyst")],
        ["the same role as from in transitions.csv row 2, column to: a move goes to another role"],
    ),
    "a move the article states": (
        [("transitions.csv", 3, "from", "ck:ProductManager"), ("transitions.csv", 3, "to", "StrategyManager")],
        [
            "a duplicate move in transitions.csv row 3, column to: careerkg's knowledge states product manager to "
            "strategy manager already (ck:ProductManagerToStrategyManager)"
        ],
    ),
    "malformed IRI": (
        [("transitions.csv", 3, "source", "example.org/survey")],
        [
            'malformed IRI "example.org/survey" in transitions.csv row 3, column source: write a full IRI, such as '
            "https://example.org/..."
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_each_problem_is_one_line_naming_file_row_and_column(run_exe: RunExe, tmp_path: Path, case: str) -> None:
    folder = small_pack(tmp_path / "framework")
    edits, expected = ERROR_CASES[case]
    apply(folder, edits)
    before = sorted(p.name for p in tmp_path.iterdir())
    out = tmp_path / "pack.ttl"
    done = run_exe("knowledge", "build", str(folder), "-o", str(out))
    assert done.returncode == 1, done.stderr
    lines = error_lines(done)
    assert lines == expected
    assert done.stdout == ""
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no temporary or half-written file
    for line in lines:
        assert re.search(r" in [a-z]+\.csv row \d+, column \S+", line), line


def test_every_problem_is_reported_at_once(run_exe: RunExe, tmp_path: Path) -> None:
    folder = small_pack(tmp_path / "framework")
    for case, (edits, _) in ERROR_CASES.items():
        if case != "a move the article states":  # (its row is the unknown role's)
            apply(folder, edits)
    done = run_exe("knowledge", "build", str(folder), "-o", str(tmp_path / "pack.ttl"))
    assert done.returncode == 1
    lines = error_lines(done)
    for case in (
        "unknown role",
        "missing required column",
        "empty label",
        "threshold on an unknown property",
        "non-numeric minimum",
        "unknown category",
        "malformed IRI",
    ):
        assert ERROR_CASES[case][1][0] in lines, (case, lines)
    assert ERROR_CASES["duplicate id"][1][0] in lines
    assert len(lines) == len(set(lines))
    files = [line.split(" in ", 1)[1].split(" row ")[0] for line in lines]
    order = list(TEMPLATES)
    assert files == sorted(files, key=order.index), "problems come file by file, in reading order"
    assert not (tmp_path / "pack.ttl").exists()


def test_the_example_with_a_misspelt_role(repo_root: Path, tmp_path: Path, run_exe: RunExe) -> None:
    folder = tmp_path / "ladder"
    folder.mkdir()
    for path in (repo_root / "examples" / "software-ladder").glob("*.csv"):
        (folder / path.name).write_bytes(path.read_bytes())
    edit(folder, "transitions.csv", 4, "from", "Enginer")
    done = run_exe("knowledge", "build", str(folder))
    assert done.returncode == 1
    assert error_lines(done) == [
        'unknown role "Enginer" in transitions.csv row 4, column from: did you mean "Engineer"?'
    ]
    assert done.stdout == ""


def test_the_library_raises_one_error_holding_every_problem(tmp_path: Path) -> None:
    folder = small_pack(tmp_path / "framework")
    edit(folder, "roles.csv", 3, "label", "")
    edit(folder, "transitions.csv", 3, "from", "Analist")
    with pytest.raises(TemplateError) as caught:
        build_pack(folder)
    error = caught.value
    assert isinstance(error, InvalidInputError) and error.exit_code == 1
    assert error.problems == [
        "empty label in roles.csv row 3, column label: every term needs an English label",
        'unknown role "Analist" in transitions.csv row 3, column from: did you mean "Analyst"?',
    ]
    assert str(error) == "\n".join(error.problems)
    again = pickle.loads(pickle.dumps(error))
    assert isinstance(again, TemplateError) and again.problems == error.problems


def test_spreadsheet_habits_are_accepted(tmp_path: Path) -> None:
    """A byte order mark, semicolons, capitalised headers, notes columns and empty rows are read as meant."""
    folder = small_pack(tmp_path / "framework")
    expected = build_pack(folder)
    roles = (folder / "roles.csv").read_text("utf-8").splitlines()
    header = roles[0].replace("label,", "Label,", 1).replace(",", ";") + ";notes"
    rows = [";".join(next(csv.reader([line]))) + ";kept aside" for line in roles[1:]]
    semicolons = "\n".join([header, rows[0], ";;;", *rows[1:]]) + "\n"
    assert all('"' not in row for row in rows)  # (no cell needs quoting once split)
    (folder / "roles.csv").write_bytes(b"\xef\xbb\xbf" + semicolons.encode("utf-8"))
    assert isomorphic(build_pack(folder), expected)


# -- unreadable input: one line naming it, exit code 2 -------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("no folder", "no such folder"),
        ("a file, not a folder", "not a folder"),
        ("no transitions.csv", "transitions.csv: no such file"),
        ("latin-1 roles.csv", 'roles.csv: not UTF-8 text (line 3); save it as "CSV UTF-8"'),
        ("a workbook", 'skills.csv: a spreadsheet workbook, not CSV text; save it as "CSV UTF-8"'),
    ],
)
def test_unreadable_input_exits_2(run_exe: RunExe, tmp_path: Path, case: str, message: str) -> None:
    folder = small_pack(tmp_path / "framework")
    target = folder
    if case == "no folder":
        target = tmp_path / "nowhere"
    elif case == "a file, not a folder":
        target = folder / "pack.csv"
    elif case == "no transitions.csv":
        (folder / "transitions.csv").unlink()
    elif case == "latin-1 roles.csv":
        (folder / "roles.csv").write_bytes(
            (folder / "roles.csv").read_text("utf-8").replace("senior", "séniör").encode("latin-1")
        )
    else:
        (folder / "skills.csv").write_bytes(b"PK\x03\x04\x14\x00\x06\x00")
    out = tmp_path / "pack.ttl"
    done = run_exe("knowledge", "build", str(target), "-o", str(out))
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("Error: ") and done.stderr.count("\n") == 1, done.stderr
    assert message in done.stderr
    assert not out.exists()
    with pytest.raises(UnreadableInputError):
        build_pack(target)


def test_the_commands_have_help(run_exe: RunExe) -> None:
    group = run_exe("knowledge", "--help")
    assert group.returncode == 0
    assert "build" in group.stdout and "template" in group.stdout
    build = run_exe("knowledge", "build", "--help")
    assert "-o, --output FILE" in build.stdout and "--format FORMAT" in build.stdout
    assert re.search(r"^\s+knowledge\s", run_exe("--help").stdout, re.MULTILINE)
