"""`locaben --help` in Japanese and English. The language comes from --lang, LOCABEN_LANG or LANG,
looked at before argparse runs (so the help itself can be localised)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

HELP: dict[str, tuple[str, str]] = {
    "description": ("ローカルベンチマーク（ロカベン）非財務ヒアリングを質問ごとに案内し、シートにまとめます。",
                    "A guided Local Benchmark (ローカルベンチマーク) non-financial interview in the terminal."),
    "epilog": ("例: locaben interview ・ locaben resume ID ・ locaben compile ID ・ "
               "locaben bank validate question_banks/*.yaml",
               "examples: locaben interview · locaben resume ID · locaben compile ID · "
               "locaben bank validate question_banks/*.yaml"),
    "sessions_dir": ("セッションの保存先（既定: $LOCABEN_SESSIONS_DIR または ./sessions）",
                     "where sessions are saved (default: $LOCABEN_SESSIONS_DIR or ./sessions)"),
    "lang": ("表示言語（既定: 質問バンクの第一言語、またはロケール）", "UI language (default: the bank's first, or locale)"),
    "interview": ("新しいヒアリングを開始", "start a new interview"),
    "bank": ("質問バンク（既定: {default}）", "question bank (default: {default})"),
    "from": ("同じ会社の以前のヒアリングから始める: 前回の回答を確認・更新（定点観測）",
             "start from an earlier interview of the same company: its answers are offered to confirm or update"),
    "resume": ("中断したヒアリングを再開", "continue a saved interview"),
    "resume_bank": ("セッションが記録しているバンクの代わりにこのバンクを使う",
                    "use this bank instead of the one the session names"),
    "new_visit": ("次の訪問として始める: 次回確認・スキップ・未記入の必須項目から（{hours} 時間以上空くと自動）",
                  "start the next visit now: flagged, skipped and empty required questions first "
                  "(automatic after {hours} hours away)"),
    "same_visit": ("時間が空いていても同じ訪問として続ける", "continue the same visit, however long ago"),
    "mode": ("guided（既定）: 目的・ヒント・深掘り付きで1問ずつ / meeting: 会議中の素早いメモ、自由に移動、自動の深掘りなし",
             "guided (default): one question at a time with purpose, hints and probes; "
             "meeting: compact note-taking, jump anywhere, no automatic probes"),
    "budget": ("この訪問の予定時間（分）: 8割で控えめにお知らせ", "planned minutes for this visit: a gentle warning at 80%"),
    "plain": ("端末 UI を使わず、標準入力から1行ずつ回答を読む（\\n で改行）",
              "read one answer per line from standard input (no terminal UI); \\n = line break"),
    "no_hints": ("目的・ヒントを隠して始める（/hint で切替）", "start with purpose/hints hidden (/hint toggles)"),
    "sessions": ("保存されたセッションの一覧", "list saved sessions"),
    "json": ("スクリプト向けに JSON で出力", "print JSON for scripts"),
    "compile": ("シートと記録を作成", "write the sheet and the transcript"),
    "all": ("すべてのセッションをまとめて作成（進捗バー付き）", "compile every session (with a progress bar)"),
    "format": ("カンマ区切りの形式、または all（既定）。--list-formats で一覧",
               "comma-separated formats, or 'all' (default); see --list-formats"),
    "list_formats": ("形式の一覧を表示して終了", "list the formats and exit"),
    "output": ("出力先（既定: ./out）", "output directory (default: ./out)"),
    "force": ("手で編集されたファイルも上書きする", "overwrite files that were edited by hand"),
    "bank_cmd": ("質問バンクの検証など", "check and draw question banks"),
    "validate": ("バンクファイルの問題をすべて報告", "report every problem in bank files"),
}


def h(key: str, lang: str, **values: object) -> str:
    ja, en = HELP[key]
    text = ja if lang == "ja" else en
    text = text.replace("%", "%%")  # argparse formats help with %
    return text.format(**values) if values else text


def help_language(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return "en" if argv[i + 1] == "en" else "ja"
        if arg.startswith("--lang="):
            return "en" if arg.endswith("=en") else "ja"
    wanted = environ.get("LOCABEN_LANG") or environ.get("LC_ALL") or environ.get("LANG") or "ja"
    return "en" if wanted.lower().startswith("en") else "ja"


# argparse's own words, for a help screen wholly in Japanese (argparse looks them up through its `_`).
ARGPARSE_JA = {
    "usage: ": "使い方: ",
    "positional arguments": "引数",
    "options": "オプション",
    "show this help message and exit": "このヘルプを表示して終了",
    "show program's version number and exit": "バージョンを表示して終了",
    "the following arguments are required: %s": "次の引数が必要です: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "無効な選択: %(value)r（選択肢: %(choices)s）",
    "unrecognized arguments: %s": "認識できない引数: %s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: エラー: %(message)s\n",
    "expected one argument": "引数が1つ必要です",
}


def localise_argparse(lang: str) -> None:
    """Make argparse's fixed words (usage, options, errors) speak `lang`."""
    import argparse
    import gettext

    if lang == "ja":
        argparse._ = lambda text: ARGPARSE_JA.get(text, text)  # type: ignore[attr-defined]
    else:
        argparse._ = gettext.gettext  # type: ignore[attr-defined]

