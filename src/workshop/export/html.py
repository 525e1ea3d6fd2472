"""One standalone, printable HTML file: the Markdown rendered with markdown-it-py, inline SVG charts,
an inline style sheet, no external assets.

Printed (A4), it reads like a consultant's report: the summary alone on the first page (the scores
table beside the chart), then the details, each set's answers under a bar chart of its sections, and
a heatmap of every question by section. Words never break mid-word, headings stay with what follows
them, table headers repeat on every page, and the facilitator's vote table numbers its columns.

Raw HTML is off (`html=False`) and only http(s), mailto and in-page links are allowed, on top of the
escaping every user text already went through; the SVG is built here with `html.escape`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from markdown_it import MarkdownIt

from workshop import formatting as fmt
from workshop.analysis import Analysis, Comparison, QuestionScore, ScoreStatus
from workshop.export.escape import one_line
from workshop.export.markdown import markdown_blocks
from workshop.export.options import Audience
from workshop.session import HistoryEntry, Session

SAFE_SCHEMES = ("http:", "https:", "mailto:")
KEEP_LINES = 16  # sections of at most this many Markdown lines never break across printed pages

STYLE = """
:root { color-scheme: light; }
body { font: 15px/1.45 -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       color: #1f2328; max-width: 62rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; border-bottom: 2px solid #1f2328; padding-bottom: .25rem; margin: 0 0 .5rem; }
h2 { font-size: 1.25rem; margin: 1.6rem 0 .5rem; border-bottom: 1px solid #d0d7de; padding-bottom: .15rem; }
h3 { font-size: 1.05rem; margin: 1.1rem 0 .4rem; }
h4 { font-size: .95rem; margin: .9rem 0 .3rem; }
p, ul, ol { margin: .45rem 0; }
li { margin: .1rem 0; }
.block-title p { margin: .15rem 0; color: #57606a; }
.block-title p:last-child { color: #1f2328; }
table { border-collapse: collapse; margin: .5rem 0; width: 100%; font-size: .88rem; }
th, td { border: 1px solid #d0d7de; padding: .2rem .4rem; vertical-align: top;
         overflow-wrap: break-word; word-break: normal; hyphens: manual; }
th { background: #f6f8fa; text-align: left; }
td:first-child { min-width: 7em; }
code { font: .85em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f6f8fa;
       padding: .1em .3em; border-radius: 3px; white-space: nowrap; }
pre { background: #f6f8fa; padding: .8rem; overflow-x: auto; }
pre code { padding: 0; white-space: pre; }
figure { margin: .6rem 0; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { font-size: .8rem; color: #57606a; }
.scores-row { display: flex; gap: 1.2rem; align-items: flex-start; }
.scores-row > .block-scores { flex: 1 1 58%; }
.scores-row > figure { flex: 1 1 42%; margin-top: 1.9rem; }
.block-reading { font-size: .82rem; color: #57606a; }
.block-answers table td:nth-child(5) { min-width: 8.5em; }
.block-scores table { font-size: .82rem; }
.block-scores td, .block-scores th { white-space: nowrap; }
.block-answers table td:nth-child(2) { width: 58%; }
.block-votes table { font-size: .78rem; }
.block-votes table td:first-child { min-width: 16em; }
.block-votes table td:not(:first-child), .block-votes table th:not(:first-child) { text-align: center;
       padding: .2rem .15rem; }
.block-summary > p:first-of-type { font-size: 1.05rem; }
@page { size: A4; margin: 12mm 13mm 14mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 9.5pt; line-height: 1.35; color: #000; }
  h1 { font-size: 16pt; } h2 { font-size: 13pt; margin-top: 1rem; } h3 { font-size: 11pt; margin-top: .8rem; }
  h4 { font-size: 10pt; }
  table { font-size: 8.5pt; }
  .block-scores table, .block-votes table { font-size: 8pt; }
  .summary-page { break-after: page; page-break-after: always; font-size: 9pt; line-height: 1.3; }
  .summary-page li { margin: 0; }
  .summary-page h2 { margin-top: .4rem; }
  .summary-page h3 { margin-top: .5rem; }
  .summary-page p, .summary-page ul { margin: .25rem 0; }
  h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; break-inside: avoid; }
  h2 + p, h3 + p, h4 + p { break-after: avoid; page-break-after: avoid; }  /* an intro stays with its table */
  thead { display: table-header-group; }
  tr, figure, li, pre, .keep { break-inside: avoid; page-break-inside: avoid; }
  p { orphans: 3; widows: 3; }
  a { color: #000; text-decoration: none; }
  pre, code, th { background: none; }
}
""".strip()

# The heatmap's colours: met, one level short, two or more short, unknown, not assessed, not applicable.
MET, SHORT, FAR, UNKNOWN, OPEN, NA = "#2da44e", "#e3b341", "#cf222e", "#6e7781", "#ffffff", "#eaeef2"


def _validate_link(url: str) -> bool:
    value = "".join(url.split()).lower()
    return value.startswith(SAFE_SCHEMES) or value.startswith("#")


# Rules the exports never use: off, both as a second line of defence and for speed on big plans.
UNUSED_RULES = ["reference", "html_block", "html_inline", "image", "autolink", "code", "lheading"]


def renderer(preset: str = "commonmark") -> MarkdownIt:
    """markdown-it-py with tables; raw HTML, images, link references, indented code and setext headings
    off; links limited to SAFE_SCHEMES and '#anchors'."""
    md = MarkdownIt(preset, {"html": False, "linkify": False, "typographer": False}).enable("table")
    md.disable(UNUSED_RULES)
    md.validateLink = _validate_link
    return md


_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_PLAIN_CELL = re.compile(r"^[^\\`*_\[\]<>&!~]*$")  # nothing markdown-it would turn into markup


def _table_html(md: MarkdownIt, lines: list[str]) -> str:
    """A table written by `markdown.table`, as markdown-it renders it, without its per-cell parsing cost.

    Cells with no Markdown syntax are escaped directly; the others go through markdown-it's inline
    renderer, exactly as in a table. A test checks the result equals markdown-it's on whole exports.
    """
    def cells(line: str) -> list[str]:
        inner = line.strip()
        inner = inner[1:] if inner.startswith("|") else inner
        inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
        return [c.strip().replace("\\|", "|") for c in _CELL_SPLIT.split(inner)]

    def render(text: str) -> str:
        return html.escape(text, quote=False) if _PLAIN_CELL.match(text) else md.renderInline(text)

    header = cells(lines[0])
    aligns = ['style="text-align:right"' if m.endswith(":") and not m.startswith(":") else
              'style="text-align:center"' if m.startswith(":") and m.endswith(":") and len(m) > 1 else
              'style="text-align:left"' if m.startswith(":") else "" for m in cells(lines[1])]
    attrs = [f" {a}" if a else "" for a in aligns]
    out = ["<table>\n<thead>\n<tr>\n"]
    out += [f"<th{attrs[i]}>{render(c)}</th>\n" for i, c in enumerate(header)]
    out.append("</tr>\n</thead>\n")
    if len(lines) > 2:
        out.append("<tbody>\n")
        for line in lines[2:]:
            row = cells(line)
            out.append("<tr>\n")
            out += [f"<td{attrs[i]}>{render(c)}</td>\n" for i, c in enumerate(row)]
            out.append("</tr>\n")
        out.append("</tbody>\n")
    out.append("</table>\n")
    return "".join(out)


def render_block(md: MarkdownIt, text: str) -> str:
    """One block's Markdown as HTML: its tables directly, the rest with markdown-it."""
    out: list[str] = []
    prose: list[str] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if lines[i].startswith("| ") and i + 1 < len(lines) and lines[i + 1].startswith(("| :--", "| --:")):
            if prose:
                out.append(md.render("\n".join(prose)))
                prose = []
            j = i
            while j < len(lines) and lines[j].startswith("|"):
                j += 1
            out.append(_table_html(md, lines[i:j]))
            i = j
        else:
            prose.append(lines[i])
            i += 1
    if prose and "".join(prose).strip():
        out.append(md.render("\n".join(prose)))
    return "".join(out)


def _svg_open(width: int, height: int, title: str, ident: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-labelledby="{ident}">',
        f'<title id="{ident}">{html.escape(title)}</title>',
        '<g font-family="Helvetica, Arial, sans-serif" font-size="12" fill="#1f2328">',
    ]


def _bars(rows: Sequence[tuple[str, float | None, float | None, bool]], ident: str, title: str,
          label_w: int = 170, bar_w: int = 300) -> str:
    """Horizontal bars 0-100 with a red tick at each target score; a bold row for a total."""
    row_h, top = 24, 20
    width, height = label_w + bar_w + 44, top + row_h * len(rows) + 6
    parts = _svg_open(width, height, title, ident)
    for tick in (0, 25, 50, 75, 100):
        x = label_w + bar_w * tick / 100
        parts.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 4}" stroke="#d0d7de"/>')
        parts.append(f'<text x="{x:.1f}" y="{top - 8}" text-anchor="middle" font-size="10">{tick}</text>')
    for i, (label, value, target, total) in enumerate(rows):
        y = top + i * row_h
        text = html.escape(_short(label, label_w // 7))
        weight = ' font-weight="bold"' if total else ""
        parts.append(f'<text x="{label_w - 6}" y="{y + 16}" text-anchor="end"{weight}>{text}</text>')
        if value is None:
            parts.append(f'<text x="{label_w + 4}" y="{y + 16}">n/a</text>')
            continue
        w = bar_w * max(0.0, min(100.0, value)) / 100
        fill = "#1f2328" if total else "#4a77b4"
        parts.append(f'<rect x="{label_w}" y="{y + 5}" width="{w:.1f}" height="15" fill="{fill}"/>')
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 16}"{weight}>{fmt.score(value)}</text>')
        if target is not None:
            tx = label_w + bar_w * max(0.0, min(100.0, target)) / 100
            parts.append(
                f'<line x1="{tx:.1f}" y1="{y + 2}" x2="{tx:.1f}" y2="{y + 23}" stroke="#c0392b" '
                f'stroke-width="2.5"><title>target {fmt.score(target)}</title></line>'
            )
    parts.append("</g></svg>")
    return "".join(parts)


def _short(text: str, limit: int) -> str:
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def svg_chart(analysis: Analysis) -> str:
    """The summary's chart: one bar per set plus the readiness index, a tick at each set's target score."""
    rows = [(s.title, s.score, s.target_score, False) for s in analysis.sets]
    rows.append(("Readiness index", analysis.readiness_index, None, True))
    svg = _bars(rows, "chart-sets", "Scores per set, 0 to 100", label_w=112, bar_w=230)
    caption = "Bars: score per set (0-100). Red ticks: the score each set would have at its targets."
    return f'<figure class="chart">{svg}<figcaption>{caption}</figcaption></figure>'


def set_chart(analysis: Analysis, set_id: str) -> str:
    """One set's sections as bars, with the section's target score marked."""
    s = analysis.set_score(set_id)
    if s is None:
        return ""
    by_section: dict[str, list[QuestionScore]] = {}
    for q in analysis.questions:
        if q.set_id == set_id:
            by_section.setdefault(q.section_id, []).append(q)
    rows = []
    for section in s.sections:
        applicable = [q for q in by_section.get(section.section_id, []) if q.level is not None]
        target = 100 * sum(q.weight * q.target for q in applicable) / sum(4 * q.weight for q in applicable) \
            if applicable else None
        rows.append((section.title, section.score, target, False))
    svg = _bars(rows, f"chart-{_ident(set_id)}", f"{s.title}: score per section, 0 to 100", label_w=270)
    return f'<figure class="chart set-chart">{svg}</figure>'


def _ident(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text)


def _cell_colour(q: QuestionScore) -> tuple[str, str]:
    """(fill, what it means) for one question in the heatmap."""
    if q.status is ScoreStatus.NOT_APPLICABLE:
        return NA, "not applicable"
    if q.status is ScoreStatus.UNASSESSED:
        return OPEN, "not assessed yet"
    if q.status is ScoreStatus.UNKNOWN:
        return UNKNOWN, f"unknown, target {q.target}"
    if q.gap == 0:
        return MET, f"level {q.level}, target {q.target}"
    return (SHORT if q.gap == 1 else FAR), f"level {q.level}, target {q.target}"


def svg_heatmap(analysis: Analysis, set_titles: dict[str, str]) -> str:
    """Every question as a square, one row per section: where the gaps cluster, at a glance."""
    rows: list[tuple[str, str, float | None, list[QuestionScore]]] = []
    by_section: dict[tuple[str, str], list[QuestionScore]] = {}
    for q in analysis.questions:
        by_section.setdefault((q.set_id, q.section_id), []).append(q)
    for s in analysis.sets:
        for section in s.sections:
            rows.append((set_titles.get(s.set_id, s.set_id), section.title, section.score,
                         by_section.get((s.set_id, section.section_id), [])))
    if not rows:
        return ""
    size, gap, label_w, top = 18, 3, 300, 8
    columns = max(len(r[3]) for r in rows)
    grid_w = columns * (size + gap)
    width = max(label_w + grid_w + 50, 610)
    height = top + len(rows) * (size + gap) + 48
    parts = _svg_open(width, height, "Every question by section: green meets its target, amber one level short, "
                      "red two or more, grey unknown, white not assessed yet", "heatmap")
    previous_set = None
    for i, (set_title, section_title, score, questions) in enumerate(rows):
        y = top + i * (size + gap)
        label = _short(section_title, 34) if set_title == previous_set else _short(f"{set_title} · {section_title}", 44)
        previous_set = set_title
        parts.append(f'<text x="{label_w - 8}" y="{y + 13}" text-anchor="end" font-size="11">{html.escape(label)}</text>')
        for j, q in enumerate(questions):
            x = label_w + j * (size + gap)
            fill, meaning = _cell_colour(q)
            stroke = ' stroke="#1f2328" stroke-width="2"' if q.gate else ' stroke="#8c959f" stroke-width="0.6"'
            dash = ' stroke-dasharray="2 2"' if q.status is ScoreStatus.UNASSESSED and not q.gate else ""
            tip = html.escape(f"{_short(q.prompt, 120)} ({meaning}{', a gate' if q.gate else ''})")
            parts.append(f'<rect x="{x}" y="{y}" width="{size}" height="{size}" fill="{fill}"{stroke}{dash}>'
                         f"<title>{tip}</title></rect>")
            if q.status is ScoreStatus.UNKNOWN:
                parts.append(f'<text x="{x + size / 2}" y="{y + 13}" text-anchor="middle" fill="#fff" '
                             f'font-size="11">?</text>')
        parts.append(f'<text x="{label_w + grid_w + 6}" y="{y + 13}" font-size="11">{fmt.score(score)}</text>')
    legend = [(MET, "meets its target", False), (SHORT, "1 level short", False), (FAR, "2 or more short", False),
              (UNKNOWN, "unknown", False), (OPEN, "not assessed yet", False), (NA, "not applicable", False),
              ("#ffffff", "a gate (thick border)", True)]
    for k, (fill, text, gate) in enumerate(legend):
        x, y = 10 + (k % 4) * 150, height - 40 + (k // 4) * 17
        stroke = 'stroke="#1f2328" stroke-width="2"' if gate else 'stroke="#8c959f" stroke-width="0.6"'
        parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{fill}" {stroke}/>')
        parts.append(f'<text x="{x + 17}" y="{y + 10}" font-size="10.5">{text}</text>')
    parts.append("</g></svg>")
    caption = "Each square is one question, in the order of the question set; the number is the section's score."
    return f'<figure class="heatmap">{"".join(parts)}<figcaption>{caption}</figcaption></figure>'


def render_html(
    session: Session,
    analysis: Analysis,
    audience: Audience | str = Audience.PARTICIPANTS,
    history: Sequence[HistoryEntry] = (),
    comparison: Comparison | None = None,
) -> str:
    md = renderer()
    set_titles = {s.id: s.title for s in session.bank.sets}
    summary: list[str] = []
    body: list[str] = []
    current = summary
    pending_chart = ""
    scores_html = ""
    for block in markdown_blocks(session, analysis, audience, history, comparison, html=True):
        if block.name == "details":
            current = body
            continue
        if block.name == "scores":
            scores_html = f'<section class="block block-scores">{render_block(md, block.markdown)}</section>'
            continue
        if block.name == "chart":
            current.append(f'<div class="scores-row">{scores_html}{svg_chart(analysis)}</div>')
            continue
        if block.name == "heatmap":
            current.append(svg_heatmap(analysis, set_titles))
            continue
        if block.name == "set-chart":
            pending_chart = set_chart(analysis, block.data)
            continue
        rendered = render_block(md, block.markdown)
        if pending_chart and "</h3>" in rendered:
            heading, _, rest = rendered.partition("</h3>")
            rendered = f"{heading}</h3>{pending_chart}{rest}"
            pending_chart = ""
        kind = _ident(block.name.split("-")[0])
        # A short section (a heading, a sentence, a small table) is printed whole on one page.
        keep = " keep" if block.markdown.count("\n") <= KEEP_LINES else ""
        current.append(f'<section class="block block-{kind} block-{_ident(block.name)}{keep}">{rendered}</section>')
    title = html.escape(f"Readiness workshop: {one_line(session.initiative)} ({one_line(session.organisation)})")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>\n{STYLE}\n</style>\n</head>\n<body>\n<main>\n"
        + '<article class="summary-page">\n' + "\n".join(summary) + "\n</article>\n"
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )
