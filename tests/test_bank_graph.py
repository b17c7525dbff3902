"""`locaben bank graph`: a bank's flow as a Mermaid flowchart that is valid, escaped and in asking order.

Validity is checked by a small reader of the Mermaid subset the graph uses (`read_chart`): every line must be a
statement it knows, every node is defined once, every edge joins defined nodes, labels hold no raw quote,
bracket or `#`, and `subgraph`/`end` are balanced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

import pytest

from dialogue.banks.graph import condition_text, escape, markdown_page, mermaid, short_text
from dialogue.banks.reader import load_bank
from dialogue.cli.main import Env, main
from dialogue.model import AllOf, AnyOf, Bank, Compare, Not, Question, Section, Text
from tests.helpers import MINI_BANK, ROOT, STANDARD_BANK, standard_bank

FIRST_VISIT = ROOT / "question_banks" / "first_visit.yaml"
DOC = ROOT / "docs" / "standard-bank-graph.md"

NODE = re.compile(r'^(?P<id>[A-Za-z]\w*)(?P<open>\["|\(\[")(?P<label>.*)(?P<close>"\]|"\]\))$')
SUBGRAPH = re.compile(r'^subgraph (?P<id>[A-Za-z]\w*)\["(?P<label>.*)"\]$')
EDGE = re.compile(r'^(?P<a>[A-Za-z]\w*) (?P<arrow>-->|-\.->)(?:\|"(?P<label>.*)"\|)? (?P<b>[A-Za-z]\w*)$')
CLASS = re.compile(r"^class (?P<ids>[\w,]+) (?P<name>\w+)$")


@dataclass
class Chart:
    nodes: dict[str, str] = field(default_factory=dict)  # id -> label
    subgraphs: list[tuple[str, str, list[str]]] = field(default_factory=list)  # id, label, node ids
    edges: list[tuple[str, str, str, str]] = field(default_factory=list)  # from, arrow, label, to
    classes: dict[str, list[str]] = field(default_factory=dict)


def read_chart(text: str) -> Chart:
    """Read the graph's Mermaid, failing on anything that is not valid in the subset it uses."""
    lines = text.splitlines()
    if lines and lines[0] == "---":  # front-matter config
        close = lines.index("---", 1)
        assert lines[1] == "config:" and close > 1
        lines = lines[close + 1:]
    assert lines[0] == "flowchart TD"
    chart, stack, defined = Chart(), [], set()
    class_defs: set[str] = set()
    for raw in lines[1:]:
        line = raw.strip()
        if not line or line.startswith("%%") or line == "direction TB":
            continue
        if match := SUBGRAPH.match(line):
            sid = match["id"]
            assert sid not in defined, f"{sid} defined twice"
            defined.add(sid)
            check_label(match["label"])
            chart.subgraphs.append((sid, match["label"], []))
            stack.append(sid)
        elif line == "end":
            assert stack, "`end` without `subgraph`"
            stack.pop()
        elif match := NODE.match(line):
            nid = match["id"]
            assert nid not in defined and nid != "end", f"{nid} defined twice"
            assert (match["open"], match["close"]) in (('["', '"]'), ('(["', '"])'))
            defined.add(nid)
            check_label(match["label"])
            chart.nodes[nid] = match["label"]
            if stack:
                next(s for s in chart.subgraphs if s[0] == stack[-1])[2].append(nid)
        elif match := EDGE.match(line):
            if match["label"] is not None:
                check_label(match["label"])
            chart.edges.append((match["a"], match["arrow"], match["label"] or "", match["b"]))
        elif line.startswith("classDef "):
            class_defs.add(line.split()[1])
        elif match := CLASS.match(line):
            assert match["name"] in class_defs, f"class {match['name']} used before classDef"
            chart.classes[match["name"]] = match["ids"].split(",")
        else:
            raise AssertionError(f"not a statement of the graph's Mermaid: {raw!r}")
    assert stack == [], f"unclosed subgraph {stack}"
    for a, _, _, b in chart.edges:
        assert a in chart.nodes and b in chart.nodes, f"edge {a} -> {b} names an undefined node"
    for ids in chart.classes.values():
        assert set(ids) <= set(chart.nodes)
    return chart


def check_label(label: str) -> None:
    bare = re.sub(r"#\d+;", "", label.replace("<br/>", "\n"))
    for ch in '"#[]{}|<>`&':
        assert ch not in bare, f"unescaped {ch!r} in label {label!r}"


def ask_order(chart: Chart) -> list[str]:
    return [nid for _, _, ids in chart.subgraphs for nid in ids]


# ---- synthetic banks ----

def q(qid: str, ja: str = "質問ですか？", *, when=None, probes: int = 0, fills: tuple[str, ...] = ("company.name",),
      voice: str = "owner", required: bool = True, section: str = "s") -> Question:
    return Question(id=qid, text=Text.of(ja=ja, en=f"Question {qid}?"), type="text", fills=fills,
                    section_id=section, when=when, voice=voice,  # type: ignore[arg-type]
                    probes=tuple(Text.of(ja="具体的には？", en="Specifically?") for _ in range(probes)),
                    thin_below=20 if probes else 0, required=required)


def bank_of(*sections: tuple[str, list[Question]], languages: tuple[str, ...] = ("ja", "en")) -> Bank:
    return Bank("synthetic", "1", Text.of(ja="合成", en="Synthetic"), languages,
                tuple(Section(sid, Text.of(ja=f"章 {sid}", en=f"Part {sid}"), tuple(qs)) for sid, qs in sections))


# ---- the shipped banks ----

@pytest.mark.parametrize("path", [STANDARD_BANK, FIRST_VISIT, MINI_BANK], ids=lambda p: p.name)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_graph_of_each_bank_is_valid_mermaid_in_asking_order(path: Path, lang: str) -> None:
    bank = load_bank(path)
    chart = read_chart(mermaid(bank, lang))
    assert [sid for sid, _, _ in chart.subgraphs] == [f"s_{s.id}" for s in bank.sections]
    assert ask_order(chart) == [f"q_{question.id}" for question in bank.questions()]
    # walking the edges that are not "otherwise" visits every question once, in the bank's order
    chain = {a: b for a, _, label, b in chart.edges if label not in ("それ以外", "otherwise")}
    walk, node = [], "bank_start"
    while node in chain:
        node = chain[node]
        walk.append(node)
    assert walk == ask_order(chart) + ["bank_finish"]


def test_standard_bank_sections_and_labels() -> None:
    bank = standard_bank()
    chart = read_chart(mermaid(bank, "ja"))
    assert chart.subgraphs[0][1] == "1. 導入・会社概要 · intro"
    assert chart.subgraphs[-1][1] == "7. 課題と対応策 · challenges"
    story = chart.nodes["q_history_story"].split("<br/>")
    assert story[0] == "history_story"
    assert story[1].startswith("創業のきっかけから") and len(story[1]) <= 40
    assert story[2] == "→ business.history · 深掘り4"
    assert chart.nodes["q_company_name"].split("<br/>")[2] == "→ company.name"  # no probes: no count
    assert chart.nodes["q_employees_pay"].endswith(" · 任意")
    assert chart.nodes["q_issues_supporter"].endswith(" · 支援者")
    assert set(chart.classes["supporter"]) == {"q_current_state_supporter", "q_issues_supporter",
                                               "q_actions_supporter"}


def test_standard_bank_conditions_are_dashed_labelled_edges() -> None:
    chart = read_chart(mermaid(standard_bank(), "ja"))
    into = {b: (a, arrow, label) for a, arrow, label, b in chart.edges if label not in ("それ以外",)}
    assert into["q_succession_timing"] == ("q_successor_development", "-.->", "successor_status ∉ in_place_trained")
    assert into["q_succession_options"] == ("q_succession_timing", "-.->", "successor_status ∈ #123;none, undecided#125;")
    assert into["q_market_trend"] == ("q_succession_options", "-->", "")
    assert ("q_successor_status", "-.->", "それ以外", "q_market_trend") in chart.edges
    assert set(chart.classes["conditional"]) == {"q_successor_development", "q_succession_timing",
                                                 "q_succession_options"}
    unconditional = [e for e in chart.edges if e[1] == "-->"]
    assert all(label == "" for _, _, label, _ in unconditional)


