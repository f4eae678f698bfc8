"""The programme's data pack: one XLSX sheet per table of the programme page, headers in English
and Chinese, and a methods sheet. Formula-safe as every export here (training/services/exports.py):
text that a spreadsheet would read as a formula gets a leading quote and is stored as text.
Private cities are not in the resilience sheets; anonymised ones carry their letter only."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from training.models import Module
from training.services.exports import CellValue, sheet_title
from training.services.programmes.learning import MIN_TRAINEES, GainFigure, GainTable
from training.services.programmes.report import ProgrammeReport
from training.services.spreadsheets import write_rows

H = {
    "city": "City / 城市",
    "year": "Year / 年份",
    "trainees": "Officials trained / 受训官员人数",
    "departments": "Departments represented / 涉及部门数",
    "completed": "Modules completed / 完成模块人次",
    "certificates": "Certificates / 证书数",
    "sessions": "Sessions held / 已举办场次",
    "present": "Attendances / 出席人次",
    "rate": "Attendance % / 出勤率（%）",
    "department": "Department / 部门",
    "scope": "Cities / 城市范围",
    "module": "Module / 课程模块",
    "essential": "Essential / 要素",
    "n": "Trainees (N) / 学员人数（N）",
    "pre": "Mean pre-test % / 课前测试平均（%）",
    "post": "Mean final quiz % / 模块测验平均（%）",
    "gain": "Gain (points) / 提高（百分点）",
    "sharing": "Shared as / 共享方式",
    "maximum": "Maximum / 满分",
    "first_no": "First assessment no. / 首次评估序号",
    "first": "First score / 首次得分",
    "latest_no": "Latest assessment no. / 最近评估序号",
    "latest": "Latest score / 最近得分",
    "change": "Change / 变化",
    "weakest": "Weakest Essentials / 最薄弱要素",
    "recommended": "Modules recommended / 建议模块",
    "taken": "Modules taken / 已学模块",
    "both": "Recommended and taken / 建议且已学",
}
ALL_CITIES = "All cities / 全部城市"
ALL_MODULES = "All modules / 全部模块"
TOO_FEW = f"fewer than {MIN_TRAINEES} / 少于{MIN_TRAINEES}人"
TOTAL = "Total / 总分"
SHARED_AS = {"named": "by name / 具名", "anonymised": "anonymised / 匿名"}
METHODS = [
    (
        "Officials trained: distinct members of the programme's cohorts of the city whose"
        " cohort starts in the year (each person once per row; once in the total).",
        "受训官员人数：该城市当年开班的项目培训班中的不同学员（每行每人计一次，合计中也只计一次）。",
    ),
    (
        "Departments: the organisation on members' profiles, compared without case and sp"
        "acing; none given is not counted.",
        "部门：学员个人资料中填写的单位（不区分大小写和空格）；未填写的不计入。",
    ),
    (
        "Module completed: every lesson done and the final quiz passed, for a module assi"
        "gned in the member's cohort.",
        "完成模块：学员所在培训班布置的模块，全部课时已学完且模块测验及格。",
    ),
    (
        "Sessions held: sessions dated today or earlier; attendance % = attendances marke"
        "d present / (sessions × members).",
        "已举办场次：日期在今天或之前的场次；出勤率 = 记为出席的人次 ÷（场次 × 学员人数）。",
    ),
    (
        "Learning gain: first pre-test against latest final quiz per trainee and module; "
        "means of the shares of questions answered right; gain = mean final − mean pre-te"
        "st, in percentage points.",
        "学习成效：每位学员每个模块的首次课前测试与最近一次模块测验对比；取答对比例的"
        "平均值；提高 = 测验平均 − 课前平均（百分点）。",
    ),
    (
        f"Small numbers: no figure is computed for fewer than {MIN_TRAINEES} trainees.",
        f"小样本规则：学员少于{MIN_TRAINEES}人时不计算任何数值。",
    ),
    (
        "Resilience: the city's first and latest preliminary scorecard assessment, scores"
        " 0–3 per question (maximum 141); only cities that agreed to share; anonymised ci"
        "ties are shown as 'City A', 'City B'… in an order unrelated to their names; priv"
        "ate cities are left out.",
        "韧性：城市首次与最近一次初级记分卡评估，每题0–3分（满分141）；仅包括同"
        "意共享的城市；匿名城市以“城市A”“城市B”等表示，顺序与城市名称无关；不共"
        "享的城市不列入。",
    ),
    (
        "Scores add up the questions answered, and the sheet gives how many they were: a q"
        "uestion scored 0 counts 0, a question not answered counts nothing. An Essential "
        "(or an assessment) with no question answered has no score (empty cell, not 0); t"
        "he change is given only where both assessments have a score.",
        "得分为已作答题目的得分之和，表中列出已答题数：得0分的题目计0分，未作答的题目"
        "不计入。某要素（或某次评估）没有任何已答题目时不计得分（单元格留空，而非0）；"
        "只有首次与最近一次评估都有得分时才给出变化。",
    ),
    (
        "Modules recommended: modules serving the three weakest Essentials of the latest "
        "assessment (the rule of the scorecard page); taken: modules assigned in the city"
        "'s programme cohorts.",
        "建议模块：针对最近一次评估中最薄弱的三个要素的模块（与记分卡页面规则相同）；"
        "已学模块：该城市项目培训班布置的模块。",
    ),
]


def _both(module: Module) -> str:
    return f"{module.title_en} / {module.title_zh}" if module.title_zh else module.title_en


def _city_name(city) -> str:
    return (
        f"{city.name_en} / {city.name_zh}" if city.name_zh and city.name_zh != city.name_en else city.name_en
    )


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _gain_cells(figure: GainFigure) -> list[CellValue]:
    if figure.too_few:
        return [figure.trainees, TOO_FEW, TOO_FEW, TOO_FEW]
    if not figure.shown:
        return [figure.trainees, None, None, None]
    return [figure.trainees, _pct(figure.mean_pre), _pct(figure.mean_post), _pct(figure.gain)]


def _sheet(workbook: Workbook, title: str, headers: list[str], rows: list[list[CellValue]]) -> None:
    sheet = workbook.create_sheet(sheet_title(title))
    write_rows(sheet, headers, rows)
    for c in range(1, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(c)].width = 14 if c > 2 else 30


def _gain_rows(report: ProgrammeReport, by: str) -> list[list[CellValue]]:
    learning = report.learning
    scopes: list[tuple[str, GainTable]] = [(ALL_CITIES, learning.overall)]
    scopes += [(_city_name(c.city), c.table) for c in learning.cities]
    rows: list[list[CellValue]] = []
    for scope, table in scopes:
        if by == "module":
            for module in learning.modules:
                rows.append([scope, _both(module), *_gain_cells(table.by_module[module.id])])
            rows.append([scope, ALL_MODULES, *_gain_cells(table.overall)])
        else:
            for number, figure in table.by_essential.items():
                rows.append([scope, number, *_gain_cells(figure)])
    return rows


RESILIENCE_HEADERS = [
    H["city"],
    H["sharing"],
    H["essential"],
    H["maximum"],
    "Questions / 题数",
    H["first_no"],
    "First: questions answered / 首次：已答题数",
    H["first"],
    H["latest_no"],
    "Latest: questions answered / 最近：已答题数",
    H["latest"],
    H["change"],
]


def _resilience_sheet(workbook: Workbook, res) -> None:
    """A row per sharing city and Essential, and its total: the questions answered in the first
    and the latest assessment, and the sum of their scores — an empty cell, not 0, where none was
    answered; the change only where both have a score."""
    rows: list[list[CellValue]] = []
    for city in res.cities:
        label = (
            f"{city.name['en']} / {city.name['zh']}"
            if city.name["zh"] != city.name["en"]
            else city.name["en"]
        )
        first, latest = city.first, city.latest
        for number in [*(e.number for e in res.essentials), None]:
            if number is None:
                head = [TOTAL, res.max_total, res.question_total]
            else:
                head = [number, res.maximum.get(number, 0), res.questions.get(number, 0)]
            if first is None or latest is None:
                rows.append([label, SHARED_AS[city.level], *head, None, None, None, None, None, None, None])
                continue

            def pick(s, n=number):
                return (s.answered, s.total) if n is None else (s.answered_by_essential[n], s.by_essential[n])

            rows.append([label, SHARED_AS[city.level], *head, first.sequence, *pick(first), latest.sequence,
                         *pick(latest), city.change(number)])  # fmt: skip
    _sheet(workbook, "Resilience 韧性", RESILIENCE_HEADERS, rows)


def build_workbook(report: ProgrammeReport) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    reach = report.reach

    def reach_row(label, year, row) -> list[CellValue]:
        rate = None if row.attendance_rate is None else round(100 * row.attendance_rate, 1)
        return [label, year, row.trainees, row.departments, row.modules_completed, row.certificates,
                row.sessions, row.present, rate]  # fmt: skip

    rows = [reach_row(_city_name(r.city), r.year, r) for r in reach.rows]
    rows.append(reach_row(ALL_CITIES, None, reach.total))
    reach_headers = [
        "city",
        "year",
        "trainees",
        "departments",
        "completed",
        "certificates",
        "sessions",
        "present",
    ]
    _sheet(workbook, "Reach 覆盖", [H[k] for k in reach_headers] + [H["rate"]], rows)
    _sheet(
        workbook,
        "Departments 部门",
        [H["department"], H["trainees"], *(_both(m) for m in reach.modules)],
        [
            [d.name or "(not given) / （未填写）", d.trainees, *(d.completed[m.id] for m in reach.modules)]
            for d in reach.departments
        ],
    )
    gain = [H["n"], H["pre"], H["post"], H["gain"]]
    _sheet(workbook, "Gain by module 按模块", [H["scope"], H["module"], *gain], _gain_rows(report, "module"))
    _sheet(
        workbook,
        "Gain by Essential 按要素",
        [H["scope"], H["essential"], *gain],
        _gain_rows(report, "essential"),
    )
    res = report.resilience
    _resilience_sheet(workbook, res)
    _sheet(
        workbook,
        "Modules 模块建议",
        [H[k] for k in ("city", "weakest", "recommended", "taken", "both")],
        [
            [
                f"{c.name['en']} / {c.name['zh']}" if c.name["zh"] != c.name["en"] else c.name["en"],
                ", ".join(str(n) for n in c.weakest),
                "; ".join(_both(m) for m in c.recommended),
                "; ".join(_both(m) for m in c.taken),
                "; ".join(_both(m) for m in c.recommended_taken),
            ]
            for c in res.cities
        ],
    )
    _sheet(workbook, "Methods 说明", ["English", "中文"], [list(pair) for pair in METHODS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
