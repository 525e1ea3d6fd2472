"""The HTML export as a printed report: SVG charts, print CSS, and the pages a browser actually prints.

The page counts come from Debian's Chromium driven by Playwright (A4 PDF); without a browser those
tests are skipped with the reason, and `.ci/run` installs one.
"""

from __future__ import annotations

import html
import itertools
import re
from pathlib import Path

import pytest

from workshop.analysis import analyse
from workshop.export import render_html, render_markdown
from workshop.export.html import STYLE, set_chart, svg_chart, svg_heatmap

from factories import builtin_workshop, make_session

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync"]
PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


@pytest.fixture(scope="module")
def finished():
    session = builtin_workshop()
    return session, analyse(session)


def test_every_set_has_its_chart_and_the_heatmap_shows_every_question(finished):
    session, analysis = finished
    page = render_html(session, analysis)
    assert page.count('class="chart set-chart"') == len(analysis.sets)
    assert page.count('<figure class="heatmap">') == 1
    heatmap = svg_heatmap(analysis, {s.id: s.title for s in session.bank.sets})
    squares = re.findall(r'<rect x="\d+" y="\d+" width="18" height="18"', heatmap)
    assert len(squares) == len(analysis.questions)
    business = set_chart(analysis, "business")
    assert business.count("<rect") == len(analysis.set_score("business").sections)
    assert svg_chart(analysis).count("<rect") == len(analysis.sets) + 1
    # each set's chart sits under its own heading
    assert re.search(r"<h3>Business: score \d+, target \d+</h3><figure class=\"chart set-chart\">", page)


def test_the_html_shows_full_prompts_and_no_ids_to_participants(finished):
    session, analysis = finished
    page = render_html(session, analysis)
    longest = max((q.prompt for q in analysis.questions), key=len)
    assert len(longest) > 130
    assert html.escape(longest, quote=False) in page
    assert "(truncated)" not in page
    body = page.split("<body>", 1)[1]
    assert "<code>" not in body
    assert not [q.question_id for q in analysis.questions if q.question_id in body]


def test_the_summary_is_its_own_first_page(finished):
    session, analysis = finished
    page = render_html(session, analysis)
    summary = page.split('<article class="summary-page">', 1)[1].split("</article>", 1)[0]
    for needed in ("Verdict: Not ready", "Scores per set", "What the room agreed", "Next recommended actions"):
        assert needed in summary
    assert "Answers" not in re.findall(r"<h2>(.*?)</h2>", summary)
    assert ".summary-page { break-after: page;" in STYLE


def test_print_css_never_breaks_words_and_keeps_headings_with_what_follows():
    assert "overflow-wrap: anywhere" not in STYLE and "word-break: break-all" not in STYLE
    assert "overflow-wrap: break-word" in STYLE and "hyphens: manual" in STYLE
    assert re.search(r"h1, h2, h3, h4 \{ break-after: avoid", STYLE)
    assert "thead { display: table-header-group; }" in STYLE


def test_dates_never_split_across_printed_lines(finished):
    session, analysis = finished
    page = render_html(session, analysis)
    agreed = page.split("What the room agreed", 1)[1].split("</ul>", 1)[0]
    assert "due 2026\u201112\u201101" in agreed and "due 2026-12-01" not in agreed
    assert "due 2026-12-01" in render_markdown(session, analysis)  # plain text keeps plain hyphens


def test_html_heading_outline(finished):
    session, analysis = finished
    page = render_html(session, analysis, "facilitator")
    levels = [int(n) for n in re.findall(r"<h([1-6])>", page)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))


def test_a_small_session_renders_in_html():
    session = make_session({"a.gate": 1})
    page = render_html(session, analyse(session), "facilitator")
    assert page.count('class="chart set-chart"') == 2
    assert page.count("<article") == 1 and page.index("</article>") < page.index("<h2>Answers</h2>")


# --- printed with a real browser --------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"no browser to print with: {CHROMIUM} is missing (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        yield launched
        launched.close()