def test_english_labels() -> None:
    chart = read_chart(mermaid(standard_bank(), "en"))
    assert chart.nodes["bank_start"] == "Start" and chart.nodes["bank_finish"] == "End"
    assert chart.nodes["q_history_story"].endswith("→ business.history · probes 4")
    assert ("q_successor_status", "-.->", "otherwise", "q_market_trend") in chart.edges


# ---- escaping and odd banks ----

def test_labels_with_quotes_brackets_and_hashes_are_escaped() -> None:
    nasty = '社名は"株式会社[テスト]"#1 {A|B} <script>&`x`ですか？'
    bank = bank_of(("s", [q("name", nasty), q("other")]))
    chart = read_chart(mermaid(bank, "ja"))
    label = chart.nodes["q_name"].split("<br/>")[1]
    assert label == "社名は#34;株式会社#91;テスト#93;#34;#35;1 #123;A#124;B#125; #60;script#62;#38;#96;x#96;ですか？"
    assert escape("#34;") == "#35;34;"  # an entity in the bank text is shown, not decoded


def test_ids_that_are_mermaid_keywords_are_prefixed() -> None:
    bank = bank_of(("end", [q("end", section="end"), q("subgraph", section="end"), q("graph", section="end")]))
    chart = read_chart(mermaid(bank, "ja"))
    assert set(chart.nodes) >= {"q_end", "q_subgraph", "q_graph"} and chart.subgraphs[0][0] == "s_end"


def test_empty_section_gets_a_placeholder_node() -> None:
    chart = read_chart(mermaid(bank_of(("a", [q("one")]), ("b", [])), "ja"))
    assert chart.subgraphs[1][2] == ["s_b_empty"] and chart.nodes["s_b_empty"] == "（質問なし）"


def test_conditional_questions_at_the_end_bypass_to_the_finish() -> None:
    cond = Compare("one", "answered", (True,))
    bank = bank_of(("a", [q("one"), q("two", when=cond), q("three", when=Not(cond))]))
    chart = read_chart(mermaid(bank, "en"))
    assert chart.edges == [
        ("bank_start", "-->", "", "q_one"),
        ("q_one", "-.->", "one answered", "q_two"),
        ("q_two", "-.->", "¬(one answered)", "q_three"),
        ("q_three", "-->", "", "bank_finish"),
        ("q_one", "-.->", "otherwise", "bank_finish"),
    ]


def test_graph_is_deterministic() -> None:
    assert mermaid(standard_bank()) == mermaid(standard_bank())


# ---- condition short forms ----

@pytest.mark.parametrize("condition, text", [
    (Compare("s", "in", ("none",)), "s ∈ none"),
    (Compare("s", "in", ("none", "undecided")), "s ∈ {none, undecided}"),
    (Compare("s", "not_in", ("in_place_trained",)), "s ∉ in_place_trained"),
    (Compare("n", "equals", (3,)), "n = 3"),
    (Compare("n", "answered", (True,)), "n answered"),
    (Compare("n", "answered", (False,)), "n not answered"),
    (Compare("n", "range", (10, 50)), "10 ≤ n ≤ 50"),
    (Compare("n", "range", (10.0, None)), "n ≥ 10"),
    (Compare("n", "range", (None, 2.5)), "n ≤ 2.5"),
    (AllOf((Compare("s", "in", ("none",)), AnyOf((Compare("n", "range", (1, None)), Not(Compare("m", "answered", (True,))))))),
     "s ∈ none ∧ (n ≥ 1 ∨ ¬(m answered))"),
])
def test_condition_short_form(condition, text: str) -> None:  # type: ignore[no-untyped-def]
    assert condition_text(condition, "en") == text


def test_condition_short_form_in_japanese_and_cut_when_long() -> None:
    assert condition_text(Compare("n", "answered", (False,)), "ja") == "n 未回答"
    long = Compare("successor_status", "in", tuple(f"choice_{i}" for i in range(20)))
    assert len(condition_text(long)) == 90 and condition_text(long).endswith("…")


# ---- short question text ----

