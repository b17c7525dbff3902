"""Every UI string in Japanese and English. `say(key, lang, **values)`; Japanese is the default."""

from __future__ import annotations

import locale
import os

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (ja, en)
    "section": ("セクション {n}/{m}", "Section {n}/{m}"),
    "answered": ("回答 {a}/{b}", "Answered {a}/{b}"),
    "purpose": ("質問の目的", "Why we ask"),
    "listen_for": ("聞き取るポイント", "Listen for"),
    "example": ("回答例", "Example"),
    "guidance": ("ヒアリングの心得", "Interview manners"),
    "recap": ("ここまでに伺った内容", "What we have heard so far"),
    "probe": ("深掘りの質問（{i}/{n}）", "Follow-up ({i}/{n})"),
    "probe_help": ("回答が短めです。次の質問で深掘りしてみましょう。Enter だけで次の深掘りへ、/skip で深掘りを終了。",
                   "The answer is thin. Try this follow-up. Empty Enter: next probe, /skip: stop probing."),
    "voice_supporter": ("（支援者の見立てとして記入）", "(record the supporter's own view)"),
    "current_answer": ("これまでの回答", "Current answer"),
    "choices": ("番号か ID で答えてください", "Answer with the number or id"),
    "fmt_list": ("1行に1項目（または ; で区切る）", "One item per line (or separate with ;)"),
    "fmt_group": ("1行に1件、項目は | で区切る: {fields}", "One record per line, fields separated by |: {fields}"),
    "fmt_number": ("数字で（単位: {unit}）", "A number (unit: {unit})"),
    "suggested": ("目安: {n} 件", "Aim for about {n}"),
    "keys": ("Enter: 送信  Esc→Enter: 改行  /help: コマンド一覧  Ctrl-C: 保存して終了",
             "Enter: send  Esc→Enter: new line  /help: commands  Ctrl-C: save and quit"),
    "at_end": ("すべての質問が終わりました。/review で見直し、/finish で完了、/jump で任意の質問へ。",
               "Every question has been asked. /review to check, /finish to complete, /jump to go anywhere."),
    "review_title": ("シートの下書き", "Draft sheet"),
    "review_close": ("Enter で質問に戻ります（/finish で完了）。", "Press Enter to return (/finish to complete)."),
    "saved_resume": ("保存しました。再開するには: locaben resume {id}", "Saved. To resume: locaben resume {id}"),
    "finished": ("ヒアリングを完了しました。シートを作成するには: locaben compile {id}",
                 "Interview finished. To compile the sheet: locaben compile {id}"),
    "started": ("新しいセッション {id} を開始しました（保存先: {path}）",
                "Started session {id} (saved in {path})"),
    "resumed": ("セッション {id} を再開します", "Resuming session {id}"),
    "noted": ("メモを記録しました。", "Note saved."),
    "hints_on": ("ヒント表示: オン", "Hints: on"),
    "hints_off": ("ヒント表示: オフ", "Hints: off"),
    "err_empty": ("回答が空です。答えを入力するか、/skip でスキップしてください。",
                  "The answer is empty. Type an answer, or /skip."),
    "err_choice": ("選択肢の番号か ID を入力してください。", "Type the number or id of a choice."),
    "err_number": ("数字を入力してください（例: 12）。", "Type a number (e.g. 12)."),
    "err_range": ("範囲外の数字です。", "The number is out of range."),
    "err_not_now": ("今は /{cmd} は使えません。使えるコマンド: {legal}", "/{cmd} is not available now. Available: {legal}"),
    "err_unknown_command": ("不明なコマンド: {cmd}。/help で一覧を表示します。", "Unknown command: {cmd}. /help lists them."),
    "err_unknown_target": ("移動先が見つかりません: {target}", "No such section or question: {target}"),
    "err_nothing_back": ("これより前の質問はありません。", "There is no earlier question."),
    "err_needs_arg": ("/{cmd} には引数が必要です（例: {example}）", "/{cmd} needs an argument (e.g. {example})"),
    "not_a_tty": ("標準入力が端末ではありません。対話せずに実行するには --plain を付けて、回答を1行ずつ標準入力に渡してください。\n"
                  "例: printf '株式会社みどり精工\\n/pause\\n' | locaben interview --plain",
                  "Standard input is not a terminal. To run without a terminal, add --plain and pipe one answer per line.\n"
                  "Example: printf 'Midori Seiko\\n/pause\\n' | locaben interview --plain"),
    "help": (
        "コマンド:\n"
        "  /back            前の質問に戻る\n"
        "  /skip            この質問をスキップ（深掘り中は深掘りを終了）\n"
        "  /jump 移動先     セクションまたは質問の ID へ移動（Tab で補完）\n"
        "  /hint            質問の目的・聞き取るポイントの表示を切り替え\n"
        "  /note テキスト   この質問にメモを残す\n"
        "  /review          シートの下書きを表示\n"
        "  /pause           保存して中断（locaben resume で再開）\n"
        "  /finish          ヒアリングを完了\n"
        "  /help            この一覧",
        "Commands:\n"
        "  /back            go back to the previous question\n"
        "  /skip            skip this question (while probing: stop probing)\n"
        "  /jump TARGET     go to a section or question id (Tab completes)\n"
        "  /hint            show or hide why we ask and what to listen for\n"
        "  /note TEXT       attach a note to this question\n"
        "  /review          show the draft sheet\n"
        "  /pause           save and stop (continue with locaben resume)\n"
        "  /finish          finish the interview\n"
        "  /help            this list"),
}


def say(key: str, lang: str, **values: object) -> str:
    ja, en = MESSAGES[key]
    text = ja if lang == "ja" else en
    return text.format(**values) if values else text


def default_language(available: tuple[str, ...] = ("ja", "en")) -> str:
    """LOCABEN_LANG, else the locale's language if available, else the first available."""
    wanted = os.environ.get("LOCABEN_LANG")
    if not wanted:
        loc = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
        if not loc:
            loc = (locale.getlocale()[0] or "")
        wanted = loc[:2].lower()
    return wanted if wanted in available else available[0]
