"""Exports of a session and its analysis: Markdown, HTML, JSON and CSV. Pure except `write_export`.

    analysis = analyse(session)
    path = write_export(session, analysis, "participants", "md", out=None, default_dir=Path("exports"))

Participants' exports never contain private notes; text typed by people is escaped by
`workshop.export.escape`, the single escaping module.
"""

from workshop.export.csv_export import render_csv
from workshop.export.html import render_html, svg_chart
from workshop.export.json_export import FORMAT, VERSION, export_document, render_json
from workshop.export.markdown import Block, markdown_blocks, render_comparison, render_markdown
from workshop.export.names import default_filename, safe_filename, slug
from workshop.export.options import Audience, ExportError, Format
from workshop.export.writer import render, resolve_out, write_export

__all__ = [
    "FORMAT",
    "VERSION",
    "Audience",
    "Block",
    "ExportError",
    "Format",
    "default_filename",
    "export_document",
    "markdown_blocks",
    "render",
    "render_comparison",
    "render_csv",
    "render_html",
    "render_json",
    "render_markdown",
    "resolve_out",
    "safe_filename",
    "slug",
    "svg_chart",
    "write_export",
]
