"""One standalone, printable HTML file: the Markdown rendered with markdown-it-py, an inline
SVG chart of the scores per set, an inline style sheet, no external assets.

Raw HTML is off (`html=False`) and only http(s), mailto and in-page links are allowed, on top
of the escaping every user text already went through.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from markdown_it import MarkdownIt

from workshop import formatting as numbers
from workshop.analysis import Analysis, Comparison
from workshop.export.escape import one_line
from workshop.export.markdown import markdown_blocks
from workshop.export.options import Audience
from workshop.session import HistoryEntry, Session

SAFE_SCHEMES = ("http:", "https:", "mailto:")

STYLE = """
:root { color-scheme: light; }
body { font: 15px/1.5 -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       color: #1f2328; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.7rem; border-bottom: 2px solid #1f2328; padding-bottom: .3rem; }
h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; }
h3 { font-size: 1.1rem; }
table { border-collapse: collapse; margin: .8rem 0; width: 100%; font-size: .9rem; }
th, td { border: 1px solid #d0d7de; padding: .3rem .5rem; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f6f8fa; text-align: left; }
code { font: .85em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f6f8fa;
       padding: .1em .3em; border-radius: 3px; }
pre { background: #f6f8fa; padding: .8rem; overflow-x: auto; }
pre code { padding: 0; }
figure.chart { margin: 1rem 0; }
figure.chart svg { max-width: 100%; height: auto; }
figure.chart figcaption { font-size: .85rem; color: #57606a; }
@page { margin: 1.5cm; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; color: #000; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  tr, figure, li { break-inside: avoid; page-break-inside: avoid; }
  a { color: #000; text-decoration: none; }
  pre, code, th { background: none; }
}
""".strip()


def _validate_link(url: str) -> bool:
    value = "".join(url.split()).lower()
    return value.startswith(SAFE_SCHEMES) or value.startswith("#")


def renderer(preset: str = "commonmark") -> MarkdownIt:
    """markdown-it-py with tables, raw HTML off and links limited to SAFE_SCHEMES and '#anchors'."""
    md = MarkdownIt(preset, {"html": False, "linkify": False, "typographer": False}).enable("table")
    md.validateLink = _validate_link
    return md


def svg_chart(analysis: Analysis) -> str:
    """Horizontal bars, 0-100, one per set plus the readiness index, with a tick at the target score."""
    rows = [(s.title, s.score, s.target_score) for s in analysis.sets]
    rows.append(("Readiness index", analysis.readiness_index, None))
    label_w, bar_w, row_h, top = 190, 380, 30, 24
    width, height = label_w + bar_w + 60, top + row_h * len(rows) + 10
    esc = html.escape
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-labelledby="chart-title">',
        '<title id="chart-title">Scores per set, 0 to 100</title>',
        '<g font-family="Helvetica, Arial, sans-serif" font-size="13" fill="#1f2328">',
    ]
    for tick in (0, 25, 50, 75, 100):
        x = label_w + bar_w * tick / 100
        parts.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 8}" stroke="#d0d7de"/>')
        parts.append(f'<text x="{x:.1f}" y="{top - 10}" text-anchor="middle" font-size="11">{tick}</text>')
    for i, (title, value, target) in enumerate(rows):
        y = top + i * row_h
        label = esc(one_line(title)[:28])
        parts.append(f'<text x="{label_w - 8}" y="{y + 19}" text-anchor="end">{label}</text>')
        if value is None:
            parts.append(f'<text x="{label_w + 4}" y="{y + 19}">n/a</text>')
            continue
        w = bar_w * max(0.0, min(100.0, value)) / 100
        fill = "#1f2328" if target is None else "#4a77b4"
        parts.append(f'<rect x="{label_w}" y="{y + 6}" width="{w:.1f}" height="18" fill="{fill}"/>')
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 19}">{numbers.score(value)}</text>')
        if target is not None:
            tx = label_w + bar_w * max(0.0, min(100.0, target)) / 100
            parts.append(
                f'<line x1="{tx:.1f}" y1="{y + 2}" x2="{tx:.1f}" y2="{y + 28}" stroke="#c0392b" '
                f'stroke-width="2"><title>target {numbers.score(target)}</title></line>'
            )
    parts.append("</g></svg>")
    caption = "Bars: score per set (0-100). Red ticks: the score each set would have at its targets."
    return f'<figure class="chart">{"".join(parts)}<figcaption>{caption}</figcaption></figure>'


def render_html(
    session: Session,
    analysis: Analysis,
    audience: Audience | str = Audience.PARTICIPANTS,
    history: Sequence[HistoryEntry] = (),
    comparison: Comparison | None = None,
) -> str:
    md = renderer()
    body = []
    for block in markdown_blocks(session, analysis, audience, history, comparison):
        body.append(svg_chart(analysis) if block.name == "chart" else md.render(block.markdown))
    title = html.escape(f"Readiness workshop: {one_line(session.initiative)} ({one_line(session.organisation)})")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>\n{STYLE}\n</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )
