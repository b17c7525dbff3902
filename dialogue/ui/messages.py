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
    "probe_help": ("空のまま Enter で次の深掘り、/skip で終了、/own 質問 で自分の深掘り。",
                   "Empty Enter: next probe, /skip: stop probing, /own QUESTION: your own follow-up."),
    # why this probe (dialogue.engine.probing.Why); {element} is the element's label (dialogue.model.elements)
    "probe_why_missing": ("{element}がまだ出ていません。この質問で伺ってみましょう。", "Still missing: {element}. Try this follow-up."),
    "probe_why_thin": ("回答が短めです。この質問で深掘りしてみましょう。", "The answer is thin: try this follow-up."),
    "probe_why_always": ("経験者が必ず深掘りする質問です。", "Experienced interviewers always dig here."),
    "probe_why_after_none": ("「特にない」とのお答えでした。聞き方を変えてみましょう。",
                             "The owner had nothing to say: try asking another way."),
    "probe_why_after_negative": ("「ない」とのお答えでした。その場合に伺うことです。",
                                 "The owner said there is none: this is what to ask then."),
    "voice_supporter": ("（支援者の見立てとして記入）", "(record the supporter's own view)"),
    "current_answer": ("これまでの回答", "Current answer"),
    "choices": ("番号か ID で答えてください", "Answer with the number or id"),
    "fmt_list": ("1行に1項目（または ; で区切る）", "One item per line (or separate with ;)"),
    "fmt_group": ("1行に1件、項目は | で区切る: {fields}", "One record per line, fields separated by |: {fields}"),
    "fmt_number": ("数字で（単位: {unit}）", "A number (unit: {unit})"),
    "suggested": ("目安: {n} 件", "Aim for about {n}"),
    "keys": ("Enter 送信 · Esc→Enter 改行 · F2 ヒント · /help",
             "Enter send · Esc→Enter new line · F2 hints · /help"),
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
    "err_no_such_target": ("移動先が見つかりません: {target}", "Nothing matches: {target}"),
    "err_many_targets": ("候補が複数あります。ID で指定してください: {targets}", "Several match; give the id: {targets}"),
    "err_unknown_field": ("シートの項目が見つかりません: {field}", "No such sheet field: {field}"),
    "err_status_forbidden": ("この質問では「{status}」は選べません。", "'{status}' is not allowed for this question."),
    "err_unknown_source": ("出所は owner / doc / estimate のいずれかです（例: /source doc 決算書）。",
                           "The source is owner / doc / estimate (e.g. /source doc balance sheet)."),
    "err_no_answer_for_source": ("出所を付ける回答がまだありません。", "There is no answer to mark yet."),
    "err_generic": ("できませんでした: {code}", "Not possible: {code}"),
    "status_unknown": ("わからない", "don't know"),
    "status_declined": ("回答を控えたい", "declined to answer"),
    "status_not_applicable": ("該当なし", "not applicable"),
    "marked": ("「{status}」として記録しました。", "Recorded as '{status}'."),
    "source_owner": ("経営者の発言", "stated by the owner"),
    "source_document": ("資料で確認", "seen in a document"),
    "source_estimate": ("支援者の推定", "supporter's estimate"),
    "source_set": ("出所: {source}", "Source: {source}"),
    "flagged": ("次回確認に印を付けました。", "Flagged to confirm at the next visit."),
    "unflagged": ("次回確認の印を外しました。", "Flag removed."),
    "flag_mark": ("【次回確認】", "[to confirm]"),
    "parked": ("「{field}」に控えました。その項目に来たら下書きとして出します。",
               "Filed under '{field}'; it will be offered when that field comes up."),
    "parked_offer": ("先に伺った内容が入力欄に入っています。確認・修正して Enter。",
                     "What the owner said earlier is in the input line: check, edit, Enter."),
    "prefill_offer": ("前回の回答が入力欄に入っています。変わりがなければそのまま Enter、変わっていれば修正を。",
                      "Last time's answer is in the input line: Enter if unchanged, or edit it."),
    "hidden": ("回答の変更により「{question}」の回答はシートから外れます（記録には残ります）。",
               "Because of the change, the answer to '{question}' no longer goes on the sheet (it stays in the transcript)."),
    "reoffer": ("回答の変更により「{question}」をもう一度確認します。", "Because of the change, '{question}' is asked again."),
    "inapplicable": ("「{question}」は今の回答では対象外の質問です。ここでの回答は記録されますが、条件が成り立つまでシートには載りません。",
                     "'{question}' does not apply given the answers so far: an answer here is recorded but stays "
                     "off the sheet until its condition holds."),
    "visit": ("{n} 回目の訪問です。次回確認・スキップ・未記入の必須項目から始めます。",
              "Visit {n}: starting with flagged, skipped and empty required questions."),
    "meeting_keys": ("会議モード · 入力は追記 · 空Enterで次へ · /jump · /outline",
                     "meeting · input appends · empty Enter: next · /jump · /outline"),
    "outline_title": ("項目一覧（● 記入済 ○ 未記入 × スキップ）", "Outline (● filled ○ empty × skipped)"),
    "time_warning": ("予定時間 {budget} 分のうち {used} 分が経過しました。残りの進め方を確認しましょう。",
                     "{used} of the planned {budget} minutes have passed. Agree how to use the rest."),
    "section_time": ("この章 {minutes}分・{chars}字", "section {minutes} min, {chars} chars"),
    "visit_time": ("訪問 {minutes}{budget}分", "visit {minutes}{budget} min"),
    "own_probe_wait": ("自分の深掘り: {question} — 社長の答えを入力してください（メモとして残ります）。",
                       "Your own follow-up: {question} — type the owner's answer (kept as a note)."),
    "own_probe_note": ("深掘り（自分で）: {question} → {answer}", "Own follow-up: {question} → {answer}"),
    "save_failed": ("保存できませんでした。この入力は記録されていません（それ以前の回答はすべて保存済みです）。"
                    "空き容量や書き込み権限を確認して、もう一度入力してください。\n{error}",
                    "Could not save: this input was NOT recorded (every earlier answer is saved). Free some "
                    "space or fix the permissions, then type it again.\n{error}"),
    "help": (
        "コマンド:\n"
        "  /back            前の質問に戻る\n"
        "  /skip            この質問をスキップ（深掘り中は深掘りを終了）\n"
        "  /jump 移動先     セクションまたは質問の ID へ移動（Tab で補完）\n"
        "  /hint            質問の目的・聞き取るポイントの表示を切り替え\n"
        "  /note テキスト   この質問にメモを残す\n"
        "  /own 質問        自分で考えた深掘りを聞き、次の行に答えを入力（メモに残る）\n"
        "  /next            回答はそのままで次の質問へ\n"
        "  /unknown /declined /na   わからない・回答を控えたい・該当なし として記録\n"
        "  /source owner|doc 資料名|estimate   直前の回答の出所（経営者の発言・資料で確認・支援者の推定）\n"
        "  /flag [メモ]     次回確認の印を付ける（/unflag で外す）\n"
        "  /park 項目 テキスト   順番外に出た話を該当項目に控える（Tab で補完）\n"
        "  /outline         全項目と記入状況を表示\n"
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
        "  /own QUESTION    ask your own follow-up; type the answer on the next line (kept as a note)\n"
        "  /next            keep the answer as it is and go on\n"
        "  /unknown /declined /na   record don't know / declined / not applicable\n"
        "  /source owner|doc NAME|estimate   where the last answer comes from\n"
        "  /flag [NOTE]     mark to confirm at the next visit (/unflag removes)\n"
        "  /park FIELD TEXT file what the owner said out of order under its field (Tab completes)\n"
        "  /outline         all fields and what is filled\n"
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