@pytest.mark.parametrize("text, limit, short", [
    ("それでは、まず基本的なところから確認させてください。御社の正式な商号を教えていただけますか。", 40,
     "御社の正式な商号を教えていただけますか"),
    ("差し支えなければ、伺ってよろしいでしょうか。後継者の方は、すでにお決まりでしょうか。", 40,
     "後継者の方は、すでにお決まりでしょうか"),
    ("差し支えなければ、給与について伺ってもよろしいでしょうか。", 40, "差し支えなければ、給与について伺ってもよろしいでしょうか"),
    ("（支援者の見立て）この会社の現状をどう捉えましたか。理由も書いてください。", 40, "この会社の現状をどう捉えましたか"),
    ("創業から今日までの歩みを、年と出来事を添えてゆっくりお聞かせいただけますでしょうか。", 20, "創業から今日までの歩みを、年と出来事を…"),
    ("Let me start. Could you tell me the company's official registered name?", 30, "Could you tell me the…"),  # cut at a word
    ("Tell me the story.", 40, "Tell me the story."),
])
def test_short_text(text: str, limit: int, short: str) -> None:
    assert short_text(text, limit) == short and len(short) <= limit


# ---- the Markdown page and the command ----

def test_markdown_page_holds_the_chart_in_a_mermaid_block() -> None:
    bank = standard_bank()
    page = markdown_page(bank, "ja", "locaben_standard.yaml")
    assert page.startswith("# ローカルベンチマーク 標準ヒアリング — 質問の流れ\n")
    block = page.split("```mermaid\n", 1)[1].split("\n```\n", 1)[0]
    assert page.count("```") == 2 and block + "\n" == mermaid(bank, "ja")
    assert "`locaben_standard.yaml`" in page and f"version {bank.version}" in page


def test_the_standard_bank_graph_doc_is_up_to_date() -> None:
    expected = markdown_page(standard_bank(), "ja", STANDARD_BANK.name)
    assert DOC.read_text(encoding="utf-8") == expected, (
        "docs/standard-bank-graph.md is stale: run "
        "`locaben bank graph question_banks/locaben_standard.yaml -o docs/standard-bank-graph.md`")


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    code = main(list(args), Env(stdin=StringIO(), stdout=out, stderr=err, environ={}))
    return code, out.getvalue(), err.getvalue()


def test_cli_prints_the_mermaid_text() -> None:
    code, out, err = run_cli("bank", "graph", str(MINI_BANK))
    assert (code, err) == (0, "") and out == mermaid(load_bank(MINI_BANK), "ja")


def test_cli_writes_a_markdown_page_or_the_mermaid_text(tmp_path: Path) -> None:
    page, raw = tmp_path / "docs" / "graph.md", tmp_path / "graph.mmd"
    assert run_cli("bank", "graph", str(STANDARD_BANK), "-o", str(page)) == (0, f"{page}\n", "")
    assert page.read_text(encoding="utf-8") == DOC.read_text(encoding="utf-8")
    assert run_cli("bank", "graph", str(STANDARD_BANK), "--lang", "en", "-o", str(raw))[0] == 0
    assert raw.read_text(encoding="utf-8") == mermaid(standard_bank(), "en")


def test_cli_reports_every_problem_of_a_bad_bank(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINI_BANK.read_text(encoding="utf-8").replace("type: number", "type: nmber"), encoding="utf-8")
    code, out, err = run_cli("bank", "graph", str(bad))
    assert code == 3 and out == "" and " error E118: " in err


def test_cli_refuses_a_language_the_bank_does_not_have(tmp_path: Path) -> None:
    ja_only = tmp_path / "ja.yaml"
    ja_only.write_text("id: ja_only\nversion: \"1\"\ntitle: {ja: 日本語のみ}\nlanguages: [ja]\nsections:\n"
                       "  - id: a\n    title: {ja: 章}\n    questions:\n"
                       "      - {id: name, text: {ja: 社名は？}, type: text, fills: [company.name]}\n",
                       encoding="utf-8")
    code, out, err = run_cli("bank", "graph", str(ja_only), "--lang", "en")
    assert code == 2 and out == "" and "'en'" in err
    assert run_cli("bank", "graph", str(ja_only))[0] == 0


def test_readme_shows_the_standard_banks_current_graph() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme[readme.index("<!-- bank-graph:start -->"):readme.index("<!-- bank-graph:end -->")]
    doc = DOC.read_text(encoding="utf-8")
    block = doc[doc.index("```mermaid"):doc.index("```", doc.index("```mermaid") + 3) + 3]
    assert block in shown, "README's graph is stale: copy the mermaid block of docs/standard-bank-graph.md"
