"""The role-play trainer and the unattended demo, on screen (rich). A thin shell: the owner's words come
from `dialogue.training.scoring.Owner`, every record goes through the `LiveSession` (journalled), and the score
from `dialogue.training.scoring.score`. Persona text is printed as plain text, never as markup or a template.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text as RichText

from dialogue.errors import AnswerError, CommandError
from dialogue.model import AllOf, AnyOf, Compare, Condition, Not
from dialogue.model.sheet_fields import FIELDS_BY_ID
from dialogue.store.live import LiveSession
from dialogue.training.persona import Persona, applies
from dialogue.training.scoring import Owner, Scorecard, ScoreReport, Turn, interview, score
from dialogue.ui.terminal import LineSource

COMMANDS = ("ask", "probe", "probes", "list", "note", "review", "help", "finish")
EXIT_OK, EXIT_INTERRUPTED = 0, 130

MESSAGES: dict[str, tuple[str, str]] = {
    "brief_title": ("ロールプレイ研修 — {company}", "Role-play — {company}"),
    "brief": ("業種: {industry}\n社長の人柄: {note}\n\n{summary}",
              "Industry: {industry}\nThe owner: {note}\n\n{summary}"),
    "you": ("あなた", "You"), "owner": ("社長", "Owner"), "banker": ("銀行員", "Banker"),
    "supporter": ("支援者の見立て", "Supporter's view"), "probe_mark": ("深掘り", "Follow-up"),
    "own_view": ("（支援者の見立て）社長には聞かず、あなた自身の見立てをメモに書きます。",
                 "(Supporter's view) Do not ask the owner: write your own assessment as the note."),
    "write_note": ("聞き取った内容を、あなたの言葉でメモしてください（シートに記入されます）。",
                   "Write down what you heard, in your own words (it goes into the sheet)."),
    "probes_here": ("深掘りの候補（/probe 番号、* は使用済み）：", "Follow-ups you can use (/probe N; * = used):"),
    "records": ("1行に1件、項目は | で区切ります: {fields}（--plain では \\n で改行）",
                "One record per line, fields separated by |: {fields} (with --plain, \\n breaks a line)"),
    "choices": ("選択肢（番号か ID。続けてメモも書けます）：", "Choices (number or id; a note may follow):"),
    "number": ("数字で記入します（続けてメモも書けます）。", "Record a number (a note may follow)."),
    "conditional": ("※ この質問は、先に {refs} を記録するとシートに載ります（今のままでは載りません）。",
                    "Note: this question appears on the sheet only once {refs} is recorded accordingly."),
    "saved": ("記録しました（{qid}）", "Recorded ({qid})"),
    "no_topic": ("まず質問を選んでください: /ask 質問ID（/list で一覧）",
                 "Choose a question first: /ask QUESTION_ID (/list shows them)"),
    "unknown_question": ("質問が見つかりません: {qid}（/list で一覧）", "No such question: {qid} (/list shows them)"),
    "bad_probe": ("深掘りの番号は 1〜{n} です。", "Follow-up numbers run from 1 to {n}."),
    "no_probes": ("この質問には深掘りがありません。", "This question has no follow-ups."),
    "bad_answer": ("この形では記録できません: {why}", "Cannot record that: {why}"),
    "unknown_command": ("不明なコマンド: /{cmd}（/help で一覧）", "Unknown command: /{cmd} (/help lists them)"),
    "needs_arg": ("/{cmd} には引数が必要です（例: {example}）", "/{cmd} needs an argument (e.g. {example})"),
    "help": ("コマンド:\n  /ask 質問ID (または質問IDだけ)  社長に質問する（Tab で補完）\n"
             "  /probe 番号   深掘りの質問をする\n  /probes       この質問の深掘り一覧\n"
             "  /list         質問の一覧\n  /note テキスト  この質問にメモを追加\n"
             "  /review       シートの下書き\n  /finish       終了して採点（入力の終わりでも終了）\n"
             "それ以外の入力は、直前の質問・深掘りへのあなたのメモとして記録されます。",
             "Commands:\n  /ask ID (or just the question id)  ask the owner (Tab completes)\n"
             "  /probe N      ask follow-up N\n  /probes       this question's follow-ups\n"
             "  /list         all questions\n  /note TEXT    add a note to this question\n"
             "  /review       the draft sheet\n  /finish       end and score (end of input ends too)\n"
             "Anything else is recorded as your note on the last question or follow-up."),
    "saved_resume": ("中断して保存しました（{id}）。", "Stopped and saved ({id})."),
    "score_title": ("採点 — {company}", "Score — {company}"),
    "section": ("セクション", "Section"), "facts_you": ("事実\nあなた", "Facts\nyou"),
    "facts_expert": ("事実\n模範", "Facts\nexpert"), "chars_you": ("文字数\nあなた", "Chars\nyou"),
    "chars_expert": ("文字数\n模範", "Chars\nexpert"), "total": ("合計", "Total"),
    "time": ("所要時間：あなた{you}分（記録の最初から最後まで）／模範の面談は約{expert}分（発話量からの目安）",
             "Time: you {you} min (first to last record) / expert interview about {expert} min (estimated from speech)"),
    "probes_used": ("使った深掘り：あなた{you}回／模範{expert}回", "Follow-ups used: you {you} / expert {expert}"),
    "missed_title": ("聞き漏らした事実と、引き出せたはずの質問", "Facts your notes missed, and what would have drawn them out"),
    "act_probe": ("/ask {qid} → /probe {n}", "/ask {qid} → /probe {n}"),
    "act_ask": ("/ask {qid}", "/ask {qid}"),
    "act_note": ("聞いていたがメモに残っていない（{qid}）", "heard but not written down ({qid})"),
    "said": ("社長の話：", "The owner said: "),
    "compile": ("シートを作成するには: locaben compile {id}", "To compile the sheet: locaben compile {id}"),
    "started": ("ロールプレイのセッション {id} を開始しました。", "Started role-play session {id}."),
    "no_persona": ("locaben roleplay: --persona NAME で相手の会社を選んでください（一覧: locaben roleplay --list）",
                   "locaben roleplay: choose the company with --persona NAME (list: locaben roleplay --list)"),
    "not_a_tty": ("標準入力が端末ではありません。--plain を付けて、1行に1つずつコマンドやメモを渡してください。",
                  "Standard input is not a terminal. Add --plain and pipe one command or note per line."),
    "not_roleplay": ("セッション {id} はロールプレイではありません。", "Session {id} is not a role-play."),
    "demo_intro": ("デモ：架空の会社「{company}」の社長に、模範の聞き手がヒアリングします（セッション {id}）。",
                   "Demo: a model interviewer talks with the owner of the fictional {company} (session {id})."),
    "demo_written": ("シートを書き出しました（{dir}）:", "The sheet was written to {dir}:"),
    "demo_next": ("次は自分で：locaben roleplay --persona NAME ／ 本番: locaben interview（再作成: locaben compile {id}）",
                  "Your turn: locaben roleplay --persona NAME / for real: locaben interview (rebuild: locaben compile {id})"),
    "toolbar": (" {company} · 記録 {a} · 深掘り {p} · {m} 分 · /help", " {company} · recorded {a} · follow-ups {p} · {m} min · /help"),
    "all_caught": ("すべての事実をメモできました。", "Your notes captured every fact."),
}


def say(key: str, lang: str, **values: Any) -> str:
    """A UI message; `values` are inserted as text (str.format does not interpret inserted values)."""
    ja, en = MESSAGES[key]
    return (ja if lang == "ja" else en).format(**values)


def line(label: str, text: str, style: str, lang: str) -> RichText:
    """`label: text`, with persona text kept literal (no markup). Japanese takes a full-width colon and
    no space, so rich folds the line where it fills up instead of moving the whole sentence down."""
    return RichText.assemble((label + ("：" if lang == "ja" else ": "), f"bold {style}"), (text, ""))


# ---- the role-play ----


@dataclass
class RolePlay:
    live: LiveSession
    persona: Persona
    console: Console
    lang: str
    started: float = field(default_factory=time.monotonic)
    topic: str | None = None  # the question being discussed
    pending: tuple[str, int | None] | None = None  # what the next note records: (question, probe or None)

    def __post_init__(self) -> None:
        self.bank = self.live.engine.bank
        self.owner = Owner(self.persona, self.bank, self.lang)

    def run(self, source: LineSource) -> int:
        self.console.print(self.briefing())
        while self.live.step().state != "finished":
            try:
                text = source.read()
            except KeyboardInterrupt:
                if "pause" in self.live.engine.legal_commands():
                    self.live.run("pause")
                self._say(say("saved_resume", self.lang, id=self.live.session_id))
                return EXIT_INTERRUPTED
            except EOFError:
                break
            self.handle(text)
        return self.finish()

    def briefing(self) -> RenderableType:
        p, lang = self.persona, self.lang
        body = say("brief", lang, industry=p.industry.get(lang), note=p.personality_note.get(lang),
                   summary=p.summary.get(lang) if p.summary else "")
        return Panel(Group(RichText(body), RichText(say("help", lang), style="dim")),
                     title=RichText(say("brief_title", lang, company=p.company.get(lang))), border_style="cyan")

    def handle(self, text: str) -> None:
        stripped = text.strip()
        if not stripped:
            return
        if stripped.startswith("/") and not stripped.startswith("//"):
            name, _, arg = stripped[1:].partition(" ")
            self.command(name.strip(), arg.strip())
        elif self.bank.has_question(stripped):
            self.ask(stripped)
        else:
            self.write(stripped[1:] if stripped.startswith("//") else stripped)

    def command(self, name: str, arg: str) -> None:
        examples = {"ask": "/ask strengths_tech", "jump": "/ask strengths_tech", "probe": "/probe 1",
                    "note": "/note ..."}
        if name in examples and not arg:
            self._say(say("needs_arg", self.lang, cmd=name, example=examples[name]), "red")
        elif name in ("ask", "jump"):
            self.ask(arg)
        elif name == "probe":
            self.probe(arg)
        elif name == "probes":
            self._show_probes()
        elif name == "list":
            self.console.print(self.question_list())
        elif name == "note" and self.topic is None:
            self._say(say("no_topic", self.lang), "red")
        elif name == "note":
            self._record(lambda: (self._focus(self.topic), self.live.run("note", arg)))
        elif name == "review":
            from dialogue.sheet import build_sheet
            from dialogue.ui import screens

            self.console.print(screens.draft_sheet(build_sheet(self.live.transcript(), self.lang), self.lang))
        elif name == "help":
            self._say(say("help", self.lang))
        elif name == "finish":
            self.live.run("finish")
        else:
            self._say(say("unknown_command", self.lang, cmd=name), "red")

    # ---- asking ----

    def ask(self, question_id: str) -> None:
        if not self.bank.has_question(question_id):
            self._say(say("unknown_question", self.lang, qid=question_id), "red")
            return
        question = self.bank.question(question_id)
        self._focus(question_id)
        self.topic, self.pending = question_id, (question_id, None)
        self.console.print(line(say("you", self.lang), question.text.get(self.lang), "cyan", self.lang))
        if question.voice == "supporter":
            self._say(say("own_view", self.lang), "magenta")
        else:
            self.console.print(line(say("owner", self.lang), self.owner.answer(question_id).text, "green", self.lang))
        if not applies(question, self.live.engine.values()):
            self._say(say("conditional", self.lang, refs=", ".join(condition_refs(question.when))), "yellow")
        self._format_hint(question)
        self._show_probes()
        self._say(say("write_note", self.lang), "dim")

    def probe(self, arg: str) -> None:
        if self.topic is None:
            self._say(say("no_topic", self.lang), "red")
            return
        question = self.bank.question(self.topic)
        count = len(question.probes)
        if not count:
            self._say(say("no_probes", self.lang), "red")
            return
        if not arg.isdigit() or not 1 <= int(arg) <= count:
            self._say(say("bad_probe", self.lang, n=count), "red")
            return
        index = int(arg) - 1
        self.console.print(line(say("you", self.lang), question.probes[index].get(self.lang), "cyan", self.lang))
        if question.voice == "supporter":
            return  # the supporter's probes are questions to oneself: the note stays on the view
        self.console.print(line(say("owner", self.lang), self.owner.probe(question.id, index).text, "green", self.lang))
        self.pending = (question.id, index)

    # ---- recording ----

    def write(self, text: str) -> None:
        if self.pending is None:
            self._say(say("no_topic", self.lang), "red")
            return
        question_id, probe = self.pending
        if probe is not None:
            self._record(lambda: (self._focus(question_id), self.live.run("follow_up", probe, text)))
        else:
            self._record(lambda: (self._focus(question_id), self._submit(question_id, text)))

    def _submit(self, question_id: str, text: str) -> None:
        question = self.bank.question(question_id)
        if question.type not in ("choice", "number"):
            self.live.run("submit", text, question_id in self.live.engine.values())
            return
        try:
            self.live.run("submit", text)
            rest = text if question.type == "number" and len(text.split()) > 1 else ""
        except AnswerError:
            head, _, rest = text.partition(" ")
            self.live.run("submit", head)
        if rest.strip():
            self.live.run("note", rest.strip())

    def _record(self, action: Any) -> None:
        try:
            action()
        except (AnswerError, CommandError) as exc:
            self._say(say("bad_answer", self.lang, why=_why(exc, self.lang)), "red")
            return
        self._say(say("saved", self.lang, qid=self.topic or ""), "green")

    def _focus(self, question_id: str | None) -> None:
        if question_id is None:
            raise CommandError("no_question")
        step = self.live.step()
        if step.question is None or step.question.id != question_id or step.state != "asking":
            self.live.run("jump", question_id)

    # ---- showing ----

    def _format_hint(self, question: Any) -> None:
        if question.type == "group":
            fields = " | ".join(f.label.get(self.lang) for f in question.fields)
            self._say(say("records", self.lang, fields=fields), "dim")
        elif question.type == "choice":
            self._say(say("choices", self.lang), "dim")
            self.console.print(numbered([f"{c.label.get(self.lang)} ({c.id})" for c in question.choices]))
        elif question.type == "number":
            self._say(say("number", self.lang), "dim")

    def _show_probes(self) -> None:
        if self.topic is None:
            self._say(say("no_topic", self.lang), "red")
            return
        question = self.bank.question(self.topic)
        if not question.probes:
            return
        used = {p.probe_index for p in self.live.transcript().probe_answers if p.question_id == question.id}
        self._say(say("probes_here", self.lang), "dim")
        self.console.print(numbered([p.get(self.lang) for p in question.probes], used))

    def question_list(self) -> Table:
        t = self.live.transcript()
        table = Table(show_header=False, box=None, pad_edge=False, expand=True)
        table.add_column(overflow="fold", style="bold", ratio=2)
        table.add_column(overflow="fold", ratio=5)
        table.add_column(overflow="fold", ratio=1)
        for section in self.bank.sections:
            table.add_row(RichText(section.title.get(self.lang), style="cyan"), "", "")
            for q in section.questions:
                mark = "○" if q.id in t.answers else ""
                table.add_row(q.id, RichText(q.text.get(self.lang)[:60]), mark)
        return table

    def _say(self, text: str, style: str = "") -> None:
        self.console.print(RichText(text, style=style))

    def toolbar(self) -> str:
        t = self.live.transcript()
        minutes = int(time.monotonic() - self.started) // 60
        return say("toolbar", self.lang, company=self.persona.company.get(self.lang), a=len(t.answers),
                   p=len(t.probe_answers), m=minutes)

    def finish(self) -> int:
        if self.live.step().state != "finished":
            self.live.run("finish")
        report = score(self.live.transcript(), self.persona, self.lang)
        self.console.print(render_report(report, self.persona, self.bank, self.lang))
        self._say(say("compile", self.lang, id=self.live.session_id), "bold")
        return EXIT_OK


def condition_refs(condition: Condition | None) -> list[str]:
    """The question ids a `when:` condition reads, in order."""
    if condition is None:
        return []
    if isinstance(condition, Compare):
        return [condition.question]
    if isinstance(condition, Not):
        return condition_refs(condition.item)
    assert isinstance(condition, AllOf | AnyOf)
    return list(dict.fromkeys(r for c in condition.items for r in condition_refs(c)))


def _why(exc: Exception, lang: str) -> str:
    from dialogue.ui.messages import MESSAGES as UI

    code = str(exc.args[0]) if exc.args else ""
    key = f"err_{code}"
    if key in UI:
        return UI[key][0 if lang == "ja" else 1]
    return code


# ---- the score report ----


def render_report(report: ScoreReport, persona: Persona, bank: Any, lang: str) -> RenderableType:
    you, expert = report.trainee, report.expert
    table = Table(title=say("score_title", lang, company=persona.company.get(lang)), expand=True)
    for key, justify in (("section", "left"), ("facts_you", "right"), ("facts_expert", "right"),
                         ("chars_you", "right"), ("chars_expert", "right")):
        table.add_column(say(key, lang), overflow="fold", justify=justify)  # type: ignore[arg-type]
    for mine, theirs in zip(you.sections, expert.sections, strict=True):
        table.add_row(mine.label, f"{mine.captured}/{mine.total}", f"{theirs.captured}/{theirs.total}",
                      str(mine.chars), str(theirs.chars))
    table.add_section()
    table.add_row(say("total", lang), _share(you), _share(expert), str(you.chars), str(expert.chars))
    parts: list[RenderableType] = [table, RichText(say("time", lang, you=_minutes(you), expert=_minutes(expert))),
                                   RichText(say("probes_used", lang, you=you.probes_used, expert=expert.probes_used))]
    parts.append(RichText(say("missed_title", lang), style="bold") if report.missed
                 else RichText(say("all_caught", lang), style="bold green"))
    for missed in report.missed:
        question = bank.question(missed.question_id)
        asked = ""
        if missed.action == "probe" and missed.probe_index is not None:
            action = say("act_probe", lang, qid=question.id, n=missed.probe_index + 1)
            asked = question.probes[missed.probe_index].get(lang)
        elif missed.action == "ask":
            action, asked = say("act_ask", lang, qid=question.id), question.text.get(lang)
        else:
            action = say("act_note", lang, qid=question.id)
        label = FIELDS_BY_ID[missed.fact.field_id].label(lang)
        parts.append(RichText.assemble(("- ", ""), (label, "bold"), ("  ", ""), (action, "yellow")))
        if asked:
            parts.append(RichText("  " + asked))
        parts.append(RichText.assemble(("  " + say("said", lang), "dim"), (missed.fact.text.get(lang), "dim")))
    return Group(*parts)


def numbered(items: list[str], marked: set[int] | None = None) -> Table:
    """`1. item` rows in a grid, so wrapped Japanese stays under its own text."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="dim")
    grid.add_column(overflow="fold")
    for index, item in enumerate(items):
        grid.add_row(f"  {index + 1}.{'*' if marked and index in marked else ''}", RichText(item))
    return grid


def _share(card: Scorecard) -> str:
    return f"{card.captured}/{card.total} ({card.share:.0%})"


def _minutes(card: Scorecard) -> str:
    return f"{card.seconds / 60:.0f}"


# ---- the unattended demo ----


def run_demo(live: LiveSession, persona: Persona, console: Console, lang: str) -> None:
    """A whole model interview on `persona`, printed as it goes, then finished."""
    def show(turn: Turn) -> None:
        if turn.speaker == "section":
            console.print(RichText(f"\n■ {turn.text}", style="bold cyan"))
            return
        label = {"banker": say("banker", lang), "owner": say("owner", lang),
                 "supporter": say("supporter", lang)}[turn.speaker]
        if turn.probe is not None and turn.speaker == "banker":
            label = f"{label}（{say('probe_mark', lang)}）" if lang == "ja" else f"{label} ({say('probe_mark', lang)})"
        style = {"banker": "cyan", "owner": "green", "supporter": "magenta"}[turn.speaker]
        console.print(line(label, turn.text, style, lang))

    interview(live, persona, "model", lang, on_turn=show)
    live.run("finish")
