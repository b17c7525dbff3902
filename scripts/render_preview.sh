#!/usr/bin/env bash
# Render the compiled sheet of a sample session the way a supporter would see it, and check it prints:
#   1. records a sample interview (a fictional company) in a temporary sessions directory;
#   2. `locaben compile` → sheet.html / sheet.xlsx / sheet.json / sheet.md;
#   3. headless Chromium: HTML → PNG (copied to docs/sheet-preview.png) and PDF;
#   4. LibreOffice headless: xlsx → PDF, then pdfinfo checks one landscape page per worksheet.
# Installs chromium, libreoffice-calc, poppler-utils and fonts-noto-cjk with apt-get when missing (needs root
# or sudo). Slow (minutes on first run); not part of the test suite.
#
# usage: scripts/render_preview.sh [OUT_DIR]        (default: build/preview)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$(mkdir -p "${1:-$ROOT/build/preview}" && cd "${1:-$ROOT/build/preview}" && pwd)"
PY="$ROOT/.venv/bin/python"
LOCABEN="$ROOT/.venv/bin/locaben"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

say() { printf '\033[1m== %s\033[0m\n' "$*"; }
fail() { printf 'render_preview: %s\n' "$*" >&2; exit 1; }

# ---- tools ----
APT_UPDATED=""
apt_install() {
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    if [ -z "$APT_UPDATED" ]; then $sudo apt-get update -qq; APT_UPDATED=1; fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@"
}
CHROMIUM="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$CHROMIUM" ]; then say "installing chromium"; apt_install chromium; CHROMIUM="$(command -v chromium)"; fi
command -v soffice >/dev/null || { say "installing libreoffice-calc"; apt_install libreoffice-calc; }
command -v pdfinfo >/dev/null || { say "installing poppler-utils"; apt_install poppler-utils; }
if ! fc-list :lang=ja 2>/dev/null | grep -q .; then say "installing a Japanese font"; apt_install fonts-noto-cjk; fi

# ---- 1. a sample session ----
say "recording a sample interview"
SESSIONS="$WORK/sessions"
SESSION_ID="$(PYTHONPATH="$ROOT" "$PY" - "$SESSIONS" "$ROOT" <<'PYTHON'
"""Answer every question of the standard bank for a fictional company; skip one, take a note, answer probes."""
import sys
from datetime import datetime
from pathlib import Path

from dialogue.banks.reader import load_bank
from dialogue.store.journal import SessionStore
from dialogue.store.live import SessionManager