def print_pdf(browser, page_html: str, keep: Path | None = None) -> int:
    """Print the page to an A4 PDF, as a person would from the browser; return the number of pages."""
    page = browser.new_page()
    try:
        page.set_content(page_html, wait_until="load")
        data = page.pdf(format="A4", print_background=True)
    finally:
        page.close()
    if keep is not None:
        keep.write_bytes(data)
    return len(PAGE.findall(data))


def test_a_finished_workshop_prints_in_under_15_pages(browser, finished, tmp_path):
    session, analysis = finished
    pages = print_pdf(browser, render_html(session, analysis), tmp_path / "participants.pdf")
    assert 3 <= pages < 15, pages  # was 39 before issue 11
    facilitator = print_pdf(browser, render_html(session, analysis, "facilitator"))
    assert facilitator > pages


@pytest.mark.parametrize("kwargs", [{}, {"answered": 15}, {"participants": 15}])
def test_the_participants_summary_fits_one_printed_page(browser, kwargs):
    session = builtin_workshop(**kwargs)
    page = render_html(session, analyse(session))
    summary_only = page.split("</article>", 1)[0] + "</article></main></body></html>"
    assert print_pdf(browser, summary_only) == 1


def test_tables_render_as_markdown_it_renders_them(finished):
    """The HTML export writes tables itself (fast on 5,000-question banks); the result must be markdown-it's."""
    from workshop.export.html import render_block, renderer
    from workshop.export.markdown import markdown_blocks

    from factories import HOSTILE, PASTE, SHORT, build

    md = renderer()
    session, analysis = finished
    hostile = build(HOSTILE, PASTE, SHORT)
    checked = 0
    for s, a in ((session, analysis), (hostile, analyse(hostile))):
        for audience in ("participants", "facilitator"):
            for block in markdown_blocks(s, a, audience, html=True):
                if block.markdown:
                    assert render_block(md, block.markdown) == md.render(block.markdown), block.name
                    checked += "<table>" in md.render(block.markdown)
    assert checked > 20


def test_no_printed_page_ends_with_a_heading(browser, finished, tmp_path):
    """Headings stay with what follows them (pdftotext reads the printed pages back)."""
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext is missing (apt-get install poppler-utils)")
    session, analysis = finished
    for audience in ("participants", "facilitator"):
        page_html = render_html(session, analysis, audience)
        headings = {html.unescape(re.sub(r"<[^>]+>", "", h)).strip()
                    for h in re.findall(r"<h[2-4]>(.*?)</h[2-4]>", page_html)}
        pdf = tmp_path / f"{audience}.pdf"
        print_pdf(browser, page_html, pdf)
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        for number, page in enumerate(text.split("\f")[:-1], start=1):
            lines = [line.strip() for line in page.splitlines() if line.strip()]
            assert lines and lines[-1] not in headings, f"{audience} page {number} ends with '{lines[-1]}'"
            assert not (len(lines) > 1 and lines[-2] in headings), f"{audience} page {number}: '{lines[-2]}'"


def test_a_fifteen_person_vote_table_keeps_one_short_row_per_question_in_print(browser):
    session = builtin_workshop(participants=15)
    page = browser.new_page(viewport={"width": 794, "height": 1123})  # an A4 sheet at 96 dpi
    try:
        page.emulate_media(media="print")
        page.set_content(render_html(session, analyse(session), "facilitator"), wait_until="load")
        votes = page.locator("xpath=//h2[normalize-space()='Votes per participant']/following-sibling::table[1]")
        header = votes.locator("thead th").all_inner_texts()
        assert header[1:16] == [f"P{n}" for n in range(1, 16)]  # numbered columns, a key below
        key = votes.locator("xpath=following-sibling::p[1]").inner_text()
        assert key.startswith("P1 ") and "P15 " in key
        line = page.evaluate("parseFloat(getComputedStyle(document.body).lineHeight) || 20")
        heights = [box["height"] for box in (row.bounding_box() for row in votes.locator("tbody tr").all())]
        assert heights and max(heights) <= 3.2 * line  # a question's prompt on at most three lines
        width = votes.bounding_box()["width"]
        assert width <= page.evaluate("document.querySelector('main').getBoundingClientRect().width") + 1
    finally:
        page.close()