ANSWERS = {
    "company_name": "株式会社みどり精工",
    "representative": "代表取締役 緑川 誠（二代目、2012年就任）",
    "location": "長野県岡谷市",  # short on purpose: the bank probes for the other sites
    "industry": "金属部品の精密切削加工業です。半導体製造装置向けが売上の約6割、医療機器向けが約3割、残りが産業機械向けです。",
    "employees": "48",
    "founded": "1972年創業、1985年に株式会社として設立",
    "history_story": "1972年に父が自宅の納屋で旋盤1台から始めました。1985年に法人化し、1990年代は自動車部品の量産で伸びました。"
                     "2012年に私が二代目として継ぎ、5軸加工機を導入して半導体と医療機器の精密部品に軸足を移しました。",
    "history_turning_points": "2009年、リーマンショックで自動車部品の受注が半減しました。それまで断っていた医療機器の小ロット・短納期の仕事を"
                              "引き受けたことが転機で、今では売上の3割を占める柱になっています。",
    "philosophy": "「図面の向こうにいる人を想う」が理念です。部品の先で使う患者さんや技術者の安全を考えて、手を抜かない仕事をすることを"
                  "朝礼で毎日確認しています。",
    "motivation_choice": "1",
    "motivation_detail": "医療機器向けをもう一本の柱に育て、5年で売上を8億円から12億円にしたいと考えています。ただ人が採れないのが一番の悩みで、"
                         "設備より人への投資を優先するつもりです。",
    "successor_status": "2",
    "successor_development": "長男（35歳）が専務として製造部を見ています。現場と主要取引先への顔つなぎは済みましたが、資金繰りや金融機関との"
                             "やり取りはまだ私がやっています。",
    "succession_timing": "5年後、私が65歳になる頃をめどに社長を譲りたいと考えています。その前に財務を任せていく予定です。",
    "succession_options": "長男に継がせるつもりですが、株式の移し方や相続税のことはまだ専門家に相談できていません。",
    "market_trend": "半導体装置向けは2〜3年周期で受注が大きく波打ちます。医療機器向けは高齢化で安定して伸びており、海外メーカーからの"
                    "国内回帰の引き合いも増えています。",
    "competitors": "県内に同規模の加工会社が3社あります。価格は向こうが1割ほど安いですが、当社は公差±2ミクロンの加工と、図面受領から"
                   "最短3日の試作で選ばれています。",
    "customer_trend": "上位3社で売上の6割、20年以上の取引です。新規は年に2〜3社で、ほとんどが既存のお客様からの紹介です。"
                      "この3年で医療機器メーカーが2社増えました。",
    "customer_feedback": "半年に一度、主要取引先の購買・品質部門と打合せをして評価表をもらっています。クレームは品質会議で全員に共有します。",
    "rnd": "専任の部署はありませんが、技術課の3名が新しい工具や加工条件の試験を続けています。チタン加工の条件出しを県の工業技術センターと"
           "共同で進めています。",
    "ip": "特許はありません。治具の設計図と加工条件のデータベースは社外秘として管理しています。",
    "employees_retention": "平均勤続年数は14年で、ここ3年で辞めたのは2名です。一方で若手の採用が難しく、平均年齢が46歳まで上がっています。",
    "banks": "地元の信用金庫と地方銀行の2行です。メインは信用金庫で、設備資金の大半をお願いしています。",
    "organization": "製造部・技術課・品質保証課・総務の4部門で、各部門に課長を置いています。私が不在のときは専務の長男が現場の判断をします。",
    "quality": "全製品を三次元測定機で検査し、検査成績書を付けて納品しています。不良が出たら当日中に原因を話し合い、"
               "対策を作業標準書に反映します。",
    "info_management": "図面はお客様ごとにサーバーでアクセス権を分けて保管しています。USBメモリの持ち込みは禁止しています。",
    "plan": "3か年の中期計画を毎年作り直しています。売上・利益・設備投資の目標を入れています。",
    "plan_sharing": "期初に全社員を集めて計画を説明し、毎月の全体会議で実績を共有しています。部門ごとの週次ミーティングもあります。",
    "hr_development": "入社3年間は先輩と組んで技能検定2級の取得を目指します。資格手当と外部研修の費用は会社が負担しています。",
    "skill_transfer": "ベテランの加工条件を動画とチェックシートにまとめ、若手が見て練習できるようにしています。まだ半分ほどです。",
    "flow_steps": "\n".join([
        "提案・受注｜図面を受け取り、加工方法と見積りを提案｜設計段階から加工しやすい形状を逆提案し、部品コストを1〜2割下げる",
        "試作｜1〜5個の試作品を製作｜図面受領から最短3日で試作品を届ける",
        "仕入｜ステンレスやチタンなどの材料を調達｜特殊鋼に強い商社2社と長年の取引があり、小ロットでも即日手配できる",
        "製造｜5軸加工機による切削加工｜段取り替えを標準化し、10個からの小ロットでも採算が合う",
        "検品・納品｜三次元測定機で全数検査して納品｜全数に検査成績書を添付し、不良率0.01％以下",
    ]),
    "suppliers": "\n".join([
        "諏訪特殊鋼商事｜チタン・特殊鋼の在庫が豊富で、小ロットでも即日届く",
        "信州ツール｜工具メーカー各社の新製品をいち早く試させてくれる",
    ]),
    "partners": "\n".join([
        "岡谷メッキ工業｜医療機器向けの表面処理の認証を持ち、納期を合わせてくれる",
        "丸山熱処理｜30年の付き合いで、急ぎの熱処理にも夜間対応してくれる",
    ]),
    "customers": "\n".join([
        "A精機（医療機器メーカー）｜試作から量産まで一社で任せられ、開発期間を短縮できる。売上の25％",
        "B製作所（半導体製造装置）｜公差±2ミクロンを量産で安定して出せる。売上の20％",
        "C工業（産業機械）｜小ロット・短納期でも断らずに引き受ける。売上の10％",
    ]),
    "end_users": "\n".join([
        "病院の医師・患者｜手術器具の部品として、不具合のない精度と安全性",
        "半導体工場の技術者｜装置が止まらない部品精度と、故障時の素早い部品供給",
    ]),
    "customer_value": "医療機器メーカーにとって、試作から量産まで一社で任せられるので開発期間を2〜3か月短縮できることです。"
                      "全数に検査成績書が付くので受入検査の手間も省けます。",
    "customer_value_confirm": "はい、その通りです。付け加えるなら、図面の段階で相談できる相手がいることが一番ありがたいと言われます。",
    "strengths_sales": "営業担当は2人だけですが、技術者が同行して図面の段階から改善提案をするので、新規の8割は既存のお客様からの紹介です。"
                       "見積りは原則24時間以内に返しており、その速さも評価されています。",
    "strengths_tech": "公差±2ミクロンのステンレス加工を量産でも安定して出せることです。治具を自社で設計していて、段取り替えが他社の半分の"
                      "時間で済みます。ベテランのコツは作業標準書にして若手が再現できるようにしています。",
    "strengths_episode": "取引先の工場で設備が故障し、交換部品の納期が海外から2か月と言われたとき、現物から寸法を測って3日で作って届けました。"
                         "それ以来、試作はまず当社に相談が来るようになりました。",
    "strengths_intangible": "地元の信用金庫や商工会との長い付き合いと、協力会社との30年来の信頼関係です。急ぎの仕事でも夜間に対応してもらえます。",
    "weaknesses": "営業が社長と専務に頼りきりで、新しい業界への提案ができていません。ホームページも10年前のままで、問い合わせはほとんどありません。",
    "weaknesses_lost": "昨年、量産5万個の案件を価格で失注しました。大量生産の設備がなく、単価を合わせられませんでした。",
    "it_use": "生産管理システムで工程と納期を管理しています。見積りはまだExcelで、ベテランの経験に頼っています。",
    "productivity": "夜間の無人運転を週3日に増やし、段取り替えの時間を3年で4割短縮しました。次は見積りの自動化に取り組みたいです。",
    "current_state_owner": "受注は医療機器向けが伸びて順調ですが、人手が足りず、せっかくの引き合いをお断りすることもあります。"
                           "ベテランの技術が若手に移りきっていないのも心配です。",
    "current_state_supporter": "精密加工と短納期対応に明確な強みがあり、医療機器向けの成長余地は大きい。一方で営業と財務が社長個人に集中しており、"
                               "人材確保と技能承継、事業承継の準備が成長の制約になっている。半導体向けの受注変動も資金繰りの波として表れている。",
    "future_goal": "5年後に売上12億円、うち医療機器向けを5割にしたいです。従業員は60名に増やし、長男に社長を譲れる体制にしたいです。"
                   "第二工場に医療機器専用のクリーンな加工ラインを作るのが目標です。",
    "issues_owner": "若手の採用と育成、ベテランの技能の見える化、医療機器の品質認証（ISO13485）の取得です。",
    "issues_supporter": "本質的な課題は「社長と専務に集中している営業・財務の仕組み化」と考える。経営者は採用を第一に挙げたが、"
                        "見積りや顧客対応を仕組みにしないと、人を増やしても受注増につながらない。承継に向けた財務の引継ぎも急ぐ必要がある。",
    "actions_owner": "地元の工業高校との連携を始め、今年は職場体験を3回受け入れました。来年度は見積りシステムの導入と、"
                     "ISO13485取得の準備に着手したいです。",
    "actions_supporter": "①事業承継・引継ぎ支援センターの紹介と株式移転の相談、②見積り自動化へのIT導入補助金の活用提案、"
                         "③ISO13485取得費用と設備投資の資金計画を一緒に作成、④次回は決算書3期分と中期計画をもとに資金繰りを確認する。",
}
SKIP = {"employees_pay"}  # shows up under 次回確認事項
NOTES = {"banks": "次回、決算書3期分と借入明細をご用意いただく約束"}
PROBE_ANSWERS = {"location": "本社工場のほか、隣の諏訪市に第二工場（検査・出荷）があります。",
                 "issues_owner": "採用は地元の工業高校から毎年2名が目標ですが、ここ2年は1名ずつしか採れていません。"}

root = Path(sys.argv[1])
bank = load_bank(Path(sys.argv[2]) / "question_banks" / "locaben_standard.yaml")
manager = SessionManager(SessionStore(root), lambda: datetime.now().astimezone())
with manager.create(bank, {"lang": "ja"}) as live:
    step = live.step()
    while step.state != "at_end":
        qid = step.question.id
        if step.state == "probing":
            if qid in PROBE_ANSWERS:
                step = live.run("submit", PROBE_ANSWERS.pop(qid))
            else:
                print(f"(no sample answer for the probe on {qid}; probes skipped)", file=sys.stderr)
                step = live.run("skip")
        elif qid in SKIP:
            step = live.run("skip")
        else:
            if qid in NOTES:
                live.run("note", NOTES.pop(qid))
            step = live.run("submit", ANSWERS[qid])
    live.run("finish")
    print(live.session_id)
PYTHON
)"
[ -n "$SESSION_ID" ] || fail "no session was recorded"

# ---- 2. compile ----
say "compiling session $SESSION_ID into $OUT"
"$LOCABEN" compile "$SESSION_ID" --format md,html,xlsx,json -o "$OUT" --sessions-dir "$SESSIONS"
HTML="$OUT/$SESSION_ID-sheet.html"
XLSX="$OUT/$SESSION_ID-sheet.xlsx"

# ---- 3. HTML → PNG and PDF ----
say "rendering the HTML with $(basename "$CHROMIUM")"
chrome() {
    "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$(mktemp -d -p "$WORK")" --hide-scrollbars "$@" 2>"$WORK/chromium.log" \
        || { cat "$WORK/chromium.log" >&2; fail "chromium failed"; }
}
chrome --no-pdf-header-footer --print-to-pdf-no-header --print-to-pdf="$OUT/$SESSION_ID-sheet.html.pdf" "file://$HTML"
# --screenshot captures the window only: measure the page height on a throw-away copy that reports it
# (the shipped HTML has no script), then shoot the whole page.
sed 's#</body>#<script>document.body.dataset.height = document.documentElement.scrollHeight</script></body>#' \
    "$HTML" >"$WORK/measure.html"
HEIGHT="$(chrome --window-size=1280,900 --dump-dom "file://$WORK/measure.html" | grep -o 'data-height="[0-9]*"' | tr -dc 0-9)"
[ -n "$HEIGHT" ] || fail "could not measure the page height"
chrome --window-size="1280,$(( HEIGHT < 12000 ? HEIGHT : 12000 ))" --screenshot="$OUT/$SESSION_ID-sheet.png" "file://$HTML"
mkdir -p "$ROOT/docs"
cp "$OUT/$SESSION_ID-sheet.png" "$ROOT/docs/sheet-preview.png"

# ---- 4. xlsx → PDF, one landscape page per worksheet ----
say "converting the workbook with LibreOffice"
soffice --headless --norestore --nolockcheck "-env:UserInstallation=file://$WORK/lo-profile" \
    --convert-to pdf --outdir "$WORK" "$XLSX" >"$WORK/soffice.log" 2>&1 \
    || { cat "$WORK/soffice.log" >&2; fail "LibreOffice failed"; }
XLSX_PDF="$OUT/$SESSION_ID-sheet.xlsx.pdf"
mv "$WORK/$SESSION_ID-sheet.pdf" "$XLSX_PDF"

check_pdf() {  # file, expected pages ("" = any): every page must be A4 landscape
    local file="$1" expected="$2" pages
    pages="$(pdfinfo "$file" | awk '/^Pages:/ {print $2}')"
    [ -z "$expected" ] || [ "$pages" -eq "$expected" ] || fail "$(basename "$file"): $pages pages, expected $expected"
    pdfinfo -f 1 -l "$pages" "$file" | awk -v f="$(basename "$file")" '
        /^Page +[0-9]+ size:/ { n++; w = $4; h = $6
            if (w <= h) { printf "%s: page %d is portrait (%s x %s pt)\n", f, $2, w, h; bad = 1 }
            if (w < 830 || w > 850 || h < 585 || h > 605) { printf "%s: page %d is not A4 (%s x %s pt)\n", f, $2, w, h; bad = 1 } }
        END { exit bad }' >&2 || fail "$(basename "$file") does not print on A4 landscape"
    echo "$(basename "$file"): $pages page(s), A4 landscape"
}
WORKSHEETS="$("$PY" -c 'import sys, openpyxl; print(len(openpyxl.load_workbook(sys.argv[1]).worksheets))' "$XLSX")"
check_pdf "$XLSX_PDF" "$WORKSHEETS"
check_pdf "$OUT/$SESSION_ID-sheet.html.pdf" ""

say "done"
ls -1 "$OUT"/"$SESSION_ID"-* "$ROOT/docs/sheet-preview.png"
